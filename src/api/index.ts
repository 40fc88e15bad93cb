/** The management API at `/api/v1`: JSON in and out, OpenAPI 3.1 at `/api/v1/openapi.json`. */
import { Hono } from "hono";
import { z } from "zod";
import { openDatabase } from "../db/client";
import { findRepository } from "../db/repositories";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { runCleanup } from "../jobs/cleanup";
import { withLock } from "../locks/keyed-lock";
import { HostedSource } from "../repositories/hosted-source";
import { sourceContext } from "../repositories/loader";
import { auditRoutes } from "./audit";
import { requireAdmin } from "./guards";
import { declareRoute, openApiDocument } from "./openapi";
import { packageRoutes } from "./packages";
import { remoteCacheRoutes } from "./remote-cache";
import { repositoryRoutes } from "./repositories";
import { tokenRoutes } from "./tokens";
import { userRoutes } from "./users";

export const apiRoutes = new Hono<AppEnv>();

apiRoutes.route("/repositories", repositoryRoutes);
apiRoutes.route("/repositories", packageRoutes);
apiRoutes.route("/repositories", remoteCacheRoutes);
apiRoutes.route("/tokens", tokenRoutes);
apiRoutes.route("/users", userRoutes);
apiRoutes.route("/audit", auditRoutes);

declareRoute({
  method: "post", path: "/repositories/{name}/cleanup", tag: "repositories", auth: "admin", summary: "Run the repository's cleanup policy now",
  responses: { 200: { description: "Counts removed", schema: z.object({ repository: z.string(), versionsRemoved: z.int(), filesRemoved: z.int() }) }, 409: { description: "A cleanup of this repository is already running" } },
});
apiRoutes.post("/repositories/:name/cleanup", async (c) => {
  const principal = requireAdmin(c);
  const db = openDatabase(c.env.DB);
  const repository = await findRepository(db, c.req.param("name"));
  if (!repository) throw new RegistryError("not_found", `repository ${c.req.param("name")} not found`);
  const result = await withLock(c.env.LOCKS, `cleanup:${repository.name}`, 10 * 60 * 1000, () =>
    runCleanup(new HostedSource(repository, { ...sourceContext(c), principal, origin: "cleanup" }), Date.now()),
  );
  if (!result) throw new RegistryError("conflict", `a cleanup of ${repository.name} is already running`);
  return c.json(result);
});

apiRoutes.get("/openapi.json", (c) => c.json(openApiDocument(new URL("/api/v1", c.req.url).toString())));
apiRoutes.get("/whoami", (c) => {
  const p = c.var.principal;
  return c.json({ name: p.name, kind: p.kind, scopes: [...p.scopes], repositories: p.repositories });
});
