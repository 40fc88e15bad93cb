/**
 * D1 read replication, ready: every request runs its queries in one D1 Session
 * (`withSession`), so a deployed registry can serve reads from replicas near the caller
 * without losing read-your-writes (docs/architecture.md "D1 sessions").
 *
 * Where the session starts:
 * 1. the caller's bookmark — `X-D1-Bookmark` request header, or the `er_d1_bookmark` cookie a
 *    browser got from an earlier response — when well-formed;
 * 2. else the newest bookmark this isolate has seen (bookmarks sort lexicographically,
 *    oldest first), so a client whose publish and next read land on the same isolate reads
 *    its write even when it carries nothing (npm, pip, cargo don't). Only bookmarks D1 gave
 *    to sessions not anchored by a caller are remembered, so a forged one harms only its sender;
 * 3. else `first-primary` for writes and `first-unconstrained` for reads.
 * Every response carries the session's final bookmark in `X-D1-Bookmark`; a response to a
 * request that sent cookies (a browser) also sets the cookie.
 * Durable Objects and cron jobs use the database binding directly (the primary).
 */
import { withHeaders } from "../http/response-headers";

export const BOOKMARK_HEADER = "X-D1-Bookmark";
export const BOOKMARK_COOKIE = "er_d1_bookmark";
const WELL_FORMED = /^[0-9A-Za-z-]{1,128}$/;

let newestSeen: string | null = null;

export interface RequestSession {
  /** Hand this to the app in place of the binding. */
  readonly db: D1Database;
  /** Sets `X-D1-Bookmark` (and the cookie for browsers) and remembers the bookmark. */
  finish(request: Request, response: Response): Response;
}

function cookieBookmark(request: Request): string | null {
  const cookies = request.headers.get("Cookie");
  if (!cookies) return null;
  for (const part of cookies.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === BOOKMARK_COOKIE) return value.join("=");
  }
  return null;
}

/** The later of two bookmarks (null counts as oldest). */
export function newerBookmark(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/** The bookmark the caller sent (header or cookie), when well-formed. */
export function callersBookmark(request: Request): string | null {
  const given = request.headers.get(BOOKMARK_HEADER) ?? cookieBookmark(request);
  return given !== null && WELL_FORMED.test(given) ? given : null;
}

/** Where this request's session starts (exported for tests). */
export function sessionStart(request: Request, isolateNewest: string | null = newestSeen): string {
  const start = newerBookmark(callersBookmark(request), isolateNewest);
  if (start) return start;
  return request.method === "GET" || request.method === "HEAD" ? "first-unconstrained" : "first-primary";
}

/** Opens the request's D1 session; a binding without sessions (an old runtime) is used as it is. */
export function openRequestSession(d1: D1Database, request: Request): RequestSession {
  if (typeof d1.withSession !== "function") {
    // Still a handle of this request's own (memos keyed on it must end with the request).
    const db = new Proxy(d1, { get: (target, prop) => (typeof Reflect.get(target, prop) === "function" ? Reflect.get(target, prop).bind(target) : Reflect.get(target, prop)) });
    return { db, finish: (_, response) => response };
  }
  const start = sessionStart(request);
  // Only D1's own bookmarks are remembered for the isolate: a session anchored at what a caller
  // sent may report that value back, and a made-up "future" bookmark must not hold up others.
  const anchoredByCaller = start === callersBookmark(request) && start !== newestSeen;
  const session = d1.withSession(start);
  return {
    db: session as unknown as D1Database, // drizzle needs only prepare and batch, which a session has
    finish(request, response) {
      const bookmark = session.getBookmark();
      if (!bookmark) return response;
      if (!anchoredByCaller) newestSeen = newerBookmark(newestSeen, bookmark);
      return withBookmark(request, response, bookmark);
    },
  };
}

/**
 * For queries no request's answer waits on (a warm hit's refresh of a cached repository row):
 * a session starting where this isolate's newest bookmark is, whose end is remembered like
 * any unanchored session's.
 */
export async function inIsolateSession<T>(d1: D1Database, work: (db: D1Database) => Promise<T>): Promise<T> {
  if (typeof d1.withSession !== "function") return work(d1);
  const session = d1.withSession(newestSeen ?? "first-unconstrained");
  const result = await work(session as unknown as D1Database);
  newestSeen = newerBookmark(newestSeen, session.getBookmark());
  return result;
}

/**
 * For an answer that ran no query (a warm hit before the app, src/virtual/warm-hits.ts): the
 * bookmark a session would have reported, which is where it would have started — the
 * isolate's newest, when it has seen one. Only for callers that sent no bookmark.
 */
export function finishWithoutSession(request: Request, response: Response): Response {
  return newestSeen === null ? response : withBookmark(request, response, newestSeen);
}

function withBookmark(request: Request, response: Response, bookmark: string): Response {
  const cookie = request.headers.has("Cookie");
  const secure = cookie && new URL(request.url).protocol === "https:" ? "; Secure" : "";
  return withHeaders(response, (headers) => {
    headers.set(BOOKMARK_HEADER, bookmark);
    if (cookie) headers.append("Set-Cookie", `${BOOKMARK_COOKIE}=${bookmark}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600${secure}`);
  });
}
