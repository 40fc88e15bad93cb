/**
 * Warm read cache (docs/architecture.md "Warm read cache"): small answers kept in the
 * isolate, keyed by repository, URL and Accept, and valid for one read stamp (./read-stamp.ts:
 * the repository's revision — and its members' for a virtual repository — which every hosted
 * write and every purge of a remote's cache bumps, and `updatedAt`, which every settings
 * change moves) — and, for answers that used a remote's cache, only while the engine would
 * serve the same bytes. A warm read of an unchanged package then costs no D1 statement and
 * no R2 read: the repository row comes from the isolate's repository cache, the answer from here.
 *
 * - Hosted, remote and virtual repositories, a virtual only when the caller can read every
 *   member. Private repositories too: the caller was authorized by the loader before this is
 *   asked, and such an answer is the same for every reader.
 * - Remote content: `RemoteSource` records every read it makes (`SourceContext.servedRemote`)
 *   with the time until which the engine serves it unchanged — it does not ask the upstream
 *   while an entry is fresh (./freshness.ts `unchangedUntil`). An answer is kept until the
 *   earliest of those (`expiresAt`; a hit after it is a miss):
 *   - **immutable artifacts** (`PathClass` "artifact" of a remote whose `artifactTtlSeconds`
 *     is 0, the default) for as long as the stamp; an artifact answer that involved any other
 *     remote artifact (rechecked, stale, or streamed while filling) is not kept. The index
 *     metadata that chose the member does not bound it.
 *   - **metadata** until the first remote entry it used stops being fresh (checked/filled
 *     time + `metadataTtlSeconds`; a precomputed document with a release-age filter also
 *     until its 10-minute bucket ends). Not kept when any read was served stale, revalidated
 *     now, streamed while filling, missing after a fill, failed, merely probed
 *     (`cachedCopy`), or is of a remote with `metadataTtlSeconds` 0. Fail closed: a metadata
 *     answer of a repository with a remote member is kept only when at least one read was
 *     recorded and the earliest expiry is bounded — a remote read that bypassed the
 *     recording (an edge cache hit, new code) is never kept for ever.
 * - GET answers with status 200 and a Content-Length up to MAX_ENTRY_BYTES, without
 *   Set-Cookie or `no-store`; HEAD is answered from a stored GET. Range and If-Range requests
 *   and If-Modified-Since alone go through; If-None-Match is answered (304) here.
 * - An answer is stored only when the request read the repository row from D1 itself (not
 *   from the isolate's repository cache) before its content: the content is then at least as
 *   new as the stamp, even with D1 read replicas. A storable answer whose row came from the
 *   isolate's cache is remembered as wanted; the next miss on it reads the row first
 *   (`confirmStamp`, one D1 statement) and stores its answer when the stamp is unchanged —
 *   so under steady traffic (one D1 row read per second per isolate) every small answer is
 *   stored by its second miss, and answers too big to keep never pay that statement.
 * - Download counts: the version ids a stored file answer counted are counted again on
 *   every GET hit (buffered like any download, src/repositories/download-counter.ts), and so
 *   are the remote cache entries it served (hits, last_hit_at: ./hit-counter.ts).
 * READ_CACHE_MIB (default 16) bounds the bytes kept per isolate; "0" turns it off. Least
 * recently used entries go first.
 */
import type { MemberRef } from "../db/repositories";
import type { PathClass } from "../formats/types";
import { canRead } from "../auth/authorize";
import { countDownload } from "../repositories/download-counter";
import { countCacheHit } from "./hit-counter";
import type { ServedRemote, SourceContext } from "../repositories/source-context";
import type { Repository } from "../repositories/model";

export const DEFAULT_READ_CACHE_MIB = 16;
const MAX_ENTRY_BYTES = 1024 * 1024;
export const READ_CACHE_HEADER = "X-Read-Cache";

