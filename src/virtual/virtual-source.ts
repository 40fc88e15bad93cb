/**
 * The virtual PackageSource: one URL over ordered members (DESIGN §5).
 * Artifacts: members that have the file locally (hosted, or a remote's cached copy) in
 * priority order, then remote members' upstreams in priority order; first wins.
 * Metadata: every member's copy, combined by the format's merge rule.
 * Shielding: when a hosted member has the package, remote members are not consulted for it.
 */
import { toHex } from "../auth/crypto";
import { findPackage } from "../db/packages";
import type { MemberRef } from "../db/repositories";
import type { Bindings } from "../env";
import { RegistryError } from "../errors";
import type { MemberDocument, PathClass, ProxySpec } from "../formats/types";
import { HostedSource, type SourceContext } from "../repositories/hosted-source";
import type { Repository } from "../repositories/model";
import { RemoteSource, type CacheStatus } from "./remote-source";
import { memberServes, type NameRules } from "./name-patterns";
import { labelled, remoteHitResponse } from "./responses";

interface Member {
  name: string;
  hosted: HostedSource | null;
  remote: RemoteSource | null;
  rules: NameRules;
}

export class VirtualSource {
  private readonly members: Member[];

  constructor(
    readonly repository: Repository,
    members: readonly MemberRef[],
    private readonly ctx: SourceContext,
    env: Pick<Bindings, "FILLS">,
    private readonly proxy: ProxySpec,
  ) {
    this.members = members.map(({ repository: r, include, exclude }) => ({
      name: r.name,
      hosted: r.kind === "hosted" ? new HostedSource(r, ctx) : null,
      remote: r.kind === "remote" ? new RemoteSource(r, ctx, env) : null,
      rules: { include, exclude },
    }));
  }

  /**
   * The members that may serve this path, in priority order: include/exclude rules apply to
   * all; remote members drop out when a hosted member has the package (shielding).
   */
  private async eligibleMembers(path: string): Promise<Member[]> {
    const key = this.proxy.packageKey(path)?.toLowerCase() ?? null;
    const allowed = this.members.filter((m) => memberServes(m.rules, key));
    if (!this.repository.settings.shielding || key === null || !allowed.some((m) => m.remote)) return allowed;
    for (const member of allowed) {
      if (member.hosted && (await findPackage(this.ctx.db, member.hosted.repository.id, key))) return allowed.filter((m) => !m.remote);
    }
    return allowed;
  }

  async resolve(path: string, kind: PathClass, request: Request): Promise<Response | null> {
    return kind === "metadata" ? this.resolveMetadata(path, request) : this.resolveArtifact(path, request);
  }

  private async resolveArtifact(path: string, request: Request): Promise<Response | null> {
    const members = await this.eligibleMembers(path);
    // Pass 1: whatever a member already holds, in priority order.
    for (const member of members) {
      if (member.hosted) {
        const response = await this.proxy.readHosted(member.hosted, path, request);
        if (response) return labelled(response, member.name, "HIT");
      } else if (member.remote && (await member.remote.cachedCopy(path))) {
        const hit = await member.remote.get(path, "artifact").catch(() => null);
        if (hit) return remoteHitResponse(request, this.ctx.bucket, hit, member.name);
      }
    }
    // Pass 2: ask the remote members' upstreams, in priority order.
    let unavailable: RegistryError | null = null;
    for (const member of members.filter((m) => m.remote)) {
      try {
        const hit = await member.remote?.get(path, "artifact");
        if (hit) return remoteHitResponse(request, this.ctx.bucket, hit, member.name);
      } catch (error) {
        if (!(error instanceof RegistryError) || error.code !== "upstream_unavailable") throw error;
        unavailable = error;
      }
    }
    if (unavailable) throw unavailable;
    return null;
  }

  private async resolveMetadata(path: string, request: Request): Promise<Response | null> {
    const checksum = this.proxy.checksumOf?.(path);
    if (checksum) {
      const base = await this.mergedDocument(checksum.base, request);
      if (!base) return null;
      const hex = await digestHex(checksum.algorithm, base.body);
      return labelled(new Response(request.method === "HEAD" ? null : hex, { headers: { "Content-Type": "text/plain" } }), base.members, base.cache);
    }
    const merged = await this.mergedDocument(path, request);
    if (!merged) return null;
    const headers = { "Content-Type": this.proxy.metadataContentType ?? "application/octet-stream", "Content-Length": String(merged.body.byteLength) };
    return labelled(new Response(request.method === "HEAD" ? null : merged.body, { headers }), merged.members, merged.cache);
  }

  private async mergedDocument(path: string, request: Request): Promise<{ body: Uint8Array; members: string; cache: CacheStatus } | null> {
    const members = await this.eligibleMembers(path);
    const documents: MemberDocument[] = [];
    const statuses: CacheStatus[] = [];
    const get = new Request(request.url, { method: "GET", headers: request.headers });
    for (const member of members) {
      if (member.hosted) {
        const response = await this.proxy.readHosted(member.hosted, path, get);
        if (response?.ok) documents.push({ member: member.name, body: new Uint8Array(await response.arrayBuffer()) });
      } else if (member.remote) {
        // A member whose upstream is down with nothing cached is left out of the merge.
        const hit = await member.remote.get(path, "metadata").catch(() => null);
        const object = hit ? await this.ctx.bucket.get(hit.blob.r2Key) : null;
        if (hit && object) {
          documents.push({ member: member.name, body: new Uint8Array(await object.arrayBuffer()) });
          statuses.push(hit.cache);
        }
      }
    }
    const first = documents[0];
    if (!first) return null;
    const body = documents.length > 1 && this.proxy.mergeMetadata ? this.proxy.mergeMetadata(path, documents) : first.body;
    if (!body) return null;
    return { body, members: documents.map((d) => d.member).join(", "), cache: combinedStatus(statuses) };
  }
}

function combinedStatus(statuses: readonly CacheStatus[]): CacheStatus {
  for (const status of ["STALE", "MISS", "REVALIDATED"] as const) if (statuses.includes(status)) return status;
  return "HIT";
}

const webCryptoNames = { sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512", md5: "MD5" } as const;

async function digestHex(algorithm: keyof typeof webCryptoNames, body: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest(webCryptoNames[algorithm], body));
}
