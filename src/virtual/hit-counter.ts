/**
 * Cache-hit counters kept off the read path: hits are counted in the isolate's memory and
 * written to D1 at most once per entry per minute (with every hit counted so far), when a
 * hit finds the entry's `last_hit_at` older than that. So a warm read normally writes
 * nothing; `hits` may lag (and lose what an evicted isolate had not written yet), and
 * `last_hit_at` is at most a minute old, which is plenty for retention measured in days.
 */
import { recordCacheHits } from "../db/cache-entries";
import type { Database } from "../db/client";

export const HIT_FLUSH_MS = 60_000;

/** Hits not yet written, by cache entry id; bounded, the oldest counts are dropped first. */
const pending = new Map<number, number>();
const MAX_PENDING = 10_000;

/** Counts one hit; returns the D1 write to wait for when this hit is the one that flushes, else null. */
export function countCacheHit(db: Database, entry: { id: number; lastHitAt: number | null }, now: number): Promise<void> | null {
  const count = (pending.get(entry.id) ?? 0) + 1;
  if (entry.lastHitAt !== null && now - entry.lastHitAt < HIT_FLUSH_MS) {
    pending.delete(entry.id);
    pending.set(entry.id, count);
    if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value as number);
    return null;
  }
  pending.delete(entry.id);
  return recordCacheHits(db, entry.id, count, now).catch((error: unknown) => {
    // Not written: keep the hits for the next flush.
    pending.set(entry.id, (pending.get(entry.id) ?? 0) + count);
    throw error;
  });
}
