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
