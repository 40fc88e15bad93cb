/** The management API at `/api/v1`: JSON in and out, OpenAPI 3.1 at `/api/v1/openapi.json`. */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { runCleanup } from "../jobs/cleanup";
import { withLock } from "../locks/keyed-lock";
import { HostedSource } from "../repositories/hosted-source";
import { sourceContext } from "../repositories/loader";
import { auditRoutes } from "./audit";
import { grantableScopes, isInstanceAdmin } from "../auth/permissions";
import { grantRoutes } from "./grants";
import { indexStatusRoutes } from "./index-status";
import { repositoryWithRole } from "./guards";
import { declareRoute, openApiDocument, pathParams } from "./openapi";
import { repositoryNameParam } from "./params";
import { packageRoutes } from "./packages";
import { remoteCacheRoutes } from "./remote-cache";
import { repositoryRoutes } from "./repositories";
import { signingKeyRoutes } from "./signing-keys";
import { tokenRoutes } from "./tokens";
import { userRoutes } from "./users";

export const apiRoutes = new Hono<AppEnv>();

apiRoutes.route("/repositories", repositoryRoutes);
apiRoutes.route("/repositories", packageRoutes);
apiRoutes.route("/repositories", remoteCacheRoutes);
apiRoutes.route("/repositories", signingKeyRoutes);
apiRoutes.route("/repositories", indexStatusRoutes);
apiRoutes.route("/tokens", tokenRoutes);
apiRoutes.route("/users", userRoutes);
apiRoutes.route("/users", grantRoutes);
apiRoutes.route("/audit", auditRoutes);

const cleanupRoute = declareRoute({
  method: "post", path: "/repositories/{name}/cleanup", tag: "repositories", auth: "repository admin", summary: "Run the repository's cleanup policy now",
  params: { name: repositoryNameParam },
  responses: { 200: { description: "Counts removed", schema: z.object({ repository: z.string(), versionsRemoved: z.int(), filesRemoved: z.int() }) }, 409: { description: "A cleanup of this repository is already running" } },
});
apiRoutes.post("/repositories/:name/cleanup", async (c) => {
  const repository = await repositoryWithRole(c, pathParams(c, cleanupRoute).name, "admin");
  const principal = c.var.principal;
  const result = await withLock(c.env.LOCKS, `cleanup:${repository.name}`, 10 * 60 * 1000, () =>
    runCleanup(new HostedSource(repository, { ...sourceContext(c), principal, origin: "cleanup" }), Date.now()),
  );
  if (!result) throw new RegistryError("conflict", `a cleanup of ${repository.name} is already running`);
  return c.json(result);
});

declareRoute({ method: "get", path: "/openapi.json", tag: "meta", auth: "none", summary: "This document", responses: { 200: { description: "OpenAPI 3.1" } } });
apiRoutes.get("/openapi.json", (c) => c.json(openApiDocument(new URL("/api/v1", c.req.url).toString())));

const whoamiOutput = z.object({
  name: z.string(),
  kind: z.enum(["anonymous", "token", "password", "bootstrap"]),
  instanceAdmin: z.boolean(),
  scopes: z.array(z.enum(["read", "write", "admin"])).describe("Scopes a token created with this credential may carry"),
  repositories: z.array(z.string()).nullable().describe("The token's repository list; null: not limited"),
  grants: z.array(z.object({ repository: z.string(), role: z.enum(["read", "write", "admin"]) })),
  token: z.object({ id: z.int(), name: z.string(), expiresAt: z.int().nullable() }).nullable(),
});
declareRoute({ method: "get", path: "/whoami", tag: "meta", auth: "none", summary: "Who the credentials identify, and their rights", responses: { 200: { description: "The caller", schema: whoamiOutput } } });
apiRoutes.get("/whoami", (c) => {
  const p = c.var.principal;
  const body: z.output<typeof whoamiOutput> = {
    name: p.name,
    kind: p.kind,
    instanceAdmin: isInstanceAdmin(p),
    scopes: p.kind === "anonymous" ? [] : [...grantableScopes(p)],
    repositories: p.token?.repositories ? [...p.token.repositories] : null,
    grants: p.grants.map((g) => ({ repository: g.pattern, role: g.role })),
    token: p.token ? { id: p.token.id, name: p.token.name, expiresAt: p.token.expiresAt } : null,
  };
  return c.json(body);
});
