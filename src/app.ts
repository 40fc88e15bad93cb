/**
 * Builds the Hono app (warm read cache hits are answered before it, in src/index.ts): request
 * id + log line, authentication (credentials read the way the path's format reads them), the
 * management API, each format's wire protocol at its mount (`/{format}/{repo}/…` by default), health,
 * and one error handler that lets the format of the failing path write the error the way its
 * client expects, knowing the repository.
 */
import { Hono } from "hono";
import { apiRoutes } from "./api";
import { authentication } from "./auth/middleware";
import type { AppEnv } from "./env";
import { RegistryError, toRegistryError } from "./errors";
import { formatForPath, formats, mountOf } from "./formats";
import { jsonErrorResponse } from "./formats/generic/errors";
import type { ErrorContext, FormatModule } from "./formats/types";
import { healthRoutes } from "./http/health";
import { requestLog } from "./http/request-log";
import { repositoryPrefetch } from "./repositories/prefetch";
import { uiRoutes } from "./ui";

/** The management API and unknown paths answer in the generic JSON shape. */
const jsonErrors: Pick<FormatModule, "errorResponse"> = { errorResponse: (error, { requestId }) => jsonErrorResponse(error, requestId) };

export function buildApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestLog());
  app.route("/", healthRoutes);
  // Starts the repository lookup so it runs alongside the token lookup (read-path budget).
  app.use(repositoryPrefetch());
  app.use(authentication((pathname) => formatForPath(pathname)?.readCredentials));
  app.route("/api/v1", apiRoutes);
  app.route("/", uiRoutes);
  for (const format of formats) app.route(mountOf(format), format.routes);

  const errorContext = (c: { req: { raw: Request }; var: AppEnv["Variables"] }): ErrorContext => ({
    requestId: c.var.requestId ?? "unknown",
    request: c.req.raw,
    repository: c.var.repository ?? null,
  });
  app.notFound((c) => {
    const error = new RegistryError("not_found", `no route for ${c.req.method} ${c.req.path}`);
    return (formatForPath(c.req.path) ?? jsonErrors).errorResponse(error, errorContext(c));
  });
  app.onError((err, c) => {
    const error = toRegistryError(err);
    const context = errorContext(c);
    if (error.code === "internal") {
      console.error(JSON.stringify({ id: context.requestId, error: String(err), stack: err instanceof Error ? err.stack : undefined }));
    }
    return (formatForPath(new URL(c.req.url).pathname) ?? jsonErrors).errorResponse(error, context);
  });
  return app;
}
