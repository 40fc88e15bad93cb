/** Queries for remote repositories' cache entries (one per upstream path). */
import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { forgetCachedRepositories } from "../repositories/repository-cache";
import type { Database } from "./client";
import { cacheEntries, packageBlobs, repositories } from "./schema";
import type { BlobRow } from "./packages";

export type CacheEntryRow = typeof cacheEntries.$inferSelect;
export interface CacheEntryWithBlob {
  entry: CacheEntryRow;
  blob: BlobRow | null;
}

export async function findCacheEntry(db: Database, repositoryId: number, key: string): Promise<CacheEntryWithBlob | null> {
  const row = await db
    .select({ entry: cacheEntries, blob: packageBlobs })
    .from(cacheEntries)
    .leftJoin(packageBlobs, eq(packageBlobs.id, cacheEntries.blobId))
    .where(and(eq(cacheEntries.repositoryId, repositoryId), eq(cacheEntries.key, key)))
    .get();
  return row ?? null;
}

export interface CachedUpstreamResponse {
  kind: CacheEntryRow["kind"];
  blobId: number;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Kept upstream response headers, as JSON (see `cache_entry.headers`). */
  headers?: string | null;
}

/** Stores (or replaces) a positive entry: the upstream's bytes are in `blobId`. */
export async function saveCacheEntry(db: Database, repositoryId: number, key: string, value: CachedUpstreamResponse, now: number): Promise<void> {
  const row = { ...value, headers: value.headers ?? null, status: "ok" as const, fetchedAt: now, checkedAt: now };
  await db
    .insert(cacheEntries)
    .values({ repositoryId, key, ...row })
    .onConflictDoUpdate({ target: [cacheEntries.repositoryId, cacheEntries.key], set: row });
}

/** Stores a negative entry (upstream said 404/410); any previous bytes are dropped. */
export async function saveMissingEntry(db: Database, repositoryId: number, key: string, kind: CacheEntryRow["kind"], now: number): Promise<void> {
  const row = { kind, status: "missing" as const, blobId: null, contentType: null, etag: null, lastModified: null, headers: null, fetchedAt: now, checkedAt: now };
  await db
    .insert(cacheEntries)
    .values({ repositoryId, key, ...row })
    .onConflictDoUpdate({ target: [cacheEntries.repositoryId, cacheEntries.key], set: row });
}

export async function markChecked(db: Database, entryId: number, now: number): Promise<void> {
  await db.update(cacheEntries).set({ checkedAt: now }).where(eq(cacheEntries.id, entryId));
}

/** Adds `count` hits to an entry and stamps its last hit (callers batch hits, see hit-counter.ts). */
export async function recordCacheHits(db: Database, entryId: number, count: number, now: number): Promise<void> {
  await db
    .update(cacheEntries)
    .set({ hits: sql`${cacheEntries.hits} + ${count}`, lastHitAt: now })
    .where(eq(cacheEntries.id, entryId));
}

export async function listCacheEntries(
  db: Database,
  repositoryId: number,
  options: { prefix?: string; limit: number; offset: number },
): Promise<CacheEntryWithBlob[]> {
  const filter = options.prefix
    ? and(eq(cacheEntries.repositoryId, repositoryId), sql`substr(${cacheEntries.key}, 1, ${options.prefix.length}) = ${options.prefix}`)
    : eq(cacheEntries.repositoryId, repositoryId);
  return db
    .select({ entry: cacheEntries, blob: packageBlobs })
    .from(cacheEntries)
    .leftJoin(packageBlobs, eq(packageBlobs.id, cacheEntries.blobId))
    .where(filter)
    .orderBy(asc(cacheEntries.key))
    .limit(options.limit)
    .offset(options.offset);
}

/**
 * Purges one path, or the whole cache when `key` is omitted; returns how many entries went.
 * The same batch bumps the remote repository's revision: edge-cached answers of the remote
 * and of every virtual containing it are keyed on it (src/virtual/read-stamp.ts), so a purge
 * drops every cached variant (each Accept) at once.
 */
export async function purgeCacheEntries(db: Database, repositoryId: number, key?: string): Promise<number> {
  const filter = key === undefined ? eq(cacheEntries.repositoryId, repositoryId) : and(eq(cacheEntries.repositoryId, repositoryId), eq(cacheEntries.key, key));
  const [deleted] = await db.batch([
    db.delete(cacheEntries).where(filter).returning({ id: cacheEntries.id }),
    db.update(repositories).set({ revision: sql`${repositories.revision} + 1` }).where(eq(repositories.id, repositoryId)),
  ]);
  forgetCachedRepositories();
  return deleted.length;
}

/** Removes entries not requested since `cutoff` (never-hit entries count from when they were fetched). */
export async function deleteUnusedEntries(db: Database, repositoryId: number, cutoff: number): Promise<number> {
  const deleted = await db
    .delete(cacheEntries)
    .where(
      and(
        eq(cacheEntries.repositoryId, repositoryId),
        or(lt(cacheEntries.lastHitAt, cutoff), and(isNull(cacheEntries.lastHitAt), lt(cacheEntries.fetchedAt, cutoff))),
      ),
    )
    .returning({ id: cacheEntries.id });
  return deleted.length;
}

