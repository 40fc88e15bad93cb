/**
 * The npm registry protocol at `/npm/{repo}/` (clients set `registry=https://host/npm/{repo}/`);
 * the URL space is in paths.ts. Reads work on every kind (remote and virtual through
 * ./virtual/serve.ts); writes go to a hosted repository or a virtual repository's deploy
 * member (remote: 405). Names are validated before the repository is
 * looked up, so a bad name is a 400 wherever it is sent.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { HostedSource } from "../../repositories/hosted-source";
import { loadHostedReaders, loadHostedSource, loadRepository } from "../../repositories/loader";
import { cachedRead } from "../../virtual/serve";
import { parseDocument, readBody } from "./document";
import { validateNpmName } from "./names";
import { parseNpmPath, type NpmRoute } from "./paths";
import { publishVersion } from "./publish";
import { scanPublishBody } from "./publish-body";
import { serveHostedPackument, serveTarball, serveVersion } from "./read";
import { search } from "./search";
import { listTags, removeTag, setTag } from "./tags";
import { unpublishPackage, unpublishTarball } from "./unpublish";
import { updatePackument } from "./update";
import { serveProxiedDistTags, serveProxiedPackument, serveProxiedTarball, serveProxiedVersion } from "./virtual/serve";
import { login, ping, whoami } from "./user";

export const npmRoutes = new Hono<AppEnv>();

function route(c: Context<AppEnv>): NpmRoute {
  const raw = new URL(c.req.url).pathname;
  const prefix = `/npm/${c.req.param("repo") ?? ""}/`;
  const parsed = raw.startsWith(prefix) ? parseNpmPath(raw.slice(prefix.length)) : null;
  if (!parsed) throw new RegistryError("not_found", `no npm endpoint at ${c.req.method} ${raw}`);
  return parsed;
}

function notAllowed(c: Context<AppEnv>): never {
  throw new RegistryError("method_not_allowed", `${c.req.method} is not supported here`);
}

const hosted = (c: Context<AppEnv>, access: "read" | "write") => loadHostedSource(c, "npm", access);

/** Packuments, version documents and tarballs from any kind of repository. */
async function serveRead(c: Context<AppEnv>, r: Extract<NpmRoute, { kind: "packument" | "version" | "tarball" }>): Promise<Response> {
  const name = validateNpmName(r.name, "existing");
  const { repository, context } = await loadRepository(c, "npm", "read");
  if (repository.kind === "hosted") {
    // Warm answers from the isolate's read cache, keyed on the repository revision (src/virtual/read-cache.ts).
    return cachedRead(c, repository, context, (ctx) => {
      const source = new HostedSource(repository, ctx);
      // Hosted packuments are stored per package revision: no rebuild per request.
      if (r.kind === "packument") return serveHostedPackument(c, source, name);
      if (r.kind === "version") return serveVersion(c, source, name, r.spec);
      return serveTarball(c, source, name, r.filename);
    });
  }
  if (r.kind === "packument") return serveProxiedPackument(c, repository, context, name);
  if (r.kind === "version") return serveProxiedVersion(c, repository, context, name, r.spec);
  return serveProxiedTarball(c, repository, context, name, r.filename);
}

npmRoutes.get("/*", async (c) => {
  const r = route(c);
  switch (r.kind) {
    case "whoami":
      return whoami(c);
    case "ping":
      return ping(c);
    case "search":
      return search(c, await loadHostedReaders(c, "npm"));
    case "packument":
    case "version":
    case "tarball":
      return serveRead(c, r);
    case "dist-tags": {
      const name = validateNpmName(r.name, "existing");
      if (r.tag !== null) return notAllowed(c);
      const { repository, context } = await loadRepository(c, "npm", "read");
      if (repository.kind !== "hosted") return serveProxiedDistTags(c, repository, context, name);
      return listTags(c, new HostedSource(repository, context), name);
    }
    default:
      return notAllowed(c);
  }
});

npmRoutes.put("/*", async (c) => {
  const r = route(c);
  if (r.kind === "login") return login(c, r.username);
  if (r.kind === "dist-tags") {
    const name = validateNpmName(r.name, "existing");
    if (r.tag === null) return notAllowed(c);
    return setTag(c, await hosted(c, "write"), name, r.tag);
  }
  if (r.kind !== "packument" && r.kind !== "revision") return notAllowed(c);
  const name = validateNpmName(r.name, "existing");
  const source = await hosted(c, "write");
  const body = await readBody(c.req.raw);
  const scanned = scanPublishBody(body);
  const doc = parseDocument(scanned.document, name.name);
  if (r.kind === "packument" && scanned.attachments.length > 0) return publishVersion(c, source, name, doc, body, scanned.attachments);
  if (scanned.attachments.length > 0) throw new RegistryError("bad_request", "attachments are only accepted by PUT /{name}", { field: "_attachments" });
  return updatePackument(c, source, name, doc, r.kind === "revision" ? r.rev : undefined);
});

npmRoutes.delete("/*", async (c) => {
  const r = route(c);
  if (r.kind === "revision") return unpublishPackage(c, await hosted(c, "write"), validateNpmName(r.name, "existing"), r.rev);
  if (r.kind === "tarball-revision") return unpublishTarball(c, await hosted(c, "write"), validateNpmName(r.name, "existing"), r.filename, r.rev);
  if (r.kind === "dist-tags" && r.tag !== null) return removeTag(c, await hosted(c, "write"), validateNpmName(r.name, "existing"), r.tag);
  return notAllowed(c);
});

npmRoutes.all("/*", (c) => {
  route(c);
  return notAllowed(c);
});
