/**
 * What an npm packument served by a remote or virtual repository is made of: one source
 * per contributing repository, in priority order — a hosted member (identified by its
 * package revision) or a remote's cached upstream packument (identified by its sha256).
 * Remote packuments are always fetched in full (as Verdaccio does) so one cached copy
 * serves full and abbreviated requests and the release-age filter can read `time`.
 */
import type { Principal } from "../../../auth/principal";
import type { MemberRef } from "../../../db/repositories";
import { listMembers } from "../../../db/repositories";
import type { Bindings } from "../../../env";
import { findPackage } from "../../../db/packages";
import { RegistryError } from "../../../errors";
import { HostedSource, type SourceContext } from "../../../repositories/hosted-source";
import type { Repository } from "../../../repositories/model";
import { memberServes } from "../../../virtual/name-patterns";
import { RemoteSource } from "../../../virtual/remote-source";
import type { NpmName } from "../names";
import { loadState, revString } from "../state";

export type PackumentSource =
  | { member: string; kind: "hosted"; repositoryId: number; rev: string }
  | { member: string; kind: "blob"; r2Key: string; sha256: string };

export interface CollectedSources {
  sources: PackumentSource[];
  /** Worst cache state among remote sources (STALE > MISS > REVALIDATED > HIT). */
  cache: "HIT" | "MISS" | "STALE" | "REVALIDATED";
}

/** The upstream path of a packument: scoped names as one escaped segment (`@scope%2fname`). */
export const upstreamPackumentPath = (name: NpmName): string => encodeURIComponent(name.name).replace(/^%40/, "@");

async function remoteSource(remote: RemoteSource, name: NpmName, member: string): Promise<{ source: PackumentSource; cache: CollectedSources["cache"] } | null> {
  const hit = await remote.get(`packument/${name.name}`, "metadata", { upstreamPath: upstreamPackumentPath(name), accept: "application/json" });
  if (!hit) return null;
  return { source: { member, kind: "blob", r2Key: hit.blob.r2Key, sha256: hit.blob.sha256 }, cache: hit.cache };
}

async function hostedSource(repository: Repository, ctx: SourceContext, name: NpmName): Promise<PackumentSource | null> {
  const state = await loadState(new HostedSource(repository, ctx), name.name.toLowerCase());
  if (!state || state.pkg.name !== name.name) return null;
  return { member: repository.name, kind: "hosted", repositoryId: repository.id, rev: revString(state) };
}

const severity = { HIT: 0, REVALIDATED: 1, MISS: 2, STALE: 3 } as const;

/** Sources of a remote repository, or of a virtual one's eligible members (include/exclude, shielding). */
export async function collectSources(
  repository: Repository,
  ctx: SourceContext,
  env: Pick<Bindings, "FILLS">,
  name: NpmName,
): Promise<CollectedSources> {
  const members: MemberRef[] =
    repository.kind === "virtual" ? await listMembers(ctx.db, repository.id) : [{ repository, priority: 0, include: null, exclude: null }];
  const key = name.name.toLowerCase();
  let eligible = members.filter((m) => memberServes(m, key));
  if (repository.kind === "virtual" && repository.settings.shielding) {
    for (const m of eligible) {
      if (m.repository.kind === "hosted" && (await findPackage(ctx.db, m.repository.id, key))) {
        eligible = eligible.filter((e) => e.repository.kind === "hosted");
        break;
      }
    }
  }
  const sources: PackumentSource[] = [];
  let cache: CollectedSources["cache"] = "HIT";
  let unavailable: RegistryError | null = null;
  for (const { repository: member } of eligible) {
    if (member.kind === "hosted") {
      const source = await hostedSource(member, ctx, name);
      if (source) sources.push(source);
      continue;
    }
    try {
      const found = await remoteSource(new RemoteSource(member, ctx, env), name, member.name);
      if (!found) continue;
      sources.push(found.source);
      if (severity[found.cache] > severity[cache]) cache = found.cache;
    } catch (error) {
      // One member's upstream being down leaves it out; only fail when nobody answered.
      if (!(error instanceof RegistryError) || error.code !== "upstream_unavailable") throw error;
      unavailable = error;
    }
  }
  if (sources.length === 0 && unavailable) throw unavailable;
  return { sources, cache };
}

/** A principal-free context for work done inside Durable Objects on behalf of a request. */
export function backgroundContext(ctx: Omit<SourceContext, "principal" | "requestId" | "requestStartedAt" | "waitUntil">, principal: Principal): SourceContext {
  return { ...ctx, principal, requestId: "background", requestStartedAt: Date.now(), waitUntil: () => {} };
}
