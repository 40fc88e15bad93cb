/**
 * The distribution-spec v1.1 routes under `/v2` (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#endpoints).
 * Image names contain slashes, so one catch-all route parses the path (names.ts) and
 * dispatches by endpoint and method; a registry token (JWT from `/v2/token`) becomes the
 * request's principal first (registry-auth.ts).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { cancelUpload, finishUpload, patchUpload, startUpload, uploadStatus } from "./uploads";
import { deleteBlobRoute, getBlob } from "./blobs";
import { OciError } from "./errors";
import { API_VERSION_HEADER } from "./headers";
import { catalog, listReferrers, listTags } from "./listings";
import { deleteManifestRoute, getManifest, putManifestRoute } from "./manifests";
import { parseOciPath, type OciPath } from "./names";
import { registryTokenAuthentication } from "./registry-auth";
import { tokenGet } from "./token";

export const ociRoutes = new Hono<AppEnv>();

ociRoutes.use(async function ociApiVersionHeader(c, next) {
  await next();
  c.header("Docker-Distribution-API-Version", API_VERSION_HEADER["Docker-Distribution-API-Version"]);
});
ociRoutes.use(registryTokenAuthentication());

type Handler = (c: Context<AppEnv>) => Promise<Response> | Response;

function base(c: Context<AppEnv>): Response {
  // `GET /v2/` tells clients whether they are authenticated: anonymous callers get the challenge.
  if (c.var.principal.kind === "anonymous") throw new RegistryError("unauthorized", "authentication required");
  return c.json({});
}

function handlerFor(path: OciPath, method: string): Handler | null {
  const read = method === "GET" || method === "HEAD";
  switch (path.kind) {
    case "base":
      return read ? base : null;
    case "token":
      return method === "GET" ? tokenGet : null;
    case "catalog":
      return method === "GET" ? catalog : null;
    case "manifest":
      if (read) return (c) => getManifest(c, path);
      if (method === "PUT") return (c) => putManifestRoute(c, path);
      return method === "DELETE" ? (c) => deleteManifestRoute(c, path) : null;
    case "blob":
      if (read) return (c) => getBlob(c, path);
      return method === "DELETE" ? (c) => deleteBlobRoute(c, path) : null;
    case "uploads":
      return method === "POST" ? (c) => startUpload(c, path) : null;
    case "upload":
      if (read) return (c) => uploadStatus(c, path);
      if (method === "PATCH") return (c) => patchUpload(c, path);
      if (method === "PUT") return (c) => finishUpload(c, path);
      return method === "DELETE" ? (c) => cancelUpload(c, path) : null;
    case "tags":
      return method === "GET" ? (c) => listTags(c, path) : null;
    case "referrers":
      return method === "GET" ? (c) => listReferrers(c, path) : null;
  }
}

ociRoutes.all("/*", async function ociDispatch(c) {
  const pathname = new URL(c.req.url).pathname;
  const path = parseOciPath(pathname === "/v2" ? "" : pathname.slice("/v2/".length));
  if (!path) throw new OciError("NAME_UNKNOWN", `no endpoint ${pathname.slice(0, 200)}`);
  const handler = handlerFor(path, c.req.method.toUpperCase());
  if (!handler) throw new OciError("UNSUPPORTED", `${c.req.method} is not supported on ${pathname.slice(0, 200)}`);
  return handler(c);
});
