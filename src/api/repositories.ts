/** `/api/v1/repositories`: create, list, read, change and delete repositories (admin). */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { canRead } from "../auth/authorize";
import { recordAudit } from "../db/audit";
import { openDatabase } from "../db/client";
import { deleteRepository, findRepository, listRepositories } from "../db/repositories";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { changeRepository, createRepository, describeRepository } from "../repositories/admin";
import type { Repository } from "../repositories/model";
import { requireAdmin } from "./guards";
import { declareRoute } from "./openapi";
import { createRepositorySchema, repositoryOutputSchema, updateRepositorySchema } from "./repository-schemas";
import { parseJsonBody } from "./validation";

export const repositoryRoutes = new Hono<AppEnv>();

const errorResponses = {
  400: { description: "Invalid input; `error.field` names the field" },
  401: { description: "No or invalid credentials" },
  403: { description: "Token lacks the admin scope" },
};

/** Loads a repository the caller can see; private ones the caller cannot read are 404. */
export async function visibleRepository(c: Context<AppEnv>, name: string): Promise<Repository> {
  const repository = await findRepository(openDatabase(c.env.DB), name);
  if (!repository || !canRead(c.var.principal, repository)) throw new RegistryError("not_found", `repository ${name} not found`);
  return repository;
}

declareRoute({
  method: "post", path: "/repositories", tag: "repositories", auth: "admin", summary: "Create a repository",
  body: createRepositorySchema,
  responses: { 201: { description: "Created", schema: repositoryOutputSchema }, 409: { description: "Name taken" }, ...errorResponses },
});
repositoryRoutes.post("/", async (c) => {
  const principal = requireAdmin(c);
  const input = await parseJsonBody(c, createRepositorySchema);
  const db = openDatabase(c.env.DB);
  const repository = await createRepository(db, input, c.env.CREDENTIALS_KEY);
  await recordAudit(db, { actor: principal.name, action: "repository.create", repository: repository.name, detail: { format: input.format, kind: input.kind }, requestId: c.var.requestId });
  return c.json(await describeRepository(db, repository), 201);
});

declareRoute({
  method: "get", path: "/repositories", tag: "repositories", auth: "none", summary: "List repositories the caller can read",
  responses: { 200: { description: "Repositories", schema: z.object({ repositories: z.array(repositoryOutputSchema) }) } },
});
repositoryRoutes.get("/", async (c) => {
  const db = openDatabase(c.env.DB);
  const visible = (await listRepositories(db)).filter((r) => canRead(c.var.principal, r));
  return c.json({ repositories: await Promise.all(visible.map((r) => describeRepository(db, r))) });
});

declareRoute({
  method: "get", path: "/repositories/{name}", tag: "repositories", auth: "read", summary: "Read a repository",
  responses: { 200: { description: "The repository", schema: repositoryOutputSchema }, 404: { description: "Unknown or not readable" } },
});
repositoryRoutes.get("/:name", async (c) => {
  const repository = await visibleRepository(c, c.req.param("name"));
  return c.json(await describeRepository(openDatabase(c.env.DB), repository));
});

declareRoute({
  method: "patch", path: "/repositories/{name}", tag: "repositories", auth: "admin", summary: "Change visibility, settings, upstream or members",
  body: updateRepositorySchema,
  responses: { 200: { description: "The changed repository", schema: repositoryOutputSchema }, 404: { description: "Unknown" }, ...errorResponses },
});
repositoryRoutes.patch("/:name", async (c) => {
  const principal = requireAdmin(c);
  const db = openDatabase(c.env.DB);
  const repository = await findRepository(db, c.req.param("name"));
  if (!repository) throw new RegistryError("not_found", `repository ${c.req.param("name")} not found`);
  const input = await parseJsonBody(c, updateRepositorySchema);
  await changeRepository(db, repository, input, c.env.CREDENTIALS_KEY);
  await recordAudit(db, { actor: principal.name, action: "repository.update", repository: repository.name, detail: { fields: Object.keys(input) }, requestId: c.var.requestId });
  const changed = await findRepository(db, repository.name);
  if (!changed) throw new RegistryError("not_found", `repository ${repository.name} not found`);
  return c.json(await describeRepository(db, changed));
});

declareRoute({
  method: "delete", path: "/repositories/{name}", tag: "repositories", auth: "admin", summary: "Delete a repository and its packages",
  responses: { 204: { description: "Deleted; unreferenced blobs are collected by GC" }, 404: { description: "Unknown" } },
});
repositoryRoutes.delete("/:name", async (c) => {
  const principal = requireAdmin(c);
  const db = openDatabase(c.env.DB);
  const repository = await findRepository(db, c.req.param("name"));
  if (!repository) throw new RegistryError("not_found", `repository ${c.req.param("name")} not found`);
  await deleteRepository(db, repository.id);
  await recordAudit(db, { actor: principal.name, action: "repository.delete", repository: repository.name, requestId: c.var.requestId });
  return c.body(null, 204);
});
