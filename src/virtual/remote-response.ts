/**
 * The HTTP response for what a RemoteSource returned: a stored blob (ranges, conditional
 * GET, HEAD: see blob-response.ts) or the body of a fill as it streams in. Both replay the
 * upstream headers the format kept (e.g. `Docker-Content-Digest`) and carry the serving
 * member and cache state.
 */
import { blobResponse } from "../storage/blob-response";
import type { RemoteHit, RemoteStream } from "./remote-source";

export function remoteResponse(request: Request, bucket: R2Bucket, hit: RemoteHit | RemoteStream, member: string): Promise<Response> {
  const headers = { ...hit.headers, "X-Registry-Member": member, "X-Cache": hit.cache };
  const contentType = hit.contentType ?? "application/octet-stream";
  if (hit.blob) return blobResponse(request, bucket, hit.blob, { contentType, headers });
  return Promise.resolve(streamingResponse(request, hit, contentType, headers));
}

/**
 * A streaming fill is answered 200 with the whole body (a Range is ignored, as RFC 9110
 * allows). With a declared length the body goes through a FixedLengthStream, so a cut-off
 * upstream ends the response short of its Content-Length; without one the chunked body is
 * aborted. Either way the client sees a broken download, never a complete-looking one.
 */
function streamingResponse(request: Request, hit: RemoteStream, contentType: string, extra: Record<string, string>): Response {
  const headers = new Headers(extra);
  headers.set("Content-Type", contentType);
  if (hit.size !== null) headers.set("Content-Length", String(hit.size));
  if (request.method === "HEAD") {
    // The fill goes on without this client.
    hit.body.cancel().catch(() => {});
    return new Response(null, { status: 200, headers });
  }
  const body = hit.size === null ? hit.body : hit.body.pipeThrough(new FixedLengthStream(hit.size));
  return new Response(body, { status: 200, headers });
}
