/**
 * Warm hits before routing (docs/architecture.md "Warm read cache"): a GET/HEAD under a
 * `/{format}/{repo}/…` mount, whose repository row the isolate holds (./../repositories/
 * repository-cache.ts, as `repositoryPrefetch` would take it), by a caller who may read the
 * repository — and, for a virtual, every member — is answered from the read cache with the
 * call the route itself would make (`withReadCache`, same key, stamp, counting and 304/HEAD
 * handling), without the prefetch, routing, format route and loader. Anything else — no
 * entry, an unknown or unreadable repository, a format mismatch, a D1 bookmark, OCI's `/v2`
 * mount — goes on to the full path, which decides and answers as before: this never
 * answers an error, so a caller who cannot read a repository still cannot tell it from a
 * missing one. The principal it resolved is kept for the authentication middleware.
 *
 * An entry exists only for a URL (and Accept) whose route reached `cachedRead` with the
 * repository that URL names, and every route decides that from the URL alone; the stamp
 * covers everything else the answer depends on.
 */
import type { MiddlewareHandler } from "hono";
import { canRead } from "../auth/authorize";
import { requestPrincipal } from "../auth/middleware";
import { callersBookmark } from "../db/session";
import type { AppEnv } from "../env";
import { formatForPath } from "../formats";
import { pathnameOf } from "../http/request-path";
import { sourceContext } from "../repositories/loader";
import { repositoryNamed } from "../repositories/prefetch";
import { cachedRepository, repositoryCacheSeconds } from "../repositories/repository-cache";
import { cacheableRepository, involvesRemote, readCacheBytes, withReadCache } from "./read-cache";
import { readStamp } from "./read-stamp";

const noAnswer = () => Promise.resolve(null);

export function warmHits(): MiddlewareHandler<AppEnv> {
  return async function warmHitMiddleware(c, next) {
    const request = c.req.raw;
    if (request.method !== "GET" && request.method !== "HEAD") return next();
    const maxBytes = readCacheBytes(c.env.READ_CACHE_MIB);
    const ttl = repositoryCacheSeconds(c.env.REPOSITORY_CACHE_SECONDS);
    if (maxBytes <= 0 || ttl <= 0 || callersBookmark(request) !== null) return next();
    const pathname = pathnameOf(request.url);
    const format = formatForPath(pathname);
    if (!format || format.mount !== undefined) return next();
    const name = repositoryNamed(pathname, format);
    const cached = name === null ? null : cachedRepository(name, ttl);
    if (!cached || cached.repository.format !== format.name) return next();

    const principal = await requestPrincipal(c, format.readCredentials);
    c.set("principal", principal);
    const { repository, members } = cached;
    if (!canRead(principal, repository)) return next();
    const ctx = sourceContext(c);
    // As `cachedRead` asks: a virtual only when the caller reads every member (then the kept
    // answer is the same for every such caller). Whether the target could be kept at all
    // depends on its kind, which only the route knows — but an entry exists only if it could.
    if (!cacheableRepository(repository, members, ctx)) return next();
    const options = { stamp: readStamp(repository, members), maxBytes, rowReadNow: false, remote: involvesRemote(repository, members) };
    const hit = await withReadCache(request, repository, ctx, options, noAnswer);
    if (!hit) return next();
    c.set("repositoryName", repository.name);
    c.set("repository", repository);
    return hit;
  };
}
