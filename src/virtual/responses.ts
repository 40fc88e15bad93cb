/** Responses of the remote/virtual engine, labelled with the serving member and cache state. */
import { blobResponse } from "../storage/blob-response";
import type { CacheStatus, RemoteHit } from "./remote-source";

/** Adds `X-Registry-Member` and `X-Cache` to a response (copying it if its headers are immutable). */
export function labelled(response: Response, member: string, cache: CacheStatus): Response {
  const copy = new Response(response.body, response);
  copy.headers.set("X-Registry-Member", member);
  copy.headers.set("X-Cache", cache);
  return copy;
}

export function remoteHitResponse(request: Request, bucket: R2Bucket, hit: RemoteHit, member: string): Promise<Response> {
  return blobResponse(request, bucket, hit.blob, {
    contentType: hit.contentType ?? "application/octet-stream",
    headers: { "X-Registry-Member": member, "X-Cache": hit.cache },
  });
}
