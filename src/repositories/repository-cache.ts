/**
 * In-isolate cache of the repository a read names, with a virtual repository's members
 * (what `repositoryPrefetch` reads), so a warm read needs no D1 statement to find its
 * repository — and, with the repository's revision in hand, the warm read cache
 * (src/virtual/read-cache.ts) can answer without D1 at all.
 *
 * Staleness bound (docs/architecture.md "Warm read cache"):
 * - every write that changes a repository row, its members, its remote configuration or its
 *   revision (every hosted write, a remote purge) clears this isolate's cache at once
 *   (`forgetCachedRepositories`), so the isolate that wrote reads its write on the next request;
 * - other isolates trust a cached row for at most REPOSITORY_CACHE_SECONDS (default 1) after
 *   they read it from D1: within that bound they may serve the previous revision;
 * - only GET/HEAD requests that carry no D1 bookmark use it: a client that sends its bookmark
 *   (`X-D1-Bookmark`, the browser cookie) always reads D1;
 * - REPOSITORY_CACHE_SECONDS = "0" turns it off.
 * Refresh ahead: a warm hit on a row older than half the bound claims its refresh
 * (`claimRefresh`, once per row read) and reads it again in the background, so a busy
 * repository's row is replaced before it expires — without it, every expiry sent the
 * requests in flight (32 under a benchmark's load) to the full path, each reading D1. The
 * bound is unchanged: a row is still trusted for at most the TTL after its own read.
 * At most MAX_ENTRIES repositories are kept; the oldest is dropped first. Misses are not cached.
 */
import type { PrefetchedRepository } from "./prefetch";

export const DEFAULT_REPOSITORY_CACHE_SECONDS = 1;
const MAX_ENTRIES = 500;

interface Entry {
  value: PrefetchedRepository;
  /** When it was read from D1 (ms). */
  readAt: number;
  /** A refresh of this row has been claimed (`claimRefresh`). */
  refreshing?: true;
}

const entries = new Map<string, Entry>();
/** Bumped by every forget: a lookup that started before a write must not cache what it read. */
let generation = 0;

/** Take before reading D1; pass to `rememberRepository`. */
export function repositoryCacheGeneration(): number {
  return generation;
}

/** The cached row if it was read from D1 less than `ttlSeconds` ago. */
export function cachedRepository(name: string, ttlSeconds: number, now = Date.now()): PrefetchedRepository | null {
  const entry = entries.get(name);
  if (!entry) return null;
  if (entry.readAt + ttlSeconds * 1000 <= now) {
    entries.delete(name);
    return null;
  }
  return entry.value;
}

/**
 * Whether the caller should read this row again now: it is older than half the TTL and no
 * refresh of this read has been claimed. The claim holds until a new row is remembered, the
 * row is forgotten or it expires.
 */
export function claimRefresh(name: string, ttlSeconds: number, now = Date.now()): boolean {
  const entry = entries.get(name);
  if (!entry || entry.refreshing || now - entry.readAt < ttlSeconds * 500) return false;
  entry.refreshing = true;
  return true;
}

/** Drops one row (a refresh found it gone), unless a write cleared the cache since the read began. */
export function forgetRepository(name: string, generationAtRead: number): void {
  if (generationAtRead === generation) entries.delete(name);
}

/** Caches a row read from D1, unless a write cleared the cache since the read began (`generationAtRead`). */
export function rememberRepository(name: string, value: PrefetchedRepository, generationAtRead: number, now = Date.now()): void {
  if (generationAtRead !== generation) return;
  entries.delete(name);
  if (entries.size >= MAX_ENTRIES) {
    const oldest = entries.keys().next();
    if (!oldest.done) entries.delete(oldest.value);
  }
  entries.set(name, { value, readAt: now });
}

/** Clears the cache: called after every write to a repository row, its members or its revision. */
export function forgetCachedRepositories(): void {
  generation++;
  entries.clear();
}

/** REPOSITORY_CACHE_SECONDS parsed: a non-negative number, else the default. */
export function repositoryCacheSeconds(value: string | undefined): number {
  const seconds = value === undefined || value === "" ? DEFAULT_REPOSITORY_CACHE_SECONDS : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_REPOSITORY_CACHE_SECONDS;
}
