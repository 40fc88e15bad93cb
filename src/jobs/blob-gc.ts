/**
 * Orphan blob collection. A blob no file, cache entry or derived document references is first marked (`orphaned_at`); one
 * still unreferenced 24 h later is deleted from D1 and R2. R2 objects under `blobs/` with no
 * row at all (an upload cut off between R2 and D1) are deleted once 24 h old. Each run is
 * bounded so it fits one cron invocation; leftovers go in the next run.
 */
import { sql } from "drizzle-orm";
import { recordAudit } from "../db/audit";
import type { Database } from "../db/client";
import { BLOB_KEY_PREFIX } from "../storage/blob-store";

export const ORPHAN_GRACE_MS = 24 * 3600 * 1000;
const SWEEP_BATCH = 500;
const LIST_PAGES = 5;

export interface BlobGcResult {
  marked: number;
  blobsDeleted: number;
  strayObjectsDeleted: number;
}

/** No hosted file, remote cache entry or derived document points at the blob. */
const unreferenced = sql`NOT EXISTS (SELECT 1 FROM package_file f WHERE f.blob_id = package_blob.id)
  AND NOT EXISTS (SELECT 1 FROM cache_entry c WHERE c.blob_id = package_blob.id)
  AND NOT EXISTS (SELECT 1 FROM derived_document d WHERE d.blob_id = package_blob.id)`;

export async function runBlobGc(db: Database, bucket: R2Bucket, now: number): Promise<BlobGcResult> {
  const marked = await db.run(sql`UPDATE package_blob SET orphaned_at = ${now}
    WHERE orphaned_at IS NULL AND ${unreferenced}`);
  // Deleting the row first (still unreferenced) means a concurrent upload can no longer adopt it.
  const swept = await db.all<{ r2_key: string }>(sql`DELETE FROM package_blob
    WHERE id IN (SELECT id FROM package_blob WHERE orphaned_at IS NOT NULL AND orphaned_at <= ${now - ORPHAN_GRACE_MS} LIMIT ${SWEEP_BATCH})
      AND ${unreferenced}
    RETURNING r2_key`);
  if (swept.length) await bucket.delete(swept.map((r) => r.r2_key));
  const stray = await deleteStrayObjects(db, bucket, now);
  const result = { marked: marked.meta.changes ?? 0, blobsDeleted: swept.length, strayObjectsDeleted: stray };
  if (result.blobsDeleted || result.strayObjectsDeleted) {
    await recordAudit(db, { actor: "gc", action: "gc.blobs", detail: { ...result } });
  }
  return result;
}

async function deleteStrayObjects(db: Database, bucket: R2Bucket, now: number): Promise<number> {
  let cursor: string | undefined;
  let deleted = 0;
  for (let page = 0; page < LIST_PAGES; page++) {
    const listing = await bucket.list({ prefix: BLOB_KEY_PREFIX, limit: 1000, ...(cursor ? { cursor } : {}) });
    const old = listing.objects.filter((o) => o.uploaded.getTime() <= now - ORPHAN_GRACE_MS).map((o) => o.key);
    for (let i = 0; i < old.length; i += 90) {
      // D1 allows 100 bound parameters per statement.
      const chunk = old.slice(i, i + 90);
      const known = await db.all<{ r2_key: string }>(sql`SELECT r2_key FROM package_blob WHERE r2_key IN (${sql.join(chunk.map((k) => sql`${k}`), sql`, `)})`);
      const knownKeys = new Set(known.map((k) => k.r2_key));
      const stray = chunk.filter((k) => !knownKeys.has(k));
      if (stray.length) await bucket.delete(stray);
      deleted += stray.length;
    }
    if (!listing.truncated) break;
    cursor = listing.cursor;
  }
  return deleted;
}
