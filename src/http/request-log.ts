/**
 * Request id and the one structured log line per request (id, method, path, repo, status,
 * ms, bytes). The id comes from `X-Request-Id` when a proxy set one, else `cf-ray`, else random,
 * and is echoed on every response. Warm hits answered before the app (src/virtual/warm-hits.ts)
 * write the same line with the same id rules.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { pathnameOf } from "./request-path";

export const REQUEST_ID_HEADER = "X-Request-Id";

/** The id this request is known by: the proxy's, else `cf-ray`, else a new one. */
export function requestIdOf(headers: Headers): string {
  const incoming = headers.get(REQUEST_ID_HEADER);
  return incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : (headers.get("cf-ray") ?? crypto.randomUUID());
}

/** Writes the request's log line (`path`: the request's pathname, when the caller has it). */
export function logRequest(requestId: string, request: Request, repo: string | null, response: Response, startedAt: number, path = pathnameOf(request.url)): void {
  const length = response.headers.get("Content-Length");
  console.log(
    JSON.stringify({
      id: requestId,
      method: request.method,
      path,
      repo,
      status: response.status,
      ms: Date.now() - startedAt,
      bytes: length === null ? null : Number(length),
    }),
  );
}

export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLogMiddleware(c, next) {
    const started = Date.now();
    const requestId = requestIdOf(c.req.raw.headers);
    c.set("requestId", requestId);
    c.set("requestStartedAt", started);
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
    logRequest(requestId, c.req.raw, c.get("repositoryName") ?? null, c.res, started);
  };
}
