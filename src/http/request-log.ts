/**
 * Request id and the one structured log line per request (id, method, path, repo, status,
 * ms, bytes). The id comes from `X-Request-Id` when a proxy set one, else `cf-ray`, else random,
 * and is echoed on every response.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { pathnameOf } from "./request-path";

export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLogMiddleware(c, next) {
    const started = Date.now();
    const incoming = c.req.header("X-Request-Id");
    const requestId = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : (c.req.header("cf-ray") ?? crypto.randomUUID());
    c.set("requestId", requestId);
    c.set("requestStartedAt", started);
    await next();
    c.res.headers.set("X-Request-Id", requestId);
    const length = c.res.headers.get("Content-Length");
    console.log(
      JSON.stringify({
        id: requestId,
        method: c.req.method,
        path: pathnameOf(c.req.url),
        repo: c.get("repositoryName") ?? null,
        status: c.res.status,
        ms: Date.now() - started,
        bytes: length === null ? null : Number(length),
      }),
    );
  };
}
