/**
 * How the engine asks a remote member for a target: the cache key (with any Accept
 * variant), the upstream location (a path under the remote's base URL or an absolute URL on
 * any host) and the Accept header sent upstream.
 */
import type { PathClass, ProxyTarget } from "../formats/types";
import type { RemoteHit, RemoteSource } from "./remote-source";

export function remoteGet(remote: RemoteSource, target: Pick<ProxyTarget, "path" | "key" | "upstream" | "accept">, kind: PathClass, upstream?: string): Promise<RemoteHit | null> {
  const key = target.key ?? target.path;
  const location = upstream ?? target.upstream ?? target.path;
  return remote.get(key, kind, {
    ...(target.accept ? { accept: target.accept } : {}),
    ...(location !== key ? { upstreamPath: location } : {}),
  });
}
