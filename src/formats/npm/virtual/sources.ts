/**
 * What an npm packument served by a remote or virtual repository is made of: one source
 * per contributing repository, in priority order — a hosted member (identified by its
 * package revision) or a remote's cached upstream packument (identified by its sha256).
 * Remote packuments are always fetched in full (as Verdaccio does) so one cached copy
 * serves full and abbreviated requests and the release-age filter can read `time`.
 */
import { readableMembers } from "../../../auth/permissions";
import type { Principal } from "../../../auth/principal";
import type { MemberRef } from "../../../db/repositories";
import { listMembers } from "../../../db/repositories";
import type { Bindings } from "../../../env";
import { RegistryError } from "../../../errors";
import { HostedSource, type SourceContext } from "../../../repositories/hosted-source";
import type { Repository } from "../../../repositories/model";
import { memberServes } from "../../../virtual/name-patterns";
import { RemoteSource } from "../../../virtual/remote-source";
import type { NpmName } from "../names";
import { loadState, revString } from "../state";

export type PackumentSource = (
  | { member: string; kind: "hosted"; repositoryId: number; rev: string }
  | { member: string; kind: "blob"; r2Key: string; sha256: string }
) & {
  /** Release age (hours) this source's versions must reach; 0 for hosted sources. */
  minReleaseAgeHours: number;
};

export interface CollectedSources {
  sources: PackumentSource[];
  /** Worst cache state among remote sources (STALE > MISS > REVALIDATED > HIT). */
  cache: "HIT" | "MISS" | "STALE" | "REVALIDATED";
}

/** The upstream path of a packument: scoped names as one escaped segment (`@scope%2fname`). */
export const upstreamPackumentPath = (name: NpmName): string => encodeURIComponent(name.name).replace(/^%40/, "@");

const severity = { HIT: 0, REVALIDATED: 1, MISS: 2, STALE: 3 } as const;
type Found = { source: PackumentSource; cache: CollectedSources["cache"] } | null;

async function hostedSource(member: Repository, ctx: SourceContext, name: NpmName): Promise<Found> {
  const state = await loadState(new HostedSource(member, ctx), name.name.toLowerCase());
  if (!state || state.pkg.name !== name.name) return null;
  return { source: { member: member.name, kind: "hosted", repositoryId: member.id, rev: revString(state), minReleaseAgeHours: 0 }, cache: "HIT" };
}

async function remoteSource(member: Repository, ctx: SourceContext, env: Pick<Bindings, "FILLS">, name: NpmName, minReleaseAgeHours: number): Promise<Found> {
  const hit = await new RemoteSource(member, ctx, env).get(`packument/${name.name}`, "metadata", {
    upstreamPath: upstreamPackumentPath(name),
    accept: "application/json",
  });
  if (!hit) return null;
  return { source: { member: member.name, kind: "blob", r2Key: hit.blob.r2Key, sha256: hit.blob.sha256, minReleaseAgeHours }, cache: hit.cache };
}

/**
 * Sources of a remote repository, or of a virtual one's eligible members (include/exclude,
 * shielding), in priority order. Members are asked in parallel: hosted members first (their
 * answer decides shielding), then remote members unless a hosted member has the name.
 */
export async function collectSources(
  repository: Repository,
  ctx: SourceContext,
  env: Pick<Bindings, "FILLS">,
  name: NpmName,
): Promise<CollectedSources> {
  const members: MemberRef[] =
    repository.kind === "virtual"
      ? readableMembers(ctx.principal, await listMembers(ctx.db, repository.id))
      : [{ repository, priority: 0, include: null, exclude: null }];
  const key = name.name.toLowerCase();
  const eligible = members.filter((m) => memberServes(m, key)).map((m) => m.repository);
  const own = repository.settings.minReleaseAgeHours ?? 0;

  const hosted = await Promise.all(eligible.map((m) => (m.kind === "hosted" ? hostedSource(m, ctx, name) : Promise.resolve(null))));
  const shielded = repository.kind === "virtual" && repository.settings.shielding && hosted.some((h) => h !== null);
  let unavailable: RegistryError | null = null;
  const remote = await Promise.all(
    eligible.map(async (m) => {
      if (m.kind !== "remote" || shielded) return null;
      try {
        return await remoteSource(m, ctx, env, name, Math.max(own, m.settings.minReleaseAgeHours ?? 0));
      } catch (error) {
        // One member's upstream being down leaves it out; only fail when nobody answered.
        if (!(error instanceof RegistryError) || error.code !== "upstream_unavailable") throw error;
        unavailable = error;
        return null;
      }
    }),
  );
  const found = eligible.map((_, i) => hosted[i] ?? remote[i] ?? null).filter((f): f is NonNullable<Found> => f !== null);
  if (found.length === 0 && unavailable) throw unavailable;
  let cache: CollectedSources["cache"] = "HIT";
  for (const f of found) if (severity[f.cache] > severity[cache]) cache = f.cache;
  return { sources: found.map((f) => f.source), cache };
}

/** A principal-free context for work done inside Durable Objects on behalf of a request. */
export function backgroundContext(ctx: Omit<SourceContext, "principal" | "requestId" | "requestStartedAt" | "waitUntil">, principal: Principal): SourceContext {
  return { ...ctx, principal, requestId: "background", requestStartedAt: Date.now(), waitUntil: () => {} };
}
