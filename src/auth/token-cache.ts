/**
 * In-isolate cache of the principals of API tokens, so a warm private read costs no D1
 * round trip for authentication (the token row and the owner's grants: two statements).
 *
 * Revocation semantics (docs/auth.md):
 * - every write that can change a principal — a token revoked, a user disabled or promoted,
 *   grants replaced, a password changed — clears this isolate's cache at once (the writes
 *   in src/db call `forgetCachedPrincipals`), so the isolate that made the change refuses the
 *   token on its very next request;
 * - other isolates (other Cloudflare locations, other machines) keep a cached principal for
 *   at most TOKEN_CACHE_SECONDS (default 10) after they last looked it up in D1;
 * - a token's own expiry is checked on every use, cached or not;
 * - TOKEN_CACHE_SECONDS = "0" turns the cache off (every request reads D1).
 * Keys are the token's SHA-256 (as stored in D1), never the secret. At most MAX_ENTRIES
 * principals are kept; the oldest is dropped first.
 */
import type { Principal } from "./principal";

export const DEFAULT_TOKEN_CACHE_SECONDS = 10;
const MAX_ENTRIES = 1000;

interface Entry {
  principal: Principal;
  until: number;
}

const entries = new Map<string, Entry>();
/** Bumped by every forget: a lookup that started before a write must not cache what it read. */
let generation = 0;

/** Take before reading D1; pass to `rememberPrincipal`. */
export function cacheGeneration(): number {
  return generation;
}

/** The cached principal for a token hash, if still fresh (and the token not expired). */
export function cachedPrincipal(tokenHash: string, now = Date.now()): Principal | null {
  const entry = entries.get(tokenHash);
  if (!entry) return null;
  const expiresAt = entry.principal.token?.expiresAt ?? null;
  if (entry.until <= now || (expiresAt !== null && expiresAt <= now)) {
    entries.delete(tokenHash);
    return null;
  }
  return entry.principal;
}

/** Caches a principal read from D1, unless a write cleared the cache since `readAt` (a generation). */
export function rememberPrincipal(tokenHash: string, principal: Principal, ttlSeconds: number, readAt: number, now = Date.now()): void {
  if (ttlSeconds <= 0 || readAt !== generation) return;
  entries.delete(tokenHash);
  if (entries.size >= MAX_ENTRIES) {
    const oldest = entries.keys().next();
    if (!oldest.done) entries.delete(oldest.value);
  }
  entries.set(tokenHash, { principal, until: now + ttlSeconds * 1000 });
}

/** Clears the cache: called by every write that can change who a token acts as or what it may do. */
export function forgetCachedPrincipals(): void {
  generation++;
  entries.clear();
}

/** TOKEN_CACHE_SECONDS parsed: a non-negative number, else the default. */
export function tokenCacheSeconds(value: string | undefined): number {
  const seconds = value === undefined || value === "" ? DEFAULT_TOKEN_CACHE_SECONDS : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_TOKEN_CACHE_SECONDS;
}
