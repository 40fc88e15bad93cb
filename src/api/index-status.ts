/**
 * `GET /api/v1/repositories/{name}/indexes`: what the repository's IndexBuilder
 * (docs/architecture.md "IndexBuilder") has done — how many builds, the revision of the last
 * one against the repository's, and whether a debounced build is pending. Lets an operator (and
 * the e2e burst test) see that a burst of uploads caused a handful of builds, and whether the
 * served indexes are current. Formats without repository indexes answer an empty list.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { findFormat } from "../formats";
import { indexBuilderOf } from "../repositories/index-builder";
import { visibleRepository } from "./guards";
import { declareRoute, pathParams } from "./openapi";
import { repositoryNameParam } from "./params";

export const indexStatusRoutes = new Hono<AppEnv>();

const statusOutput = z.object({
  repository: z.string(),
  indexes: z.array(z.string()).describe("Index documents the format builds for this kind of repository"),
  revision: z.int().describe("The repository's current revision (bumped by every write)"),
  builds: z.int().describe("Builds done since the repository was created"),
  lastBuiltRevision: z.int().nullable().describe("The revision the stored indexes were built from"),
  current: z.boolean().describe("The stored indexes cover every write so far"),
  nextBuildAt: z.int().nullable().describe("ms since the epoch of the pending (debounced) build, if any"),
});

const statusRoute = declareRoute({
  method: "get", path: "/repositories/{name}/indexes", tag: "repositories", auth: "read",
  summary: "The repository's index builds: count, last built revision, pending build",
  params: { name: repositoryNameParam },
  responses: { 200: { description: "Index build status", schema: statusOutput }, 404: { description: "Unknown or not readable" } },
});

indexStatusRoutes.get("/:name/indexes", async (c) => {
  const repository = await visibleRepository(c, pathParams(c, statusRoute).name);
  const specs = repository.kind === "remote" ? [] : (findFormat(repository.format)?.indexes ?? []).filter((s) => repository.kind === "hosted" || s.virtual);
  const builder = specs.length ? indexBuilderOf(c.env.INDEXES, repository.id) : null;
  const status = builder ? await builder.status() : { builds: 0, lastBuiltRevision: null, alarm: null };
  const current = specs.length === 0 || (status.lastBuiltRevision !== null && status.lastBuiltRevision >= repository.revision);
  return c.json({
    repository: repository.name,
    indexes: specs.map((s) => s.name),
    revision: repository.revision,
    builds: status.builds,
    lastBuiltRevision: status.lastBuiltRevision,
    current,
    nextBuildAt: status.alarm,
  } satisfies z.output<typeof statusOutput>);
});
