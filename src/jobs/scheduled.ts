/**
 * The cron entry: remote cache entries not requested for `cacheRetentionDays`, cleanup
 * policies of every repository (each under a lock), each format's maintenance of its hosted
 * repositories (OCI: unreferenced blobs), expired upload sessions, then orphan blob GC.
 */
import { recordAudit } from "../db/audit";
import { deleteUnusedEntries } from "../db/cache-entries";
import { openDatabase } from "../db/client";
import { listRepositories } from "../db/repositories";
import type { Bindings } from "../env";
import { findFormat } from "../formats";
import { withLock } from "../locks/keyed-lock";
import { backgroundSource } from "../repositories/background";
import { abortExpiredUploads } from "../repositories/upload-sessions";
import { runBlobGc } from "./blob-gc";
import { runCleanup } from "./cleanup";

const LOCK_TTL_MS = 10 * 60 * 1000;

export async function runScheduledJobs(env: Bindings, now: number): Promise<void> {
  const db = openDatabase(env.DB);
  const repositories = await listRepositories(db);
  for (const repository of repositories) {
    const retention = repository.settings.cacheRetentionDays;
    if (repository.kind === "remote" && retention) {
      const removed = await deleteUnusedEntries(db, repository.id, now - retention * 86_400_000);
      if (removed) await recordAudit(db, { actor: "cache-retention", action: "cache.expire", repository: repository.name, detail: { removed } });
    }
  }
  for (const repository of repositories) {
    if (!repository.settings.cleanup?.enabled) continue;
    try {
      await withLock(env.LOCKS, `cleanup:${repository.name}`, LOCK_TTL_MS, () => runCleanup(backgroundSource(env, repository, "cleanup", "cleanup", db), now));
    } catch (error) {
      console.error(JSON.stringify({ job: "cleanup", repository: repository.name, error: String(error) }));
    }
  }
  for (const repository of repositories) {
    const maintenance = repository.kind === "hosted" ? findFormat(repository.format)?.maintenance : undefined;
    if (!maintenance) continue;
    try {
      await withLock(env.LOCKS, `maintenance:${repository.name}`, LOCK_TTL_MS, () => maintenance(backgroundSource(env, repository, "maintenance", "cleanup", db), now));
    } catch (error) {
      console.error(JSON.stringify({ job: "maintenance", repository: repository.name, error: String(error) }));
    }
  }
  await abortExpiredUploads(db, env.BLOBS, now);
  await withLock(env.LOCKS, "blob-gc", LOCK_TTL_MS, () => runBlobGc(db, env.BLOBS, now));
}
