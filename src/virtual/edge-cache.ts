/**
 * The Workers Cache API in front of remote and virtual reads (DESIGN §5 "Edge cache"):
 * responses of public repositories are stored in the colo's cache — immutable artifacts for
 * a day, metadata for at most a minute — so a second client in the same colo reaches neither
 * D1, R2 nor the upstream. Callers decide authorisation first; only public repositories
 * (readable by anyone) are ever cached, so no cached answer crosses a permission boundary.
 * A virtual repository's answer depends on which members the caller may read, so only
 * requests without credentials (which all see the same public members) use the cache there.
 */
import type { PathClass } from "../formats/types";
import type { Repository } from "../repositories/model";

const ARTIFACT_SECONDS = 86_400;
const METADATA_SECONDS = 60;

function cacheable(request: Request, repository: Repository): boolean {
  const credentialed = request.headers.has("Authorization") || request.headers.has("PRIVATE-TOKEN");
  if (repository.kind === "virtual" && credentialed) return false;
  return repository.visibility === "public" && request.method === "GET" && !request.headers.has("Range") && repository.kind !== "hosted";
}

function edgeCache(): Cache | null {
  return typeof caches === "undefined" ? null : caches.default;
}

/** The cache key: URL plus the Accept header, since some formats vary their metadata on it. */
function cacheKey(request: Request): Request {
  const url = new URL(request.url);
  const accept = request.headers.get("Accept");
  if (accept) url.searchParams.set("__accept", accept);
  return new Request(url.toString(), { method: "GET" });
}

export async function withEdgeCache(
  request: Request,
  repository: Repository,
  kind: PathClass,
  waitUntil: (p: Promise<unknown>) => void,
  produce: () => Promise<Response | null>,
): Promise<Response | null> {
  const cache = edgeCache();
  if (!cache || !cacheable(request, repository)) return produce();
  const key = cacheKey(request);
  const cached = await cache.match(key);
  if (cached) {
    const hit = new Response(cached.body, cached);
    hit.headers.set("X-Cache", "HIT");
    hit.headers.set("X-Edge-Cache", "HIT");
    return hit;
  }
  const response = await produce();
  if (!response || response.status !== 200 || response.headers.get("X-Cache") === "STALE") return response;
  const seconds = kind === "artifact" ? ARTIFACT_SECONDS : METADATA_SECONDS;
  const [forClient, forCache] = response.body ? response.body.tee() : [null, null];
  const stored = new Response(forCache, response);
  stored.headers.set("Cache-Control", `public, max-age=${seconds}${kind === "artifact" ? ", immutable" : ""}`);
  waitUntil(cache.put(key, stored));
  return new Response(forClient, response);
}

/** Drops a path from this colo's edge cache (used when a cache entry is purged). */
export async function evictFromEdge(url: string): Promise<void> {
  await edgeCache()?.delete(new Request(url, { method: "GET" }));
}
