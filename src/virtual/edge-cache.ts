/**
 * The Workers Cache API in front of remote and virtual reads (DESIGN §5 "Edge cache"):
 * responses of public repositories are stored in the colo's cache — immutable artifacts for
 * a day, metadata for at most a minute — so a second client in the same colo reaches neither
 * D1, R2 nor the upstream. Callers decide authorisation first; only public repositories
 * (readable by anyone) whose answer involved no non-public member are ever cached, so no
 * cached answer crosses a permission boundary.
 */
import type { PathClass } from "../formats/types";
import type { Repository } from "../repositories/model";

const ARTIFACT_SECONDS = 86_400;
const METADATA_SECONDS = 60;

function cacheable(request: Request, repository: Repository): boolean {
  return repository.visibility === "public" && request.method === "GET" && !request.headers.has("Range") && repository.kind !== "hosted";
}

function edgeCache(): Cache | null {
  return typeof caches === "undefined" ? null : caches.default;
}

/**
 * The cache key: URL, the Accept header (some formats vary their metadata on it) and the read
 * stamp (./read-stamp.ts: the revisions of the repository and its members). A hosted write to
 * a member or a purge of a remote member's cache changes the stamp, so every variant of every
 * path cached before is left behind at once (it expires on its own); there is nothing to delete.
 */
function cacheKey(request: Request, stamp: string): Request {
  const url = new URL(request.url);
  const accept = request.headers.get("Accept");
  if (accept) url.searchParams.set("__accept", accept);
  url.searchParams.set("__stamp", stamp);
  return new Request(url.toString(), { method: "GET" });
}

export async function withEdgeCache(
  request: Request,
  repository: Repository,
  stamp: string,
  kind: PathClass,
  waitUntil: (p: Promise<unknown>) => void,
  produce: () => Promise<{ response: Response | null; shareable: boolean }>,
): Promise<Response | null> {
  const cache = edgeCache();
  if (!cache || !cacheable(request, repository)) return (await produce()).response;
  const key = cacheKey(request, stamp);
  const cached = await cache.match(key);
  if (cached) {
    const hit = new Response(cached.body, cached);
    hit.headers.set("X-Cache", "HIT");
    hit.headers.set("X-Edge-Cache", "HIT");
    return hit;
  }
  const { response, shareable } = await produce();
  // An answer that involved a non-public member differs by caller: never shared.
  if (!response || !shareable || response.status !== 200 || response.headers.get("X-Cache") === "STALE") return response;
  const seconds = kind === "artifact" ? ARTIFACT_SECONDS : METADATA_SECONDS;
  const [forClient, forCache] = response.body ? response.body.tee() : [null, null];
  const stored = new Response(forCache, response);
  stored.headers.set("Cache-Control", `public, max-age=${seconds}${kind === "artifact" ? ", immutable" : ""}`);
  waitUntil(cache.put(key, stored));
  return new Response(forClient, response);
}
