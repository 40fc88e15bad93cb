/**
 * Generic packages at `/generic/{repo}/{package}/{version}/{filename}` (GitLab's and
 * Gitea's generic registry): PUT uploads the raw body (`curl --upload-file`), GET/HEAD
 * download (ranges included) from hosted, remote or virtual repositories, DELETE removes the file. Uses "create or add file to existing
 * version"; the repository's duplicate policy decides whether re-uploading a file is a 409
 * (`reject`, Gitea) or kept as a newer copy that downloads then serve (`keep`, GitLab).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { loadHostedSource } from "../../repositories/loader";
import { serveRead } from "../../virtual/serve";
import { parseGenericPath, type GenericCoordinates } from "./names";
import { INDEX_PATH } from "./repository-index";
import { genericProxy } from "./proxy";

export const genericRoutes = new Hono<AppEnv>();

function coordinates(c: Context<AppEnv>): GenericCoordinates {
  const raw = new URL(c.req.url).pathname;
  const prefix = `/generic/${c.req.param("repo") ?? ""}/`;
  const parsed = raw.startsWith(prefix) ? parseGenericPath(raw.slice(prefix.length)) : null;
  if (!parsed) throw new RegistryError("not_found", "expected /generic/{repo}/{package}/{version}/{filename}");
  return parsed;
}

const lower = (c: GenericCoordinates) => ({
  name: c.packageName.toLowerCase(),
  version: c.version.toLowerCase(),
  filename: c.filename.toLowerCase(),
});

function declaredLength(c: Context<AppEnv>): number | undefined {
  const header = c.req.header("Content-Length");
  if (header === undefined) return undefined;
  if (!/^\d+$/.test(header)) throw new RegistryError("bad_request", "Content-Length is not a number", { field: "Content-Length" });
  return Number(header);
}

function expectedSha256(c: Context<AppEnv>): string | undefined {
  const header = c.req.header("X-Checksum-Sha256");
  if (header === undefined) return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(header)) throw new RegistryError("bad_request", "X-Checksum-Sha256 must be 64 hex digits", { field: "X-Checksum-Sha256" });
  return header;
}

genericRoutes.put("/*", async (c) => {
  const coords = coordinates(c);
  const source = await loadHostedSource(c, "generic", "write");
  const keys = lower(coords);
  const keep = source.repository.settings.duplicates === "keep";
  if (!keep && (await source.findFile(keys.name, keys.version, keys.filename))) {
    throw new RegistryError("exists", `${coords.filename} already exists in ${coords.packageName} ${coords.version}`);
  }
  const declaredSize = declaredLength(c);
  const sha256 = expectedSha256(c);
  const blob = await source.storeBlob(c.req.raw.body, {
    ...(declaredSize === undefined ? {} : { declaredSize }),
    ...(sha256 === undefined ? {} : { expectedSha256: sha256 }),
  });
  await source.addFile(
    "create-or-add",
    {
      packageName: coords.packageName,
      lowerName: keys.name,
      version: coords.version,
      lowerVersion: keys.version,
      // Each kept duplicate is its own file row; the newest is served.
      file: { name: coords.filename, lowerName: keys.filename, compositeKey: keep ? crypto.randomUUID() : "", isLead: true },
    },
    blob,
  );
  return c.json(
    {
      package: coords.packageName,
      version: coords.version,
      file: coords.filename,
      size: blob.size,
      sha256: blob.sha256,
      sha1: blob.sha1,
      md5: blob.md5,
      sha512: blob.sha512,
    },
    201,
  );
});

genericRoutes.get("/*", async (c) => {
  if (new URL(c.req.url).pathname === `/generic/${c.req.param("repo") ?? ""}/${INDEX_PATH}`) return serveIndex(c);
  const coords = coordinates(c);
  const path = [coords.packageName, coords.version, coords.filename].map(encodeURIComponent).join("/");
  return serveRead(c, { name: "generic", proxy: genericProxy }, path, `${coords.packageName}/${coords.version}/${coords.filename} not found`);
});

/** The repository listing (./repository-index.ts); hosted repositories only. */
async function serveIndex(c: Context<AppEnv>): Promise<Response> {
  const source = await loadHostedSource(c, "generic", "read");
  const index = await source.repositoryIndex("index.json");
  if (!index) throw new RegistryError("not_found", "no index");
  return source.serveBlob(c.req.raw, index.blob, {
    contentType: "application/json; charset=utf-8",
    headers: { "Cache-Control": "no-cache", "X-Index-Revision": String(index.revision) },
  });
}

genericRoutes.delete("/*", async (c) => {
  const coords = coordinates(c);
  const source = await loadHostedSource(c, "generic", "write");
  const keys = lower(coords);
  await source.deleteFile(keys.name, keys.version, keys.filename, `${coords.packageName}/${coords.version}/${coords.filename}`);
  return c.body(null, 204);
});
