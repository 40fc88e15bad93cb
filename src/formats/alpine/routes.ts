/**
 * Alpine (apk) repositories at `/alpine/{repo}/` (docs/formats/alpine.md):
 * - `GET|HEAD /alpine/{repo}/key`: the current public key (PEM), named by `Content-Disposition`
 *   as apk wants it in `/etc/apk/keys/`; `GET /alpine/{repo}/keys/{keyname}` any key by name
 *   (retired keys too);
 * - `PUT /alpine/{repo}/{branch}/{repository}`: upload an `.apk` (raw body) → 201;
 * - `GET|HEAD /alpine/{repo}/{branch}/{repository}/{arch}/APKINDEX.tar.gz`: the signed index;
 * - `GET|HEAD /alpine/{repo}/{branch}/{repository}/{arch}/{name}-{version}.apk`: a package
 *   (both through the engine, except a virtual's, served from its stored document: ./virtual.ts);
 * - `DELETE /alpine/{repo}/{branch}/{repository}/{arch}/{name}-{version}.apk` → 204.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { declaredLength, pathAfterRepository } from "../../http/request-path";
import { loadHostedSource, loadRepository } from "../../repositories/loader";
import type { Repository } from "../../repositories/model";
import { type SigningKeyStore, signingKeysFor } from "../../signing/key-store";
import { rsaKind } from "../../signing/rsa";
import { serveTarget } from "../../virtual/serve";
import { findPublicKey, KEY_CONTENT_TYPE, keyName } from "./keys";
import { alpineProxy, apkPlace, apkTarget, indexPlace, indexTarget } from "./proxy";
import { handleApkUpload } from "./upload";
import { serveVirtualAlpine } from "./virtual";

export const alpineRoutes = new Hono<AppEnv>();

const restOf = (c: Context<AppEnv>): string => pathAfterRepository(c, "alpine");

function keyResponse(c: Context<AppEnv>, name: string, pem: string): Response {
  const headers = { "Content-Type": KEY_CONTENT_TYPE, "Content-Disposition": `attachment; filename="${name}"`, "X-Apk-Key-Name": name };
  return new Response(c.req.method === "HEAD" ? null : pem, { headers });
}

/** The repository's key store; a remote repository has none (it passes its upstream's signatures through). */
async function keyStore(c: Context<AppEnv>): Promise<{ repository: Repository; keys: SigningKeyStore }> {
  const { repository, context } = await loadRepository(c, "alpine", "read");
  if (repository.kind === "remote") throw new RegistryError("not_found", `remote repository ${repository.name} has no key of its own: it serves its upstream's signatures`);
  return { repository, keys: signingKeysFor(repository, context) };
}

alpineRoutes.on(["GET", "HEAD"], "/key", async (c) => {
  const { repository, keys } = await keyStore(c);
  const key = await keys.publicKey(rsaKind);
  return keyResponse(c, keyName(repository.name, key.fingerprint), key.publicKey);
});

alpineRoutes.on(["GET", "HEAD"], "/keys/:name", async (c) => {
  const { repository, keys } = await keyStore(c);
  const name = c.req.param("name");
  const key = await findPublicKey(keys, repository.name, name);
  if (!key) throw new RegistryError("not_found", `no key ${name.slice(0, 120)}`);
  return keyResponse(c, name, key.publicKey);
});

alpineRoutes.put("/:branch/:repository", async (c) => {
  const source = await loadHostedSource(c, "alpine", "write");
  await handleApkUpload(source, c.req.param("branch"), c.req.param("repository"), c.req.raw.body, declaredLength(c));
  return c.body(null, 201);
});

alpineRoutes.delete("/:branch/:repository/:arch/:filename", async (c) => {
  const source = await loadHostedSource(c, "alpine", "write");
  const place = apkPlace(restOf(c));
  if (!place) throw new RegistryError("not_found", `${restOf(c).slice(0, 200)}: not a package file`);
  const stored = `${place.branch}/${place.repository}/${place.arch}/${place.filename}`;
  await source.deleteFile(place.name.toLowerCase(), place.version.toLowerCase(), stored.toLowerCase(), stored);
  return c.body(null, 204);
});

alpineRoutes.on(["GET", "HEAD"], "/*", async (c) => {
  const rest = restOf(c);
  const index = indexPlace(rest);
  const isApk = index === null && apkPlace(rest) !== null;
  const notFound = index ? `${rest.slice(0, 200)}: no such index` : `${rest.slice(0, 200)} not found`;
  if (!index && !isApk) {
    await loadRepository(c, "alpine", "read");
    throw new RegistryError("not_found", notFound);
  }
  const prefetched = c.var.repositoryPrefetch ? await c.var.repositoryPrefetch : null;
  // A virtual repository serves its own stored index document (./virtual.ts); the lookup is the prefetched row.
  if (prefetched?.repository.kind === "virtual" || !prefetched) {
    const answer = await serveVirtualAlpine(c, rest);
    if (answer) return answer;
  }
  const { repository, context } = await loadRepository(c, "alpine", "read");
  const target = index ? indexTarget(index) : apkTarget(rest);
  const response = target ? await serveTarget(c, alpineProxy, repository, context, target) : null;
  if (!response) throw new RegistryError("not_found", notFound);
  return response;
});
