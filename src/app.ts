/**
 * Builds the Hono app: request id + log line, authentication, the management API, each
 * format's wire protocol at `/{format}/{repo}/…`, health, and one error handler that lets
 * the format of the failing path write the error the way its client expects.
 */
import { Hono } from "hono";
import { apiRoutes } from "./api";
import { authentication } from "./auth/middleware";
import type { AppEnv } from "./env";
import { RegistryError, toRegistryError } from "./errors";
import { jsonErrorResponse } from "./formats/generic/errors";
import { findFormat, formats } from "./formats";
import { healthRoutes } from "./http/health";
import { requestLog } from "./http/request-log";
import { repositoryPrefetch } from "./repositories/prefetch";

export function buildApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestLog());
  app.route("/", healthRoutes);
  // Starts the repository lookup so it runs alongside the token lookup (read-path budget).
  app.use(repositoryPrefetch());
  app.use(authentication());
  app.route("/api/v1", apiRoutes);
  for (const format of formats) app.route(`/${format.name}/:repo`, format.routes);

  app.notFound((c) => jsonErrorResponse(new RegistryError("not_found", `no route for ${c.req.method} ${c.req.path}`), c.var.requestId));
  app.onError((err, c) => {
    const error = toRegistryError(err);
    const requestId = c.var.requestId ?? "unknown";
    if (error.code === "internal") {
      console.error(JSON.stringify({ id: requestId, error: String(err), stack: err instanceof Error ? err.stack : undefined }));
    }
    const format = findFormat(new URL(c.req.url).pathname.split("/")[1] ?? "");
    return (format ?? { errorResponse: jsonErrorResponse }).errorResponse(error, requestId);
  });
  return app;
}
