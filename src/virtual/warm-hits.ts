/**
 * Warm hits before the app (docs/architecture.md "Warm read cache"): the Worker's `fetch`
 * asks here first. A GET/HEAD under a `/{format}/{repo}/…` mount, whose repository row the
 * isolate holds (../repositories/repository-cache.ts, as `repositoryPrefetch` would take it),
 * by a caller whose principal needs no D1 read (anonymous, the bootstrap token, or a token in
 * the isolate's token cache) and who may read the repository — and, for a virtual, every
 * member — is answered from the read cache with the call the route itself would make
 * (`withReadCache`, same key, stamp, counting and 304/HEAD handling), without a D1 session,
 * the Hono app, routing, prefetch, format route or loader; it writes the same log line.
 *
 * Anything else — no entry, an unknown or unreadable repository, a format mismatch,
 * credentials to look up or malformed, a D1 bookmark, OCI's `/v2` mount — goes on to the
 * app, which decides and answers as before: this never answers an error, so a caller who
 * cannot read a repository still cannot tell it from a missing one. A principal it resolved
 * is handed to the app's authentication (`handOverPrincipal`).
 *
 * An entry exists only for a URL (and Accept) whose route reached `cachedRead` with the
 * repository that URL names, and every route decides that from the URL alone; the stamp
 * covers everything else the answer depends on.
 */
import { canRead } from "../auth/authorize";
import { principalWithoutLookup } from "../auth/authenticate";
import type { Principal } from "../auth/principal";
import { handOverPrincipal } from "../auth/middleware";
import { callersBookmark, finishWithoutSession, inIsolateSession } from "../db/session";
import type { Bindings } from "../env";
import { formatForPath } from "../formats";
import { logRequest, REQUEST_ID_HEADER, requestIdOf } from "../http/request-log";
import { pathnameOf } from "../http/request-path";
import { requestSourceContext } from "../repositories/loader";
import { type PrefetchedRepository, refreshRepository, repositoryNamed } from "../repositories/prefetch";
import { cachedRepository, claimRefresh, repositoryCacheSeconds } from "../repositories/repository-cache";
import { cacheableRepository, involvesRemote, readCacheBytes, withReadCache } from "./read-cache";
import { readStamp } from "./read-stamp";

const noAnswer = () => Promise.resolve(null);

/** The read stamp of a cached repository row, worked out once per row the isolate holds. */
const stamps = new WeakMap<PrefetchedRepository, string>();
function stampOf(cached: PrefetchedRepository): string {
  let stamp = stamps.get(cached);
  if (stamp === undefined) stamps.set(cached, (stamp = readStamp(cached.repository, cached.members)));
  return stamp;
}

/** The answer to a warm hit (logged, with its request id), or null: ask the app. */
export async function answerWarmHit(request: Request, env: Bindings, executionCtx: ExecutionContext): Promise<Response | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const startedAt = Date.now();
  const maxBytes = readCacheBytes(env.READ_CACHE_MIB);
  const ttl = repositoryCacheSeconds(env.REPOSITORY_CACHE_SECONDS);
  if (maxBytes <= 0 || ttl <= 0 || callersBookmark(request) !== null) return null;
  const pathname = pathnameOf(request.url);
  const format = formatForPath(pathname);
  if (!format || format.mount !== undefined) return null;
  const name = repositoryNamed(pathname, format);
  const cached = name === null ? null : cachedRepository(name, ttl);
  if (!cached || cached.repository.format !== format.name) return null;
  // Read a busy row again before it expires, so its expiry does not send every request in
  // flight to D1 — after this answer has gone (a timer turn later).
  if (name !== null && claimRefresh(name, ttl)) {
    const refresh = scheduler.wait(0).then(() => inIsolateSession(env.DB, (db) => refreshRepository(db, name)));
    executionCtx.waitUntil(refresh.catch((error: unknown) => console.error(error)));
  }

  let known: Awaited<ReturnType<typeof principalWithoutLookup>>;
  try {
    known = await principalWithoutLookup(request.headers, { adminToken: env.ADMIN_TOKEN, readCredentials: format.readCredentials });
  } catch {
    return null; // malformed credentials: the app answers them in the format's shape
  }
  if ("hash" in known) return null; // a token to look up in D1: the app does, in the request's session
  const principal = known;
  const { repository, members } = cached;
  if (!canRead(principal, repository)) return declined(request, principal);
  const requestId = requestIdOf(request.headers);
  const ctx = requestSourceContext(env, executionCtx, principal, requestId, startedAt);
  // As `cachedRead` asks: a virtual only when the caller reads every member (then the kept
  // answer is the same for every such caller). Whether the target could be kept at all
  // depends on its kind, which only the route knows — but an entry exists only if it could.
  if (!cacheableRepository(repository, members, ctx)) return declined(request, principal);
  const options = { stamp: stampOf(cached), maxBytes, rowReadNow: false, remote: involvesRemote(repository, members) };
  const hit = await withReadCache(request, repository, ctx, options, noAnswer);
  if (!hit) return declined(request, principal);
  hit.headers.set(REQUEST_ID_HEADER, requestId);
  logRequest(requestId, request, repository.name, hit, startedAt, pathname);
  return finishWithoutSession(request, hit);
}

/** Not answered here: the app authenticates with the principal this resolved. */
function declined(request: Request, principal: Principal): null {
  handOverPrincipal(request, principal);
  return null;
}
