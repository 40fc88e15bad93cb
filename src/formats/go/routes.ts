/**
 * Go modules at `/go/{repo}/` (a GOPROXY URL):
 * - `GET|HEAD /go/{repo}/{module}/@v/list`, `@v/{version}.info|.mod|.zip`, `/@latest`: the
 *   module proxy protocol, through serveRead (hosted, remote and virtual alike);
 * - `PUT /go/{repo}/upload` (Gitea's path) or `PUT /go/{repo}/{module}/@v/{version}.zip`:
 *   hosted upload of a module zip (./upload.ts), 201 with the module, version and sha256;
 * - `DELETE /go/{repo}/{module}/@v/{version}.zip`: removes a hosted version;
 * - `GET /go/{repo}/sumdb/…`: 404, which tells the go command this proxy does not serve the
 *   checksum database (it then asks sum.golang.org itself, or not at all with GOSUMDB=off).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { declaredLength, pathAfterRepository } from "../../http/request-path";
import { loadHostedSource } from "../../repositories/loader";
import { serveRead } from "../../virtual/serve";
import { parseGoPath } from "./paths";
import { goProxy } from "./proxy";
import { handleGoUpload, moduleKeys } from "./upload";

export const goRoutes = new Hono<AppEnv>();

const restOf = (c: Context<AppEnv>): string => pathAfterRepository(c, "go");

goRoutes.put("/*", async (c) => {
  const rest = restOf(c);
  const parsed = rest === "upload" ? null : parseGoPath(rest);
  if (rest !== "upload" && parsed?.kind !== "zip") throw new RegistryError("not_found", "upload a module zip with PUT /go/{repo}/upload or PUT /go/{repo}/{module}/@v/{version}.zip");
  const source = await loadHostedSource(c, "go", "write");
  const expected = parsed?.kind === "zip" ? { module: parsed.module, version: parsed.version } : null;
  const uploaded = await handleGoUpload(source, c.req.raw.body, declaredLength(c), expected);
  return c.json({ module: uploaded.module, version: uploaded.version, sha256: uploaded.sha256 }, 201);
});

goRoutes.get("/*", async (c) => {
  const rest = restOf(c);
  const parsed = parseGoPath(rest);
  if (!parsed) throw new RegistryError("not_found", rest.startsWith("sumdb/") ? "this proxy does not serve a checksum database" : `not a module proxy path: ${rest.slice(0, 200)}`);
  const what = parsed.kind === "list" || parsed.kind === "latest" ? `module ${parsed.module}` : `${parsed.module}@${parsed.version}`;
  return serveRead(c, { name: "go", proxy: goProxy }, rest, `${what}: not found`);
});

/** `DELETE /go/{repo}/{module}/@v/{version}.zip`: removes a hosted version (its .zip and .mod). */
goRoutes.delete("/*", async (c) => {
  const parsed = parseGoPath(restOf(c));
  if (parsed?.kind !== "zip") throw new RegistryError("not_found", "delete a version with DELETE /go/{repo}/{module}/@v/{version}.zip");
  const source = await loadHostedSource(c, "go", "write");
  const { lowerName, lowerVersion } = moduleKeys(parsed.module, parsed.version);
  const pkg = await source.findPackageRow(lowerName);
  const version = pkg && (await source.findVersionRow(pkg.id, lowerVersion));
  if (!pkg || !version) throw new RegistryError("not_found", `${parsed.module}@${parsed.version}: not found`);
  await source.removeVersions(pkg, [version]);
  return c.body(null, 204);
});
