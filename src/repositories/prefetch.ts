/**
 * Read-path budget (docs/architecture.md): the repository a `/{format}/{repo}/…`
 * request names — with a virtual repository's members — is looked up while the request is
 * authenticated, so token lookup and repository lookup share one D1 round trip. The
 * middleware only starts the query; `loadRepository` awaits it and still authorizes.
 * Reads (GET/HEAD without a D1 bookmark) take it from the isolate's repository cache when
 * fresh (./repository-cache.ts): no D1 statement at all.
 */
import type { Context, MiddlewareHandler } from "hono";
import { openDatabase } from "../db/client";
import type { MemberRef } from "../db/repositories";
import { findRepositoryWithMembers } from "../db/repository-with-members";
import type { AppEnv, Bindings } from "../env";
import { formatForPath } from "../formats";
import { pathnameOf } from "../http/request-path";
import type { FormatModule } from "../formats/types";
import { callersBookmark } from "../db/session";
import type { Repository } from "./model";
import { cachedRepository, forgetRepository, rememberRepository, repositoryCacheGeneration, repositoryCacheSeconds } from "./repository-cache";

export interface PrefetchedRepository {
  repository: Repository;
  members: MemberRef[];
  /** Taken from the isolate's repository cache, not read from D1 by this request. */
  fromIsolateCache?: true;
}

export function repositoryPrefetch(): MiddlewareHandler<AppEnv> {
  return async function repositoryPrefetchMiddleware(c, next) {
    const pathname = pathnameOf(c.req.url);
    const name = repositoryNamed(pathname, formatForPath(pathname));
    if (name !== null) c.set("repositoryPrefetch", lookUp(c.env, c.req.raw, name));
    await next();
  };
}

/** The repository a path under `format`'s mount names, if it names one. */
export function repositoryNamed(pathname: string, format: FormatModule | undefined): string | null {
  const segments = pathname.split("/");
  const repo = segments[2] ?? "";
  // Default mounts (`/{format}/{repo}/…`) and OCI's `/v2/{repo}/…` name the repository in
  // the second segment (OCI's own `/v2/token` and `/v2/_catalog` are not repositories).
  const named = format && (format.mount === undefined || (format.mount === "/v2" && segments.length > 3));
  if (repo === "" || !named) return null;
  try {
    return decodeURIComponent(repo);
  } catch {
    return repo; // Not a valid repository name either way; the loader answers 404.
  }
}

/** The repository with its members: from the isolate's cache for plain reads, else D1 (then cached). */
function lookUp(env: Bindings, request: Request, name: string): Promise<PrefetchedRepository | null> {
  const ttl = repositoryCacheSeconds(env.REPOSITORY_CACHE_SECONDS);
  const cacheable = ttl > 0 && (request.method === "GET" || request.method === "HEAD") && callersBookmark(request) === null;
  const cached = cacheable ? cachedRepository(name, ttl) : null;
  if (cached) return Promise.resolve({ ...cached, fromIsolateCache: true });
  const generationAtRead = repositoryCacheGeneration();
  return findRepositoryWithMembers(openDatabase(env.DB), name).then(
    (found) => {
      if (found && cacheable) rememberRepository(name, found, generationAtRead);
      return found;
    },
    // Failures surface in the loader's own lookup; never as an unhandled rejection here.
    () => null,
  );
}

/**
 * Reads a cached row again ahead of its expiry (`claimRefresh`, ./repository-cache.ts) and
 * replaces it, or drops it when the repository is gone. For work no answer waits on.
 */
export async function refreshRepository(db: D1Database, name: string): Promise<void> {
  const generationAtRead = repositoryCacheGeneration();
  const found = await findRepositoryWithMembers(openDatabase(db), name);
  if (found) rememberRepository(name, found, generationAtRead);
  else forgetRepository(name, generationAtRead);
}

/** Whether this request read `repository`'s row from D1 itself rather than from the isolate's cache. */
export async function rowReadThisRequest(c: Context<AppEnv>, repository: Repository): Promise<boolean> {
  const prefetch = c.get("repositoryPrefetch");
  const prefetched = prefetch ? await prefetch : null;
  return !(prefetched?.fromIsolateCache && prefetched.repository.id === repository.id);
}
