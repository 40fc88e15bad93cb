/**
 * NuGet at `/nuget/{repo}/` (source URL `https://host/nuget/{repo}/index.json`; v2 clients:
 * `https://host/nuget/{repo}/api/v2/`):
 * - `GET index.json` — the v3 service index (./service-index.ts);
 * - `PUT /`, `PUT api/v2/`, `PUT api/v2/package` — push (./publish.ts), 201;
 * - `DELETE|POST {id}/{version}` (also under `api/v2/` and `api/v2/package/`) — unlist/relist (./unlist.ts);
 * - `GET v3-flatcontainer/…`, `GET registration[-semver2]/…` — through serveRead (./proxy.ts);
 * - `GET query`, `GET autocomplete` — search (./search.ts); `GET api/v2/…` — the v2 feed (./v2.ts).
 * Errors: ./errors.ts.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { loadHostedReaders, loadHostedSource, loadRepository } from "../../repositories/loader";
import { serveRead } from "../../virtual/serve";
import { handlePush } from "./publish";
import { baseFromRequest, nugetProxy, parseNuGetPath } from "./proxy";
import { renderAutocomplete, renderSearch, searchOptions, searchPackages } from "./search";
import { serviceIndex } from "./service-index";
import { setListed } from "./unlist";
import { v2Response } from "./v2";

export const nugetRoutes = new Hono<AppEnv>();

const format = { name: "nuget", proxy: nugetProxy, challengeAnonymousReads: true };
const challenge = { challengeAnonymousReads: true };
const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" };

/** The raw (still percent-encoded) path after `/nuget/{repo}/`. */
function restOf(c: Context<AppEnv>): string {
  const raw = new URL(c.req.url).pathname;
  const prefix = `/nuget/${c.req.param("repo") ?? ""}`;
  return raw.startsWith(prefix) ? raw.slice(prefix.length).replace(/^\//, "") : "";
}

function decoded(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    return segment ?? "";
  }
}

nugetRoutes.get("/*", async (c) => {
  const rest = restOf(c);
  const base = baseFromRequest(c.req.raw);
  const query = (name: string) => c.req.query(name);
  if (rest === "index.json" || rest === "") {
    await loadRepository(c, "nuget", "read", challenge);
    return new Response(JSON.stringify(serviceIndex(base)), { headers: JSON_HEADERS });
  }
  if (rest === "query" || rest === "autocomplete") {
    await loadRepository(c, "nuget", "read", challenge);
    const readers = await loadHostedReaders(c, "nuget");
    const options = searchOptions(query);
    if (rest === "autocomplete") return new Response(await renderAutocomplete(readers, options, query("id")), { headers: JSON_HEADERS });
    return new Response(renderSearch(await searchPackages(readers, options), options, base), { headers: JSON_HEADERS });
  }
  const v2 = /^api\/v2(?:\/(.*))?$/.exec(rest);
  if (v2) {
    await loadRepository(c, "nuget", "read", challenge);
    const answer = await v2Response(decoded(v2[1] ?? ""), new URL(c.req.url), query, base, () => loadHostedReaders(c, "nuget"));
    if (answer) return answer;
    throw new RegistryError("not_found", "not a NuGet v2 feed path");
  }
  const parsed = parseNuGetPath(rest);
  if (!parsed) {
    await loadRepository(c, "nuget", "read", challenge);
    throw new RegistryError("not_found", "not a NuGet feed path");
  }
  const what = "version" in parsed ? `package ${parsed.id} ${parsed.version}` : `package ${parsed.id}`;
  return serveRead(c, format, rest, `${what} not found`);
});

const PUBLISH = /^(?:api\/v2\/?(?:package\/?)?)?$/;
const VERSION_PATH = /^(?:api\/v2\/(?:package\/)?)?([^/]+)\/([^/]+)\/?$/;

nugetRoutes.put("/*", async (c) => {
  const rest = restOf(c);
  if (!PUBLISH.test(rest)) {
    await loadRepository(c, "nuget", "read", challenge);
    throw new RegistryError("not_found", "push to the package source's root (PUT /nuget/{repo}/)");
  }
  const source = await loadHostedSource(c, "nuget", "write");
  await handlePush(source, c.req.raw);
  return c.body(null, 201);
});

async function listing(c: Context<AppEnv>, listed: boolean): Promise<Response> {
  const match = VERSION_PATH.exec(restOf(c));
  if (!match) {
    await loadRepository(c, "nuget", "read", challenge);
    throw new RegistryError("not_found", "not a package version path ({id}/{version})");
  }
  const source = await loadHostedSource(c, "nuget", "write");
  await setListed(source, decoded(match[1]), decoded(match[2]), listed);
  return c.body(null, listed ? 200 : 204);
}

nugetRoutes.delete("/*", (c) => listing(c, false));
nugetRoutes.post("/*", (c) => listing(c, true));
