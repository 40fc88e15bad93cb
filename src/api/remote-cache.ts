/**
 * Remote repositories' cache through the API: test the upstream connection, list cache
 * entries (path, size, fetched, last hit, hits), purge one path or everything — all for
 * repository admins of that repository.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { recordAudit } from "../db/audit";
import { listCacheEntries, purgeCacheEntries } from "../db/cache-entries";
import { openDatabase } from "../db/client";
import { findRemoteConfig } from "../db/repositories";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import type { Repository } from "../repositories/model";
import { fetchUpstream } from "../virtual/upstream";
import { auditActor } from "../auth/audit-actor";
import { repositoryWithRole } from "./guards";
import { declareRoute, pathParams, type ApiRouteSpec } from "./openapi";
import { repositoryNameParam } from "./params";
import { parseQuery } from "./validation";

export const remoteCacheRoutes = new Hono<AppEnv>();

const byName = { name: repositoryNameParam };

async function remoteRepository(c: Context<AppEnv>, spec: { params: typeof byName } & ApiRouteSpec): Promise<Repository> {
  const repository = await repositoryWithRole(c, pathParams(c, spec).name, "admin");
  if (repository.kind !== "remote") throw new RegistryError("bad_request", `${repository.name} is not a remote repository`);
  return repository;
}

const listQuery = z.object({
  prefix: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const entryOutput = z.object({
  path: z.string(), kind: z.enum(["metadata", "artifact"]), status: z.enum(["ok", "missing"]), size: z.int().nullable(), sha256: z.string().nullable(),
  fetchedAt: z.int(), checkedAt: z.int(), lastHitAt: z.int().nullable(), hits: z.int(),
});

const listRoute = declareRoute({ method: "get", path: "/repositories/{name}/cache", tag: "remote", auth: "repository admin", params: byName, summary: "List a remote repository's cache entries", query: listQuery, responses: { 200: { description: "Entries", schema: z.object({ entries: z.array(entryOutput) }) } } });
remoteCacheRoutes.get("/:name/cache", async (c) => {
  const repository = await remoteRepository(c, listRoute);
  const query = parseQuery(c, listQuery);
  const rows = await listCacheEntries(openDatabase(c.env.DB), repository.id, { limit: query.limit, offset: query.offset, ...(query.prefix ? { prefix: query.prefix } : {}) });
  return c.json({
    entries: rows.map(({ entry, blob }) => ({
      path: entry.key, kind: entry.kind, status: entry.status, size: blob?.size ?? null, sha256: blob?.sha256 ?? null,
      fetchedAt: entry.fetchedAt, checkedAt: entry.checkedAt, lastHitAt: entry.lastHitAt, hits: entry.hits,
    })),
  });
});

const purgeQuery = z.object({ path: z.string().min(1).max(2048).optional() });
const purgeRoute = declareRoute({ method: "delete", path: "/repositories/{name}/cache", tag: "remote", auth: "repository admin", params: byName, summary: "Purge one cached path (?path=) or the whole cache", query: purgeQuery, responses: { 200: { description: "How many entries were purged", schema: z.object({ purged: z.int() }) } } });
remoteCacheRoutes.delete("/:name/cache", async (c) => {
  const repository = await remoteRepository(c, purgeRoute);
  const query = parseQuery(c, purgeQuery);
  const db = openDatabase(c.env.DB);
  const purged = await purgeCacheEntries(db, repository.id, query.path);
  // The purge bumped the repository's revision: its edge-cached answers (every Accept variant)
  // and those of virtual repositories containing it are keyed on it, so none is served again.
  await recordAudit(db, { ...auditActor(c.var.principal), action: "cache.purge", repository: repository.name, target: query.path ?? "*", detail: { purged }, requestId: c.var.requestId });
  return c.json({ purged });
});

const testRoute = declareRoute({ method: "post", path: "/repositories/{name}/test-upstream", tag: "remote", auth: "repository admin", params: byName, summary: "Check that the upstream answers (with the stored credentials)", responses: { 200: { description: "Result", schema: z.object({ ok: z.boolean(), status: z.string(), ms: z.int() }) } } });
remoteCacheRoutes.post("/:name/test-upstream", async (c) => {
  const repository = await remoteRepository(c, testRoute);
  const config = await findRemoteConfig(openDatabase(c.env.DB), repository.id);
  if (!config) throw new RegistryError("not_found", "no upstream configured");
  const started = Date.now();
  const result = await fetchUpstream(config, "", { credentialsKey: c.env.CREDENTIALS_KEY });
  if (result.kind === "ok") await result.response.body?.cancel();
  // Any HTTP answer but 5xx means the upstream is reachable (its root may well be a 404).
  const ok = result.kind !== "unavailable";
  const status = result.kind === "unavailable" ? result.reason : result.kind === "missing" ? `reachable (HTTP ${result.status})` : "reachable";
  return c.json({ ok, status, ms: Date.now() - started });
});