interface Entry {
  stamp: string;
  /** When the answer may no longer be what the engine serves (ms; Infinity: while the stamp holds). */
  expiresAt: number;
  headers: [string, string][];
  body: Uint8Array;
  downloads: number[];
  /** Remote cache entries the answer came from; `lastHitAt` moves when a hit is written. */
  cacheHits: { id: number; lastHitAt: number | null }[];
}

const entries = new Map<string, Entry>();
/** Keys of storable answers a request could not store (row from the isolate's cache). */
const wanted = new Set<string>();
const MAX_WANTED = 10_000;
let totalBytes = 0;

/** READ_CACHE_MIB parsed into bytes: a non-negative number, else the default. */
export function readCacheBytes(value: string | undefined): number {
  const mib = value === undefined || value === "" ? DEFAULT_READ_CACHE_MIB : Number(value);
  return (Number.isFinite(mib) && mib >= 0 ? mib : DEFAULT_READ_CACHE_MIB) * 1024 * 1024;
}

function cacheableRequest(request: Request): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const h = request.headers;
  return !h.has("Range") && !h.has("If-Range") && (!h.has("If-Modified-Since") || h.has("If-None-Match"));
}

/** Whether this repository's answers to this caller may be kept: every member of a virtual readable by the caller. */
export function cacheableRepository(repository: Repository, members: readonly MemberRef[], ctx: SourceContext): boolean {
  return repository.kind !== "virtual" || members.every((m) => canRead(ctx.principal, m.repository));
}

/** Whether answers of this repository may come from a remote's cache (it or a member is remote). */
export function involvesRemote(repository: Repository, members: readonly MemberRef[]): boolean {
  return repository.kind === "remote" || members.some((m) => m.repository.kind === "remote");
}

/**
 * Until when (ms) an answer stays what the engine serves, from the remote reads it recorded;
 * 0: not to be kept. An artifact answer is bounded by the artifacts it served; any other
 * answer of a repository with a remote member needs at least one recorded read and a bounded
 * expiry (fail closed: a remote read that did not record itself must not be kept for ever).
 */
export function keptUntil(served: readonly ServedRemote[], kind: PathClass | undefined, remote: boolean): number {
  const bounding = kind === "artifact" ? served.filter((s) => s.kind === "artifact") : served;
  const until = Math.min(Infinity, ...bounding.map((s) => s.sameUntil));
  if (remote && kind !== "artifact" && (served.length === 0 || !Number.isFinite(until))) return 0;
  return until;
}

function storable(response: Response, maxBytes: number): boolean {
  const length = Number(response.headers.get("Content-Length") ?? "NaN");
  return (
    response.status === 200 &&
    Number.isInteger(length) &&
    length <= Math.min(MAX_ENTRY_BYTES, maxBytes) &&
    !response.headers.has("Set-Cookie") &&
    !/no-store/i.test(response.headers.get("Cache-Control") ?? "")
  );
}

function remember(key: string, entry: Entry, maxBytes: number): void {
  forget(key);
  while (totalBytes + entry.body.byteLength > maxBytes) {
    const oldest = entries.keys().next();
    if (oldest.done) break;
    forget(oldest.value);
  }
  entries.set(key, entry);
  totalBytes += entry.body.byteLength;
}

/**
 * Drops every kept answer. For tests that age a remote's cache entries in D1 behind the
 * isolate's back (`checked_at = 0`): had that time really passed, their kept answers would
 * have expired with them.
 */
export function forgetReadCache(): void {
  entries.clear();
  wanted.clear();
  totalBytes = 0;
}

function forget(key: string): void {
  const old = entries.get(key);
  if (!old) return;
  entries.delete(key);
  totalBytes -= old.body.byteLength;
}

/**
 * Each entry's hit headers, prepared once as a Headers object with what every hit says
 * already set, and its ETag. A hit's Response copies them (the Response constructor makes
 * its own Headers from the init): one copy per hit, and the prepared object is never handed
 * out to be changed.
 */
const hitHeaders = new WeakMap<Entry, { headers: Headers; etag: string | null }>();

