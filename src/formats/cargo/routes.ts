/**
 * Cargo at `/cargo/{repo}/` (sparse registry `sparse+https://host/cargo/{repo}/index/`):
 * - `GET index/config.json` (./api.ts) and `GET index/{prefix}/{name}` (the index file);
 * - `GET api/v1/crates/{name}/{version}/download` (the `.crate`);
 * - `PUT api/v1/crates/new` (`cargo publish`, ./publish.ts);
 * - `DELETE api/v1/crates/{name}/{version}/yank`, `PUT …/unyank` (./yank.ts);
 * - `GET api/v1/crates?q=&per_page=` (search), `GET api/v1/crates/{name}/owners`.
 * Index files and downloads go through serveRead, so remote and virtual repositories use the
 * same paths. Every error is cargo's `{"errors":[{"detail":…}]}` (./errors.ts).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { loadHostedReaders, loadHostedSource, loadRepository } from "../../repositories/loader";
import { serveRead, servedBase } from "../../virtual/serve";
import { indexConfig, ownersOf, searchCrates } from "./api";
import { cargoProxy, parseCargoPath } from "./proxy";
import { handlePublish } from "./publish";
import { setYanked } from "./yank";

export const cargoRoutes = new Hono<AppEnv>();

const format = { name: "cargo", proxy: cargoProxy, challengeAnonymousReads: true };
const challenge = { challengeAnonymousReads: true };

/** The raw (still percent-encoded) path after `/cargo/{repo}/`. */
function restOf(c: Context<AppEnv>): string {
  const raw = new URL(c.req.url).pathname;
  const prefix = `/cargo/${c.req.param("repo") ?? ""}/`;
  return raw.startsWith(prefix) ? raw.slice(prefix.length) : "";
}

function decoded(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    return segment ?? "";
  }
}

cargoRoutes.get("/*", async (c) => {
  const rest = restOf(c);
  if (rest === "index/config.json") {
    const { repository } = await loadRepository(c, "cargo", "read", challenge);
    return c.json(indexConfig(repository, servedBase(c.req.raw, rest)), 200, { "Cache-Control": "max-age=0, must-revalidate" });
  }
  if (rest === "api/v1/crates") {
    await loadRepository(c, "cargo", "read", challenge); // anonymous: cargo's challenge, not a 404
    const sources = await loadHostedReaders(c, "cargo");
    const perPage = Math.min(Math.max(Number.parseInt(c.req.query("per_page") ?? "10", 10) || 10, 1), 100);
    return c.json(await searchCrates(sources, c.req.query("q") ?? "", perPage));
  }
  const owners = /^api\/v1\/crates\/([^/]+)\/owners$/.exec(rest);
  if (owners) {
    const { repository } = await loadRepository(c, "cargo", "read", challenge);
    return c.json(ownersOf(repository));
  }
  const parsed = parseCargoPath(rest);
  if (!parsed) {
    await loadRepository(c, "cargo", "read", challenge);
    throw new RegistryError("not_found", rest.startsWith("index/") ? "not a crate's index file (index/{prefix}/{name}, lower case)" : "not a Cargo registry path");
  }
  const what = parsed.kind === "index" ? `crate \`${parsed.name}\`` : `crate \`${parsed.name}@${parsed.version}\``;
  return serveRead(c, format, rest, `${what} does not exist`);
});

cargoRoutes.put("/*", async (c) => {
  const rest = restOf(c);
  if (rest === "api/v1/crates/new") {
    const source = await loadHostedSource(c, "cargo", "write");
    const published = await handlePublish(source, c.req.raw.body);
    return c.json({ warnings: { invalid_categories: [], invalid_badges: [], other: [] }, ok: true, crate: { name: published.name, vers: published.vers } });
  }
  const unyank = /^api\/v1\/crates\/([^/]+)\/([^/]+)\/unyank$/.exec(rest);
  if (unyank) {
    const source = await loadHostedSource(c, "cargo", "write");
    await setYanked(source, decoded(unyank[1]), decoded(unyank[2]), false);
    return c.json({ ok: true });
  }
  return ownerChange(c, rest);
});

cargoRoutes.delete("/*", async (c) => {
  const rest = restOf(c);
  const yank = /^api\/v1\/crates\/([^/]+)\/([^/]+)\/yank$/.exec(rest);
  if (yank) {
    const source = await loadHostedSource(c, "cargo", "write");
    await setYanked(source, decoded(yank[1]), decoded(yank[2]), true);
    return c.json({ ok: true });
  }
  return ownerChange(c, rest);
});

/** `cargo owner --add/--remove`: access is per repository here, not per crate. */
async function ownerChange(c: Context<AppEnv>, rest: string): Promise<Response> {
  if (!/^api\/v1\/crates\/[^/]+\/owners$/.test(rest)) {
    await loadRepository(c, "cargo", "read", challenge);
    throw new RegistryError("not_found", "not a Cargo registry path");
  }
  await loadHostedSource(c, "cargo", "write");
  throw new RegistryError("method_not_allowed", "crate owners are not managed per crate here: grant write access to the repository instead");
}
