/**
 * Maven repositories at `/maven/{repo}/{group path}/{artifactId}/{version}/{file}`:
 * PUT deploys to a hosted repository (or a virtual one's deploy member; see deploy.ts),
 * GET/HEAD go through the remote/virtual engine (serveRead), which answers hosted
 * repositories with files, checksums and server-computed maven-metadata.xml (read.ts).
 * Paths are validated before anything is read or stored (400 for bad coordinates).
 * Anonymous reads of a private repository get a 401 Basic challenge, because Maven only
 * sends credentials after one.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { loadHostedSource } from "../../repositories/loader";
import { serveRead } from "../../virtual/serve";
import { decodeMavenPath, mavenCoordinates } from "./classify";
import { deployMaven } from "./deploy";
import { mavenProxy } from "./proxy";

export const mavenRoutes = new Hono<AppEnv>();

/** The still percent-encoded path after `/maven/{repo}/`. */
function rawRepositoryPath(c: Context<AppEnv>): string {
  const raw = new URL(c.req.url).pathname;
  const prefix = `/maven/${c.req.param("repo") ?? ""}/`;
  if (!raw.startsWith(prefix)) throw new RegistryError("not_found", "expected /maven/{repo}/{group path}/{artifactId}/{version}/{file}");
  return raw.slice(prefix.length);
}

mavenRoutes.put("/*", async (c) => {
  const coords = mavenCoordinates(decodeMavenPath(rawRepositoryPath(c)));
  const source = await loadHostedSource(c, "maven", "write");
  return deployMaven(source, coords, c.req.raw);
});

mavenRoutes.get("/*", async (c) => {
  const path = rawRepositoryPath(c);
  // Directory URLs (a browser, never Maven itself): no listings, so not found.
  if (path === "" || path.endsWith("/")) throw new RegistryError("not_found", "directory listings are not served");
  mavenCoordinates(decodeMavenPath(path));
  return serveRead(c, { name: "maven", challengeAnonymousReads: true, proxy: mavenProxy }, path, `${decodeMavenPath(path)} not found`);
});

mavenRoutes.all("/*", () => {
  throw new RegistryError("method_not_allowed", "Maven repositories accept GET, HEAD and PUT", { headers: { Allow: "GET, HEAD, PUT" } });
});
