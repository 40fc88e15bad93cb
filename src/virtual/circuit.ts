/**
 * Circuit breaker per remote repository (Artifactory's "assumed offline period"): after
 * FAILURE_THRESHOLD consecutive failed upstream calls the upstream is assumed offline for
 * OFFLINE_MS and only the cache is served; the first success closes the circuit.
 */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import type { RemoteConfigRow } from "../db/repositories";
import { remoteConfigs } from "../db/schema";

export const FAILURE_THRESHOLD = 5;
export const OFFLINE_MS = 60_000;

export function isOffline(config: Pick<RemoteConfigRow, "offlineUntil">, now: number): boolean {
  return config.offlineUntil !== null && config.offlineUntil > now;
}

export async function recordUpstreamFailure(db: Database, repositoryId: number, now: number): Promise<void> {
  await db
    .update(remoteConfigs)
    .set({
      failureCount: sql`${remoteConfigs.failureCount} + 1`,
      offlineUntil: sql`CASE WHEN ${remoteConfigs.failureCount} + 1 >= ${FAILURE_THRESHOLD} THEN ${now + OFFLINE_MS} ELSE ${remoteConfigs.offlineUntil} END`,
    })
    .where(eq(remoteConfigs.repositoryId, repositoryId));
}

export async function recordUpstreamSuccess(db: Database, config: RemoteConfigRow): Promise<void> {
  if (config.failureCount === 0 && config.offlineUntil === null) return;
  await db.update(remoteConfigs).set({ failureCount: 0, offlineUntil: null }).where(eq(remoteConfigs.repositoryId, config.repositoryId));
}
