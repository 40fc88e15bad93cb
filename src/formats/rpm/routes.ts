/**
 * RPM repositories at `/rpm/{repo}/` with optional groups (docs/formats/rpm.md):
 * - `PUT  {group/}upload`: an `.rpm` (raw body) → 201; the repodata follows after the
 *   IndexBuilder's debounce;
 * - `DELETE {group/}package/{name}/{version}-{release}/{arch}` → 204;
 * - `GET|HEAD /rpm/{repo}.repo`, `{group}.repo`: the .repo file;
 * - `GET|HEAD repository.key`, `{group/}repodata/…`, `{group/}package/{name}/{file}.rpm`:
 *   through the engine (./proxy.ts); a virtual's key, repodata and the packages its
 *   repodata lists come from its own stored generation (./virtual.ts).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { declaredLength, pathAfterRepository } from "../../http/request-path";
import { loadHostedSource, loadRepository } from "../../repositories/loader";
import { serveRead } from "../../virtual/serve";
import { checkGroup, parseRpmPath, storedName } from "./paths";
import { rpmProxy } from "./proxy";
import { renderRepoFile } from "./repo-file";
import { handleRpmUpload } from "./upload";
import { serveVirtualRpm } from "./virtual";

export const rpmRoutes = new Hono<AppEnv>();

const restOf = (c: Context<AppEnv>): string => pathAfterRepository(c, "rpm");

async function repoFile(c: Context<AppEnv>, name: string, group: string): Promise<Response> {
  const { repository } = await loadRepository(c, "rpm", "read", { name });
  const text = renderRepoFile({ origin: new URL(c.req.url).origin, repository: repository.name, kind: repository.kind, group: checkGroup(group) });
  return new Response(c.req.method === "HEAD" ? null : text, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-cache" } });
}

// `/rpm/{repo}.repo`: the repository root's .repo file, beside the repository's directory.
rpmRoutes.get("/", async (c) => {
  const name = c.req.param("repo") ?? "";
  if (name.endsWith(".repo") && name.length > 5) return repoFile(c, name.slice(0, -5), "");
  throw new RegistryError("not_found", "not found: see /rpm/{repo}.repo and /rpm/{repo}/repodata/repomd.xml");
});

rpmRoutes.put("/*", async (c) => {
  const path = parseRpmPath(restOf(c));
  if (path?.kind !== "upload") throw new RegistryError("not_found", "upload with PUT /rpm/{repo}[/{group}]/upload");
  const source = await loadHostedSource(c, "rpm", "write");
  const { pkg, filename } = await handleRpmUpload(source, path.group, c.req.raw.body, declaredLength(c));
  return c.text(`uploaded ${filename} (epoch ${pkg.epoch}) to ${path.group ? `group ${path.group}` : "the repository root"}\n`, 201);
});

rpmRoutes.delete("/*", async (c) => {
  const path = parseRpmPath(restOf(c));
  if (path?.kind !== "delete") throw new RegistryError("not_found", "delete with DELETE /rpm/{repo}[/{group}]/package/{name}/{version}-{release}/{arch}");
  const { group, name, version, arch } = path;
  const source = await loadHostedSource(c, "rpm", "write");
  const stored = storedName(group, `${name}-${version}.${arch}.rpm`);
  await source.withPackageLock(name.toLowerCase(), () =>
    source.deleteFile(name.toLowerCase(), version.toLowerCase(), stored.toLowerCase(), `${name}-${version}.${arch}${group ? ` in ${group}` : ""}`),
  );
  return c.body(null, 204);
});

rpmRoutes.get("/*", async (c) => {
  const rest = restOf(c);
  const path = parseRpmPath(rest);
  if (path?.kind === "repo-file") return repoFile(c, c.req.param("repo") ?? "", path.group);
  const prefetched = c.var.repositoryPrefetch ? await c.var.repositoryPrefetch : null;
  // A virtual repository serves its own key and stored generation (./virtual.ts); the lookup is the prefetched row.
  if (prefetched?.repository.kind === "virtual" || !prefetched) {
    const answer = await serveVirtualRpm(c, path);
    if (answer) return answer;
  }
  return serveRead(c, { name: "rpm", proxy: rpmProxy }, rest, `${rest.slice(0, 200)} not found`);
});
