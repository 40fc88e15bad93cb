/**
 * Debian (apt) repositories at `/debian/{repo}/` (docs/formats/debian.md):
 * - `PUT  pool/{distribution}/{component}/upload`: a `.deb` (raw body) → 201; the index
 *   follows after the IndexBuilder's debounce;
 * - `DELETE pool/{distribution}/{component}/{name}/{version}/{architecture}` → 204;
 * - `GET|HEAD repository.key`, `dists/…` (Release, InRelease, Release.gpg, Packages{,.gz,.xz},
 *   by-hash) and `pool/…/{name}_{version}_{arch}.deb`: through the engine (./proxy.ts).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { declaredLength, pathAfterRepository } from "../../http/request-path";
import { loadHostedSource } from "../../repositories/loader";
import { serveRead } from "../../virtual/serve";
import { isArchitecture, isPackageName, isPackageVersion } from "./control";
import { checkDistributionComponent, storedName } from "./paths";
import { debianProxy } from "./proxy";
import { handleDebUpload } from "./upload";
import { serveVirtualDebian } from "./virtual";

export const debianRoutes = new Hono<AppEnv>();

const restOf = (c: Context<AppEnv>): string => pathAfterRepository(c, "debian");

debianRoutes.put("/pool/:distribution/:component/upload", async (c) => {
  const distribution = c.req.param("distribution");
  const component = c.req.param("component");
  checkDistributionComponent(distribution, component);
  const source = await loadHostedSource(c, "debian", "write");
  const control = await handleDebUpload(source, distribution, component, c.req.raw.body, declaredLength(c));
  return c.text(`uploaded ${control.name} ${control.version} (${control.architecture}) to ${distribution}/${component}\n`, 201);
});

debianRoutes.delete("/pool/:distribution/:component/:name/:version/:architecture", async (c) => {
  const { distribution, component, name, version, architecture } = c.req.param();
  checkDistributionComponent(distribution, component);
  if (!isPackageName(name) || !isPackageVersion(version) || !isArchitecture(architecture)) throw new RegistryError("bad_request", "invalid package name, version or architecture");
  const source = await loadHostedSource(c, "debian", "write");
  const stored = storedName(distribution, component, name, version, architecture);
  await source.withPackageLock(name, () => source.deleteFile(name, version.toLowerCase(), stored.toLowerCase(), `${name} ${version} (${architecture}) in ${distribution}/${component}`));
  return c.body(null, 204);
});

debianRoutes.get("/*", async (c) => {
  const rest = restOf(c);
  const prefetched = c.var.repositoryPrefetch ? await c.var.repositoryPrefetch : null;
  // A virtual repository serves its own signed generation (./virtual.ts); the lookup is the prefetched row.
  if (prefetched?.repository.kind === "virtual" || !prefetched) {
    const answer = await serveVirtualDebian(c, rest);
    if (answer) return answer;
  }
  return serveRead(c, { name: "debian", proxy: debianProxy }, rest, `${rest.slice(0, 200)} not found`);
});
