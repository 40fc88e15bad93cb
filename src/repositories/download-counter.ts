/**
 * Download counts off the read path: a served file adds to an in-memory tally of this
 * isolate, and the tally is written (one batched UPDATE per version) at most every
 * `FLUSH_INTERVAL_MS`, or when `FLUSH_AT` downloads are pending, from `waitUntil` after
 * the response. Counts are approximate: an isolate evicted before its next flush loses its
 * tally (at most one interval's worth), which is the trade for zero D1 writes per download.
 */
import { addDownloads } from "../db/packages";
import type { Database } from "../db/client";

const FLUSH_INTERVAL_MS = 30_000;
const FLUSH_AT = 500;

const pending = new Map<number, number>();
let pendingTotal = 0;
let lastFlush = Date.now();

/** Counts one download; returns a flush to run in `waitUntil` when one is due, else null. */
export function countDownload(db: Database, versionId: number, now = Date.now()): Promise<void> | null {
  pending.set(versionId, (pending.get(versionId) ?? 0) + 1);
  pendingTotal++;
  if (pendingTotal < FLUSH_AT && now - lastFlush < FLUSH_INTERVAL_MS) return null;
  return flushDownloads(db, now);
}

/** Writes the pending tally now (also used by tests and the cron). */
export async function flushDownloads(db: Database, now = Date.now()): Promise<void> {
  const counts = new Map(pending);
  pending.clear();
  pendingTotal = 0;
  lastFlush = now;
  try {
    await addDownloads(db, counts);
  } catch (error) {
    // Put the tally back for the next flush rather than losing it.
    for (const [id, n] of counts) pending.set(id, (pending.get(id) ?? 0) + n);
    throw error;
  }
}