function prepared(entry: Entry): { headers: Headers; etag: string | null } {
  let hit = hitHeaders.get(entry);
  if (hit) return hit;
  const headers = new Headers(entry.headers);
  headers.set(READ_CACHE_HEADER, "HIT");
  // A remote member's artifact: whatever its first answer said, this one comes from our cache.
  if (headers.has("X-Cache")) headers.set("X-Cache", "HIT");
  hit = { headers, etag: headers.get("ETag") };
  hitHeaders.set(entry, hit);
  return hit;
}

function answer(request: Request, entry: Entry): Response {
  const { headers, etag } = prepared(entry);
  const ifNoneMatch = etag ? request.headers.get("If-None-Match") : null;
  if (etag && ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) {
    const notModified = new Response(null, { status: 304, headers });
    notModified.headers.delete("Content-Length");
    return notModified;
  }
  return new Response(request.method === "HEAD" ? null : entry.body, { status: 200, headers });
}

export interface ReadCacheOptions {
  stamp: string;
  /** READ_CACHE_MIB in bytes. */
  maxBytes: number;
  /** The repository row was read from D1 in this request (answers may be stored). */
  rowReadNow: boolean;
  /** Reads the repository row (and members) from D1 now and returns its stamp. */
  confirmStamp?: () => Promise<string | null>;
  /** What the target is (`keptUntil`); undefined: not classified (hosted npm reads). */
  kind?: PathClass;
  /** The repository or one of its members is remote (`involvesRemote`). */
  remote: boolean;
}

/**
 * Answers from the isolate when an entry for this stamp exists; else runs `produce` (with a
 * context that records counted downloads) and keeps a small 200 answer. Callers decide
 * eligibility (`cacheableRepository`) and authorization first.
 */
export async function withReadCache(
  request: Request,
  repository: Repository,
  ctx: SourceContext,
  options: ReadCacheOptions,
  produce: (ctx: SourceContext) => Promise<Response | null>,
): Promise<Response | null> {
  if (options.maxBytes <= 0 || !cacheableRequest(request)) return produce(ctx);
  const key = `${repository.id} ${request.url} ${request.headers.get("Accept") ?? ""}`;
  const entry = entries.get(key);
  if (entry?.stamp === options.stamp && Date.now() < entry.expiresAt) {
    entries.delete(key);
    entries.set(key, entry); // most recently used
    if (request.method === "GET") {
      for (const versionId of entry.downloads) {
        const flush = countDownload(ctx.db, versionId);
        if (flush) ctx.waitUntil(flush);
      }
      const now = Date.now();
      for (const hit of entry.cacheHits) {
        const write = countCacheHit(ctx.db, hit, now);
        if (write) {
          hit.lastHitAt = now;
          ctx.waitUntil(write);
        }
      }
    }
    return answer(request, entry);
  }
  if (entry) forget(key); // written since (its stamp is old), or a remote entry it used is no longer fresh
  let rowFirst = options.rowReadNow;
  if (!rowFirst && options.confirmStamp && request.method === "GET" && wanted.delete(key)) {
    rowFirst = (await options.confirmStamp()) === options.stamp;
  }
  const downloads: number[] = [];
  const remote: ServedRemote[] = [];
  const response = await produce({ ...ctx, servedDownloads: downloads, servedRemote: remote });
  if (!response || request.method !== "GET" || !storable(response, options.maxBytes)) return response;
  // Checked before `wanted`: an answer that cannot be kept never makes a later miss read the row.
  const expiresAt = keptUntil(remote, options.kind, options.remote);
  if (expiresAt <= Date.now()) return response;
  if (!rowFirst) {
    if (wanted.size >= MAX_WANTED) wanted.clear();
    wanted.add(key);
    return response;
  }
  const cacheHits = remote.flatMap((served) => (served.entry ? [served.entry] : []));
  const body = new Uint8Array(await response.arrayBuffer());
  const out = new Response(body, response);
  if (body.byteLength === Number(response.headers.get("Content-Length"))) {
    remember(key, { stamp: options.stamp, expiresAt, headers: [...response.headers], body, downloads, cacheHits }, options.maxBytes);
  }
  return out;
}
