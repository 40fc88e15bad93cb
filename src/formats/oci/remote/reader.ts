/**
 * Reads of remote and virtual OCI repositories, through the remote/virtual engine
 * (src/virtual) with the targets of ../proxy.ts (docs/formats/oci.md "Remote and virtual"):
 * - a manifest by digest and a blob: cache first (any member holding it locally, then the
 *   remote members' upstreams in priority order) — content-addressed, so any copy is the copy;
 * - a manifest by tag: the members in priority order, each answering from its hosted files or
 *   its cache/upstream, so the highest-priority member that has the tag wins it;
 * - tags and referrers: every member's answer, unioned.
 * Shielding (a hosted member has the image name) leaves remote members out; a member whose
 * upstream is down is left out while another answers.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../../env";
import { RegistryError } from "../../../errors";
import type { SourceContext } from "../../../repositories/source-context";
import type { Repository } from "../../../repositories/model";
import type { EngineContext } from "../../../virtual/documents";
import { resolveTarget } from "../../../virtual/engine";
import { hostedHasPackage, membersServing, shields, type Member } from "../../../virtual/members";
import { remoteGet, remoteOpen } from "../../../virtual/remote-fetch";
import { remoteResponse } from "../../../virtual/remote-response";
import { labelled } from "../../../virtual/responses";
import { engineContext, serveTarget } from "../../../virtual/serve";
import type { ProxyTarget } from "../../types";
import { HostedOciReader } from "../hosted/reader";
import type { Descriptor } from "../manifest";
import type { Reference } from "../names";
import { ociProxy } from "../proxy";
import { blobTarget, manifestTarget, referrersTarget, tagsTarget } from "../proxy-targets";
import type { ManifestAnswer, OciReader } from "../reader";
import { manifestAnswer, parseReferrers, parseTagList } from "./answers";

export class ProxiedOciReader implements OciReader {
  private engine: Promise<EngineContext> | null = null;

  constructor(
    private readonly c: Context<AppEnv>,
    private readonly repository: Repository,
    private readonly context: SourceContext,
  ) {}

  async manifest(name: string, reference: Reference, request: Request): Promise<ManifestAnswer | null> {
    // Manifests are small: read whole (a HEAD too) so the digest, type and size are the served bytes'.
    const get = new Request(request.url, { method: "GET", headers: request.headers });
    const target = manifestTarget(name, reference);
    const response = reference.kind === "digest" ? await resolveTarget(await this.engineContext(), ociProxy, target, get) : await this.firstInPriority(target, get);
    return response ? manifestAnswer(response, reference, request.method === "HEAD") : null;
  }

  blob(name: string, digest: string): Promise<Response | null> {
    return serveTarget(this.c, ociProxy, this.repository, this.context, blobTarget(name, digest));
  }

  async tags(name: string): Promise<string[] | null> {
    const answers = await this.everyMember(tagsTarget(name), async (member) => new HostedOciReader(member).tags(name), parseTagList);
    return answers === null ? null : [...new Set(answers.flat())].sort();
  }

  async referrers(name: string, digest: string): Promise<Descriptor[]> {
    const answers = await this.everyMember(referrersTarget(name, digest), async (member) => new HostedOciReader(member).referrers(name, digest), parseReferrers);
    const byDigest = new Map<string, Descriptor>();
    for (const descriptor of answers?.flat() ?? []) if (!byDigest.has(descriptor.digest)) byDigest.set(descriptor.digest, descriptor);
    return [...byDigest.values()].sort((a, b) => a.digest.localeCompare(b.digest));
  }

  private engineContext(): Promise<EngineContext> {
    this.engine ??= engineContext(this.c, this.repository, this.context);
    return this.engine;
  }

  /** The members that may answer for the image name, and whether shielding leaves the remote ones out. */
  private async eligible(packageKey: string | null): Promise<{ engine: EngineContext; members: Member[]; shielded: boolean }> {
    const engine = await this.engineContext();
    const members = membersServing(engine.members, packageKey);
    const mayShield = this.repository.kind === "virtual" && this.repository.settings.shielding && members.some((m) => m.kind === "remote");
    const hostedHas = mayShield ? await Promise.all(members.map((m) => hostedHasPackage(m, packageKey))) : [];
    return { engine, members, shielded: shields(this.repository, packageKey, hostedHas) };
  }

  /** The first member in priority order that has the target (a tag): hosted files, or a remote's cache/upstream. */
  private async firstInPriority(target: ProxyTarget, request: Request): Promise<Response | null> {
    const { engine, members, shielded } = await this.eligible(target.packageKey);
    let unavailable: RegistryError | null = null;
    for (const member of members) {
      if (member.kind === "hosted") {
        const response = await ociProxy.readHosted(member.hosted, target, request);
        if (response) return labelled(response, member.repository.name, "HIT");
        continue;
      }
      if (shielded) continue;
      try {
        const hit = await remoteOpen(member.remote, target, target.kind);
        if (hit) return remoteResponse(request, engine.ctx.bucket, hit, member.repository.name);
      } catch (error) {
        if (!(error instanceof RegistryError) || error.code !== "upstream_unavailable") throw error;
        unavailable ??= error;
      }
    }
    if (unavailable) throw unavailable;
    return null;
  }

  /** Every member's answer (null: none knows the name); an unreachable upstream is left out unless nobody answers. */
  private async everyMember<T>(target: ProxyTarget, hosted: (source: Extract<Member, { kind: "hosted" }>["hosted"]) => Promise<T | null>, parse: (text: string) => T | null): Promise<T[] | null> {
    const { engine, members, shielded } = await this.eligible(target.packageKey);
    const answers: T[] = [];
    let unavailable: RegistryError | null = null;
    for (const member of members) {
      if (member.kind === "hosted") {
        const answer = await hosted(member.hosted);
        if (answer !== null) answers.push(answer);
        continue;
      }
      if (shielded) continue;
      try {
        const hit = await remoteGet(member.remote, target, "metadata");
        const object = hit ? await engine.ctx.bucket.get(hit.blob.r2Key) : null;
        const answer = object ? parse(await object.text()) : null;
        if (answer !== null) answers.push(answer);
      } catch (error) {
        if (!(error instanceof RegistryError) || error.code !== "upstream_unavailable") throw error;
        unavailable ??= error;
      }
    }
    if (answers.length === 0 && unavailable) throw unavailable;
    return answers.length === 0 ? null : answers;
  }
}
