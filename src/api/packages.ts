/**
 * `/api/v1/repositories/{name}/packages…`: browse and delete what a repository holds.
 * Reading follows the repository's visibility; deleting needs `write` on it. Package names
 * and versions are matched case-insensitively, as stored; URL-encode names containing `/`.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { authorize } from "../auth/authorize";
import { openDatabase, type Database } from "../db/client";
import { findPackage, findVersion, listFiles, listPackages, listVersions } from "../db/packages";
import type { AppEnv } from "../env";
import { notFound } from "../errors";
import { HostedSource } from "../repositories/hosted-source";
import { sourceContext } from "../repositories/loader";
import type { Repository } from "../repositories/model";
import { declareRoute } from "./openapi";
import { visibleRepository } from "./repositories";
import { parseQuery } from "./validation";

export const packageRoutes = new Hono<AppEnv>();

const listQuery = z.object({
  q: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const packageOutput = z.object({ id: z.int(), name: z.string(), versionCount: z.int(), createdAt: z.int() });
const versionOutput = z.object({ id: z.int(), version: z.string(), downloads: z.int(), createdAt: z.int(), metadata: z.unknown() });
const fileOutput = z.object({
  id: z.int(), name: z.string(), size: z.int(), sha256: z.string(), sha1: z.string(), md5: z.string(), sha512: z.string(), createdAt: z.int(),
});

async function loadVersion(db: Database, repository: Repository, name: string, version: string) {
  const pkg = await findPackage(db, repository.id, name.toLowerCase());
  if (!pkg) throw notFound(`package ${name}`);
  const row = await findVersion(db, pkg.id, version.toLowerCase());
  if (!row) throw notFound(`version ${version} of ${name}`);
  return { pkg, version: row };
}

/** Deletes go through the repository's writer: revisions bump and the format's hooks run (docs/architecture-hosted.md). */
async function writable(c: Context<AppEnv>): Promise<{ db: Database; repository: Repository; writer: HostedSource }> {
  const repository = await visibleRepository(c, c.req.param("name") ?? "");
  authorize(c.var.principal, repository, "write");
  const context = { ...sourceContext(c), origin: "api" as const };
  return { db: context.db, repository, writer: new HostedSource(repository, context) };
}

declareRoute({ method: "get", path: "/repositories/{name}/packages", tag: "packages", auth: "read", summary: "List or search packages", query: listQuery, responses: { 200: { description: "Packages", schema: z.object({ packages: z.array(packageOutput) }) } } });
packageRoutes.get("/:name/packages", async (c) => {
  const repository = await visibleRepository(c, c.req.param("name"));
  const query = parseQuery(c, listQuery);
  const rows = await listPackages(openDatabase(c.env.DB), repository.id, { ...(query.q ? { query: query.q } : {}), limit: query.limit, offset: query.offset });
  return c.json({ packages: rows.map((p) => ({ id: p.id, name: p.name, versionCount: p.versionCount, createdAt: p.createdAt })) });
});

declareRoute({ method: "get", path: "/repositories/{name}/packages/{package}/versions", tag: "packages", auth: "read", summary: "List a package's versions, newest first", responses: { 200: { description: "Versions", schema: z.object({ versions: z.array(versionOutput) }) } } });
packageRoutes.get("/:name/packages/:package/versions", async (c) => {
  const repository = await visibleRepository(c, c.req.param("name"));
  const db = openDatabase(c.env.DB);
  const pkg = await findPackage(db, repository.id, c.req.param("package").toLowerCase());
  if (!pkg) throw notFound(`package ${c.req.param("package")}`);
  const versions = await listVersions(db, pkg.id);
  return c.json({ versions: versions.map((v) => ({ id: v.id, version: v.version, downloads: v.downloadCount, createdAt: v.createdAt, metadata: JSON.parse(v.metadata) as unknown })) });
});

declareRoute({ method: "get", path: "/repositories/{name}/packages/{package}/versions/{version}/files", tag: "packages", auth: "read", summary: "List a version's files with size and hashes", responses: { 200: { description: "Files", schema: z.object({ files: z.array(fileOutput) }) } } });
packageRoutes.get("/:name/packages/:package/versions/:version/files", async (c) => {
  const repository = await visibleRepository(c, c.req.param("name"));
  const db = openDatabase(c.env.DB);
  const { version } = await loadVersion(db, repository, c.req.param("package"), c.req.param("version"));
  const files = await listFiles(db, version.id);
  return c.json({
    files: files.map(({ file, blob }) => ({ id: file.id, name: file.name, size: blob.size, sha256: blob.sha256, sha1: blob.sha1, md5: blob.md5, sha512: blob.sha512, createdAt: file.createdAt })),
  });
});

declareRoute({ method: "delete", path: "/repositories/{name}/packages/{package}", tag: "packages", auth: "write", summary: "Delete a package with all its versions", responses: { 204: { description: "Deleted" } } });
packageRoutes.delete("/:name/packages/:package", async (c) => {
  const { db, repository, writer } = await writable(c);
  const pkg = await findPackage(db, repository.id, c.req.param("package").toLowerCase());
  if (!pkg) throw notFound(`package ${c.req.param("package")}`);
  await writer.removePackage(pkg, (await listVersions(db, pkg.id)).map((v) => v.id));
  return c.body(null, 204);
});

declareRoute({ method: "delete", path: "/repositories/{name}/packages/{package}/versions/{version}", tag: "packages", auth: "write", summary: "Delete a version with its files", responses: { 204: { description: "Deleted" } } });
packageRoutes.delete("/:name/packages/:package/versions/:version", async (c) => {
  const { db, repository, writer } = await writable(c);
  const { pkg, version } = await loadVersion(db, repository, c.req.param("package"), c.req.param("version"));
  await writer.removeVersions(pkg, [version]);
  return c.body(null, 204);
});

declareRoute({ method: "delete", path: "/repositories/{name}/packages/{package}/versions/{version}/files/{fileId}", tag: "packages", auth: "write", summary: "Delete one file by id", responses: { 204: { description: "Deleted" } } });
packageRoutes.delete("/:name/packages/:package/versions/:version/files/:fileId", async (c) => {
  const { db, repository, writer } = await writable(c);
  const { pkg, version } = await loadVersion(db, repository, c.req.param("package"), c.req.param("version"));
  const fileId = Number(c.req.param("fileId"));
  const file = (await listFiles(db, version.id)).find((f) => f.file.id === fileId);
  if (!file) throw notFound(`file ${c.req.param("fileId")}`);
  await writer.deleteFiles(pkg, version, [fileId]);
  await writer.auditEvent("file.delete", `${pkg.name}/${version.version}/${file.file.name}`);
  return c.body(null, 204);
});
