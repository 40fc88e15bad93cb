/**
 * Validity periods of cache entries (DESIGN §5): metadata and artifacts have their own;
 * 0 means "never recheck" (GitLab's rule). Negative entries live for the negative period;
 * a negative period of 0 disables negative caching.
 */
import type { CacheEntryRow } from "../db/cache-entries";
import type { RemoteConfigRow } from "../db/repositories";

export type Ttls = Pick<RemoteConfigRow, "metadataTtlSeconds" | "artifactTtlSeconds" | "negativeTtlSeconds">;

export function isFresh(entry: Pick<CacheEntryRow, "status" | "kind" | "checkedAt">, ttls: Ttls, now: number): boolean {
  if (entry.status === "missing") return ttls.negativeTtlSeconds > 0 && now - entry.checkedAt < ttls.negativeTtlSeconds * 1000;
  const seconds = entry.kind === "metadata" ? ttls.metadataTtlSeconds : ttls.artifactTtlSeconds;
  return seconds === 0 || now - entry.checkedAt < seconds * 1000;
}

/**
 * Until when (ms) a fresh entry is what the engine serves — no upstream call before then —
 * for the warm read cache (./read-cache.ts): a metadata or negative entry until its validity
 * period ends, an artifact of a remote that never rechecks artifacts for ever (Infinity).
 * 0 (not to be kept): an artifact the remote rechecks, and metadata the remote never
 * rechecks (`metadataTtlSeconds` 0), which the isolate does not keep without a bound.
 */
export function unchangedUntil(entry: Pick<CacheEntryRow, "status" | "checkedAt">, ttls: Ttls, kind: "metadata" | "artifact"): number {
  if (entry.status === "missing") return ttls.negativeTtlSeconds > 0 ? entry.checkedAt + ttls.negativeTtlSeconds * 1000 : 0;
  if (kind === "artifact") return ttls.artifactTtlSeconds === 0 ? Infinity : 0;
  return ttls.metadataTtlSeconds > 0 ? entry.checkedAt + ttls.metadataTtlSeconds * 1000 : 0;
}
