/**
 * Warm read cache (docs/architecture.md "Warm read cache"): small answers of hosted content
 * kept in the isolate, keyed by repository, URL and Accept, and valid for one read stamp
 * (./read-stamp.ts: the repository's revision — and its members' for a virtual repository —
 * which every hosted write bumps in its own D1 batch). A warm read of an unchanged package
 * then costs no D1 statement and no R2 read: the repository row comes from the isolate's
 * repository cache, the answer from here.
 *
 * - Only hosted repositories, and virtual repositories whose members are all hosted and all
 *   readable by the caller (remote content changes without a revision: the Workers Cache
 *   covers public remote/virtual reads). Private repositories too: the caller was authorized
 *   by the loader before this is asked, and such an answer is the same for every reader.
 * - GET answers with status 200 and a Content-Length up to MAX_ENTRY_BYTES, without
 *   Set-Cookie or `no-store`; HEAD is answered from a stored GET. Range and If-Range requests
 *   and If-Modified-Since alone go through; If-None-Match is answered (304) here.
 * - An answer is stored only when the request read the repository row from D1 itself (not
 *   from the isolate's repository cache): its content is then at least as new as the stamp,
 *   even with D1 read replicas.
 * - Download counts: the version ids a stored file answer counted are counted again on
 *   every GET hit (buffered like any download, src/repositories/download-counter.ts).
 * READ_CACHE_MIB (default 16) bounds the bytes kept per isolate; "0" turns it off. Least
 * recently used entries go first.
 */
import type { MemberRef } from "../db/repositories";
import { canRead } from "../auth/authorize";
import { countDownload } from "../repositories/download-counter";
import type { SourceContext } from "../repositories/hosted-source";
import type { Repository } from "../repositories/model";

export const DEFAULT_READ_CACHE_MIB = 16;
const MAX_ENTRY_BYTES = 1024 * 1024;
export const READ_CACHE_HEADER = "X-Read-Cache";

interface Entry {
  stamp: string;
  headers: [string, string][];
  body: Uint8Array;
  downloads: number[];
}

const entries = new Map<string, Entry>();
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

/** Whether this repository's answers to this caller may be kept: hosted content only, all of it readable. */
export function cacheableRepository(repository: Repository, members: readonly MemberRef[], ctx: SourceContext): boolean {
  if (repository.kind === "hosted") return true;
  return repository.kind === "virtual" && members.every((m) => m.repository.kind === "hosted" && canRead(ctx.principal, m.repository));
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

function forget(key: string): void {
  const old = entries.get(key);
  if (!old) return;
  entries.delete(key);
  totalBytes -= old.body.byteLength;
}

function answer(request: Request, entry: Entry): Response {
  const headers = new Headers(entry.headers);
  headers.set(READ_CACHE_HEADER, "HIT");
  const etag = headers.get("ETag");
  const ifNoneMatch = request.headers.get("If-None-Match");
  if (etag && ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) {
    headers.delete("Content-Length");
    return new Response(null, { status: 304, headers });
  }
  return new Response(request.method === "HEAD" ? null : entry.body, { status: 200, headers });
}

export interface ReadCacheOptions {
  stamp: string;
  /** READ_CACHE_MIB in bytes. */
  maxBytes: number;
  /** The repository row was read from D1 in this request (answers may be stored). */
  rowReadNow: boolean;
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
  if (entry?.stamp === options.stamp) {
    entries.delete(key);
    entries.set(key, entry); // most recently used
    if (request.method === "GET") {
      for (const versionId of entry.downloads) {
        const flush = countDownload(ctx.db, versionId);
        if (flush) ctx.waitUntil(flush);
      }
    }
    return answer(request, entry);
  }
  if (entry) forget(key); // written since: its stamp is old
  const downloads: number[] = [];
  const response = await produce({ ...ctx, servedDownloads: downloads });
  if (!response || request.method !== "GET" || !options.rowReadNow || !storable(response, options.maxBytes)) return response;
  const body = new Uint8Array(await response.arrayBuffer());
  const out = new Response(body, response);
  if (body.byteLength === Number(response.headers.get("Content-Length"))) {
    remember(key, { stamp: options.stamp, headers: [...response.headers], body, downloads }, options.maxBytes);
  }
  return out;
}
