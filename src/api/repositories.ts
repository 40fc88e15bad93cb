/**
 * `/api/v1/repositories`: create and delete (instance admin), list and read (whoever may
 * read), change (repository admin; settings are a JSON Merge Patch, RFC 7396).
 */
import { Hono } from "hono";
import { z } from "zod";
import { canRead } from "../auth/authorize";
import { recordAudit } from "../db/audit";
import { openDatabase } from "../db/client";
import { deleteRepository, findRepository, listRepositories, virtualsContaining } from "../db/repositories";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { changeRepository, createRepository, describeRepository } from "../repositories/admin";
import { auditActor } from "../auth/audit-actor";
import { afterMembersChanged } from "../repositories/write-hooks";
import { SigningKeyStore } from "../signing/key-store";
import { repositoryWithRole, requireInstanceAdmin, visibleRepository } from "./guards";
import { declareRoute, pathParams } from "./openapi";
import { repositoryNameParam } from "./params";
import { createRepositorySchema, repositoryOutputSchema, updateRepositorySchema } from "./repository-schemas";
import { parseJsonBody } from "./validation";

export { visibleRepository } from "./guards";

export const repositoryRoutes = new Hono<AppEnv>();

const errorResponses = {
  400: { description: "Invalid input; `error.field` names the field" },
  401: { description: "No or invalid credentials" },
  403: { description: "The caller lacks the role this needs" },
};
const byName = { name: repositoryNameParam };

const createRoute = declareRoute({
  method: "post", path: "/repositories", tag: "repositories", auth: "instance admin", summary: "Create a repository",
  body: createRepositorySchema,
  responses: { 201: { description: "Created", schema: repositoryOutputSchema }, 409: { description: "Name taken" }, ...errorResponses },
});
repositoryRoutes.post("/", async (c) => {
  const principal = requireInstanceAdmin(c);
  const input = await parseJsonBody(c, createRoute.body);
  const db = openDatabase(c.env.DB);
  const repository = await createRepository(db, input, c.env.CREDENTIALS_KEY, principal);
  await recordAudit(db, { ...auditActor(principal), action: "repository.create", repository: repository.name, detail: { format: input.format, kind: input.kind }, requestId: c.var.requestId });
  await afterMembersChanged(repository, c.env.INDEXES);
  return c.json(await describeRepository(db, repository, principal), 201);
});

declareRoute({
  method: "get", path: "/repositories", tag: "repositories", auth: "none", summary: "List repositories the caller can read",
  responses: { 200: { description: "Repositories", schema: z.object({ repositories: z.array(repositoryOutputSchema) }) } },
});
repositoryRoutes.get("/", async (c) => {
  const db = openDatabase(c.env.DB);
  const visible = (await listRepositories(db)).filter((r) => canRead(c.var.principal, r));
  return c.json({ repositories: await Promise.all(visible.map((r) => describeRepository(db, r, c.var.principal))) });
});

const readRoute = declareRoute({
  method: "get", path: "/repositories/{name}", tag: "repositories", auth: "read", summary: "Read a repository", params: byName,
  responses: { 200: { description: "The repository", schema: repositoryOutputSchema }, 404: { description: "Unknown or not readable" } },
});
repositoryRoutes.get("/:name", async (c) => {
  const repository = await visibleRepository(c, pathParams(c, readRoute).name);
  return c.json(await describeRepository(openDatabase(c.env.DB), repository, c.var.principal));
});

const patchRoute = declareRoute({
  method: "patch", path: "/repositories/{name}", tag: "repositories", auth: "repository admin",
  summary: "Change visibility, settings (JSON Merge Patch: keys sent replace, null resets, others kept), upstream or members",
  params: byName, body: updateRepositorySchema,
  responses: { 200: { description: "The changed repository", schema: repositoryOutputSchema }, 404: { description: "Unknown or not readable" }, ...errorResponses },
});
repositoryRoutes.patch("/:name", async (c) => {
  const repository = await repositoryWithRole(c, pathParams(c, patchRoute).name, "admin");
  const principal = c.var.principal;
  const input = await parseJsonBody(c, patchRoute.body);
  const db = openDatabase(c.env.DB);
  await changeRepository(db, repository, input, c.env.CREDENTIALS_KEY, principal);
  await recordAudit(db, { ...auditActor(principal), action: "repository.update", repository: repository.name, detail: { fields: Object.keys(input) }, requestId: c.var.requestId });
  const changed = await findRepository(db, repository.name);
  if (!changed) throw new RegistryError("not_found", `repository ${repository.name} not found`);
  if (input.members !== undefined) await afterMembersChanged(changed, c.env.INDEXES);
  return c.json(await describeRepository(db, changed, principal));
});

const deleteRoute = declareRoute({
  method: "delete", path: "/repositories/{name}", tag: "repositories", auth: "instance admin", summary: "Delete a repository and its packages", params: byName,
  responses: {
    204: { description: "Deleted; unreferenced blobs are collected by GC" },
    404: { description: "Unknown or not readable" },
    409: { description: "A member of virtual repositories (named in the message); remove it from them first" },
  },
});
repositoryRoutes.delete("/:name", async (c) => {
  const repository = await repositoryWithRole(c, pathParams(c, deleteRoute).name, "admin");
  const principal = requireInstanceAdmin(c);
  const db = openDatabase(c.env.DB);
  const virtuals = await virtualsContaining(db, repository.id);
  if (virtuals.length) throw new RegistryError("conflict", `${repository.name} is a member of virtual repositories ${virtuals.join(", ")}; remove it from them first`);
  await deleteRepository(db, repository.id);
  await new SigningKeyStore(repository, { bucket: c.env.BLOBS, secret: c.env.CREDENTIALS_KEY, locks: c.env.LOCKS }).deleteAll();
  await recordAudit(db, { ...auditActor(principal), action: "repository.delete", repository: repository.name, requestId: c.var.requestId });
  return c.body(null, 204);
});
