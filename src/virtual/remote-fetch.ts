/**
 * How the engine asks a remote member for a target: the cache key (with any Accept
 * variant), the upstream location (a path under the remote's base URL or an absolute URL on
 * any host) and the Accept header sent upstream. `get` waits for the stored copy (documents
 * are read back from R2); `open` lets the request that starts a fill stream it to its client.
 */
import type { PathClass, ProxyTarget } from "../formats/types";
import type { RemoteGetOptions, RemoteHit, RemoteSource, RemoteStream } from "./remote-source";

type Located = Pick<ProxyTarget, "path" | "key" | "upstream" | "accept" | "upstreamFor" | "keepHeaders" | "expectedDigest" | "revalidateByHead" | "locate">;

function options(target: Located, upstream: string | undefined): { key: string; options: RemoteGetOptions } {
  const key = target.key ?? target.path;
  const location = upstream ?? target.upstream ?? target.path;
  const where: RemoteGetOptions = /^https?:\/\//i.test(location) ? { upstreamUrl: location } : location !== key ? { upstreamPath: location } : {};
  const extra: RemoteGetOptions = {
    ...(target.accept ? { accept: target.accept } : {}),
    ...(target.upstreamFor && upstream === undefined ? { upstreamFor: target.upstreamFor } : {}),
    ...(target.keepHeaders ? { keepHeaders: target.keepHeaders } : {}),
    ...(target.expectedDigest ? { expectedDigest: target.expectedDigest } : {}),
    ...(target.revalidateByHead ? { revalidateByHead: target.revalidateByHead } : {}),
  };
  return { key, options: { ...where, ...extra } };
}

/**
 * The upstream location when the target says it is found through another upstream document
 * (`ProxyTarget.locate`, e.g. NuGet's service index): undefined when it does not, null when
 * that document (or the resource it should name) is missing.
 */
async function located(remote: RemoteSource, target: Located, upstream: string | undefined): Promise<string | null | undefined> {
  if (upstream !== undefined || !target.locate) return upstream;
  const via = options(target.locate.via, undefined);
  const hit = await remote.get(via.key, "metadata", via.options);
  const text = hit ? await remote.readText(hit.blob) : null;
  return text === null ? null : target.locate.resolve(text);
}

export async function remoteGet(remote: RemoteSource, target: Located, kind: PathClass, upstream?: string): Promise<RemoteHit | null> {
  const location = await located(remote, target, upstream);
  if (location === null) return null;
  const { key, options: o } = options(target, location);
  return remote.get(key, kind, o);
}

export async function remoteOpen(remote: RemoteSource, target: Located, kind: PathClass, upstream?: string): Promise<RemoteHit | RemoteStream | null> {
  const location = await located(remote, target, upstream);
  if (location === null) return null;
  const { key, options: o } = options(target, location);
  return remote.open(key, kind, o);
}
