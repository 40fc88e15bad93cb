/** The cron entry: cleanup policies of every repository, then orphan blob GC, each under a lock. */
import { openDatabase } from "../db/client";
import { listRepositories } from "../db/repositories";
import type { Bindings } from "../env";
import { withLock } from "../locks/keyed-lock";
import { runBlobGc } from "./blob-gc";
import { runCleanup } from "./cleanup";

const LOCK_TTL_MS = 10 * 60 * 1000;

export async function runScheduledJobs(env: Bindings, now: number): Promise<void> {
  const db = openDatabase(env.DB);
  for (const repository of await listRepositories(db)) {
    if (!repository.settings.cleanup?.enabled) continue;
    try {
      await withLock(env.LOCKS, `cleanup:${repository.name}`, LOCK_TTL_MS, () => runCleanup(db, repository, now));
    } catch (error) {
      console.error(JSON.stringify({ job: "cleanup", repository: repository.name, error: String(error) }));
    }
  }
  await withLock(env.LOCKS, "blob-gc", LOCK_TTL_MS, () => runBlobGc(db, env.BLOBS, now));
}
