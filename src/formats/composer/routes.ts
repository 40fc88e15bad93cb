/**
 * Composer repositories at `/composer/{repo}/` (`{"type":"composer","url":"…/composer/{repo}"}`):
 * - `GET packages.json` (./api.ts): `metadata-url`, `search`, `list`, `available-packages`;
 * - `GET p2/{vendor}/{project}.json` and `…~dev.json`: the p2 documents, and
 *   `GET dists/{vendor}/{project}/{version}/{ref}.zip`: archives — both through serveRead,
 *   so hosted, remote and virtual repositories answer alike (./proxy.ts);
 * - `GET search.json?q=&type=&page=&per_page=`, `GET list.json` (hosted packages);
 * - `PUT` or `POST /composer/{repo}[?version=]`: upload a zip (./upload.ts), 201;
 * - `DELETE packages/{vendor}/{project}/{version}`: remove a version, 204;
 *   `DELETE packages/{vendor}/{project}`: remove the package, 204.
 * Every error is Composer-style JSON (./errors.ts); anonymous callers of hidden or missing
 * repositories get the 401 challenge, so Composer asks for (or sends) its http-basic credentials.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { declaredLength, pathAfterRepository } from "../../http/request-path";
import { HostedSource } from "../../repositories/hosted-source";
import { loadHostedReaders, loadHostedSource, loadRepository } from "../../repositories/loader";
import { serveRead, servedBase } from "../../virtual/serve";
import { listNames, rootDocument, searchPackages } from "./api";
import { packageNameProblem, parseDistPath, parseMetadataPath } from "./names";
import { composerProxy } from "./proxy";
import { findVersionByNormalized } from "./stored";
import { handleUpload } from "./upload";
import { normalizeVersion } from "./versions";

export const composerRoutes = new Hono<AppEnv>();

const format = { name: "composer", proxy: composerProxy, challengeAnonymousReads: true };
const challenge = { challengeAnonymousReads: true };
const restOf = (c: Context<AppEnv>): string => pathAfterRepository(c, "composer");

function decoded(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    return segment ?? "";
  }
}

const noCache = { "Cache-Control": "no-cache" };

composerRoutes.get("/*", async (c) => {
  const rest = restOf(c);
  if (rest === "packages.json" || rest === "") {
    const { repository, context } = await loadRepository(c, "composer", "read", challenge);
    const hosted = repository.kind === "hosted" ? new HostedSource(repository, context) : null;
    return c.json(await rootDocument(repository, servedBase(c.req.raw, rest), hosted), 200, noCache);
  }
  if (rest === "search.json" || rest === "list.json") {
    await loadRepository(c, "composer", "read", challenge);
    const sources = await loadHostedReaders(c, "composer");
    if (rest === "list.json") return c.json(await listNames(sources), 200, noCache);
    const perPage = Math.min(Math.max(Number.parseInt(c.req.query("per_page") ?? "15", 10) || 15, 1), 100);
    const page = Math.max(Number.parseInt(c.req.query("page") ?? "1", 10) || 1, 1);
    return c.json(await searchPackages(sources, c.req.query("q") ?? "", c.req.query("type") ?? "", { number: page, perPage, url: new URL(c.req.url) }), 200, noCache);
  }
  const metadata = parseMetadataPath(rest);
  const dist = metadata ? null : parseDistPath(rest);
  if (!metadata && !dist) {
    await loadRepository(c, "composer", "read", challenge);
    throw new RegistryError("not_found", `not a Composer repository path: ${rest.slice(0, 200)}`);
  }
  const what = metadata ? `package ${metadata.name}` : `${dist?.name} ${dist?.version}`;
  return serveRead(c, format, rest, `${what} not found`);
});

async function upload(c: Context<AppEnv>): Promise<Response> {
  const rest = restOf(c);
  if (rest !== "") {
    await loadRepository(c, "composer", "read", challenge);
    throw new RegistryError("not_found", "upload a package with PUT /composer/{repo}?version={version} and the zip as the body");
  }
  const source = await loadHostedSource(c, "composer", "write", challenge);
  const uploaded = await handleUpload(source, c.req.raw.body, declaredLength(c), c.req.query("version"));
  const { name, version, normalizedVersion } = uploaded.manifest;
  return c.json({ status: "success", name, version, version_normalized: normalizedVersion, shasum: uploaded.sha1 }, 201);
}

composerRoutes.put("/*", upload);
composerRoutes.post("/*", upload);

composerRoutes.delete("/*", async (c) => {
  const match = /^packages\/([^/]+\/[^/]+)(?:\/([^/]+))?$/.exec(restOf(c));
  if (!match) {
    await loadRepository(c, "composer", "read", challenge);
    throw new RegistryError("not_found", "delete with DELETE /composer/{repo}/packages/{vendor}/{project}[/{version}]");
  }
  const source = await loadHostedSource(c, "composer", "write", challenge);
  const name = decoded(match[1]);
  const problem = packageNameProblem(name);
  if (problem) throw new RegistryError("name_invalid", `invalid package name: ${problem}`);
  const pkg = await source.findPackageRow(name);
  if (!pkg) throw new RegistryError("not_found", `package ${name} not found`);
  if (match[2] === undefined) {
    const versions = await source.listVersionRows(pkg.id);
    await source.removePackage(pkg, versions.map((v) => v.id));
    return c.body(null, 204);
  }
  const version = decoded(match[2]);
  const normalized = normalizeVersion(version);
  const row = (await source.findVersionRow(pkg.id, version.toLowerCase())) ?? (normalized ? await findVersionByNormalized(source, name, normalized) : null);
  if (!row) throw new RegistryError("not_found", `${name} ${version.slice(0, 100)} not found`);
  await source.removeVersions(pkg, [row]);
  return c.body(null, 204);
});
