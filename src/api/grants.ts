/**
 * `/api/v1/users/{name}/grants` (instance admin): a user's repository roles. Each grant
 * names a repository or a pattern (`team-*`, `*`) and a role (`read`, `write`, `admin`);
 * the user's role on a repository is the highest matching grant. PUT replaces the set.
 */
import { Hono } from "hono";
import { z } from "zod";
import { auditActor } from "../auth/audit-actor";
import { grantPatternRegex } from "../auth/permissions";
import { scopes } from "../auth/principal";
import { recordAudit } from "../db/audit";
import { openDatabase } from "../db/client";
import { listGrants, replaceGrants } from "../db/grants";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { requireInstanceAdmin } from "./guards";
import { declareRoute, pathParams } from "./openapi";
import { userNameParam } from "./params";
import { loadUser } from "./users";
import { parseJsonBody } from "./validation";

export const grantRoutes = new Hono<AppEnv>();

const grantSchema = z.strictObject({
  /** A repository name, or a glob over names: `*` any run of characters, `?` one. */
  repository: z.string().regex(grantPatternRegex, "must be a repository name or a pattern such as team-*"),
  role: z.enum(scopes),
});
const grantsBody = z.strictObject({ grants: z.array(grantSchema).max(200) });
const grantsOutput = z.object({ user: z.string(), grants: z.array(z.object({ repository: z.string(), role: z.enum(scopes) })) });
const byName = { name: userNameParam };

const listRoute = declareRoute({ method: "get", path: "/users/{name}/grants", tag: "users", auth: "instance admin", summary: "A user's repository grants", params: byName, responses: { 200: { description: "Grants", schema: grantsOutput }, 404: { description: "No such user" } } });
grantRoutes.get("/:name/grants", async (c) => {
  requireInstanceAdmin(c);
  const db = openDatabase(c.env.DB);
  const user = await loadUser(db, pathParams(c, listRoute).name);
  const grants = await listGrants(db, user.id);
  return c.json({ user: user.name, grants: grants.map((g) => ({ repository: g.pattern, role: g.role })) });
});

const putRoute = declareRoute({
  method: "put", path: "/users/{name}/grants", tag: "users", auth: "instance admin", summary: "Replace a user's repository grants (takes effect on the next request)",
  params: byName, body: grantsBody, responses: { 200: { description: "The grants now held", schema: grantsOutput }, 400: { description: "Invalid grant; `error.field` names it" }, 404: { description: "No such user" } },
});
grantRoutes.put("/:name/grants", async (c) => {
  const principal = requireInstanceAdmin(c);
  const db = openDatabase(c.env.DB);
  const user = await loadUser(db, pathParams(c, putRoute).name);
  const input = await parseJsonBody(c, putRoute.body);
  const seen = new Set<string>();
  input.grants.forEach((g, i) => {
    if (seen.has(g.repository)) throw new RegistryError("bad_request", `${g.repository} is granted twice`, { field: `grants.${i}.repository` });
    seen.add(g.repository);
  });
  await replaceGrants(db, user.id, input.grants.map((g) => ({ pattern: g.repository, role: g.role })));
  await recordAudit(db, { ...auditActor(principal), action: "user.grants", target: `user:${user.name}`, detail: { grants: input.grants }, requestId: c.var.requestId });
  return c.json({ user: user.name, grants: (await listGrants(db, user.id)).map((g) => ({ repository: g.pattern, role: g.role })) });
});
