/**
 * Go under the remote/virtual engine (src/virtual/engine.ts). Paths are the GOPROXY
 * protocol's (./paths.ts), the same upstream as here, so a remote relays them unchanged:
 *
 * | path                               | target                                              |
 * |------------------------------------|-----------------------------------------------------|
 * | `{module}/@v/list`                 | metadata; virtual: members' lists unioned per request ("go-list") |
 * | `{module}/@latest`                 | metadata; virtual: the highest members' answer ("go-latest")      |
 * | `{module}/@v/{version}.info`       | artifact for a canonical version (immutable), metadata for a query (`master.info`) |
 * | `{module}/@v/{version}.mod`/`.zip` | artifact (immutable)                                |
 *
 * The shielding key is the escaped module path: a module a hosted member has is never taken
 * from a remote member of the same virtual repository (dependency confusion).
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { registerRecipe } from "../../virtual/derived-document";
import type { DocumentRecipe, ProxySpec, ProxyTarget } from "../types";
import { parseGoPath, type GoPath } from "./paths";
import { moduleKeys } from "./upload";
import { compareGoVersions, latestOf, parseInfo, parseVersionList, renderInfo, renderVersionList } from "./versions";

const TEXT = "text/plain; charset=utf-8";
const JSON_TYPE = "application/json";
const LIST_RECIPE = "go-list";
const LATEST_RECIPE = "go-latest";

function textResponse(request: Request, body: string, contentType: string): Response {
  return new Response(request.method === "HEAD" ? null : body, { headers: { "Content-Type": contentType, "Cache-Control": "no-cache" } });
}

/** The hosted versions of a module (escaped key), with their creation times; null when none. */
async function hostedVersions(source: HostedSource, key: string): Promise<{ version: string; createdAt: number }[] | null> {
  const found = await source.listPackageVersions(key);
  if (!found || found.versions.length === 0) return null;
  return found.versions.map((v) => ({ version: v.version, createdAt: v.createdAt }));
}

async function hostedList(source: HostedSource, key: string): Promise<string | null> {
  const versions = await hostedVersions(source, key);
  return versions && renderVersionList(versions.map((v) => v.version));
}

async function hostedLatest(source: HostedSource, key: string): Promise<string | null> {
  const versions = await hostedVersions(source, key);
  const latest = versions && latestOf(versions.map((v) => v.version));
  if (!versions || !latest) return null;
  return renderInfo(latest, versions.find((v) => v.version === latest)?.createdAt ?? null);
}

export async function readHostedGo(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null> {
  const parsed = parseGoPath(target.path);
  if (!parsed) return null;
  if (parsed.kind === "list") {
    const text = await hostedList(source, parsed.key);
    return text === null ? null : textResponse(request, text, TEXT);
  }
  if (parsed.kind === "latest") {
    const text = await hostedLatest(source, parsed.key);
    return text === null ? null : textResponse(request, text, JSON_TYPE);
  }
  if (!parsed.canonical) return null;
  const { lowerName, lowerVersion } = moduleKeys(parsed.module, parsed.version);
  if (parsed.kind === "info") {
    const found = await source.listVersionFiles(lowerName, lowerVersion);
    const zip = found?.files.find((f) => f.file.lowerName === `${lowerVersion}.zip`);
    return zip ? textResponse(request, renderInfo(parsed.version, zip.file.createdAt), JSON_TYPE) : null;
  }
  const found = await source.findFile(lowerName, lowerVersion, `${lowerVersion}.${parsed.kind}`);
  if (!found) return null;
  return source.serveFile(request, found, { contentType: parsed.kind === "zip" ? "application/zip" : TEXT, headers: { "X-Checksum-Sha256": found.blob.sha256 } });
}

/** `@v/list` of a virtual repository: every member's versions, sorted, merged per request. */
const listRecipe: DocumentRecipe = {
  precomputed: false,
  hostedText: (source, _target, params) => hostedList(source, String(params.key)),
  merge(documents) {
    if (documents.length === 0) return null;
    return { text: renderVersionList(documents.flatMap((d) => parseVersionList(d.text))) };
  },
};
registerRecipe(LIST_RECIPE, listRecipe);

/** `@latest` of a virtual repository: the members' answer with the highest version (release over prerelease over pseudo). */
const latestRecipe: DocumentRecipe = {
  precomputed: false,
  hostedText: (source, _target, params) => hostedLatest(source, String(params.key)),
  merge(documents) {
    const infos = documents.map((d) => parseInfo(d.text)).filter((i) => i !== null);
    const best = latestOf(infos.map((i) => i.Version));
    const chosen = infos.filter((i) => i.Version === best).sort((a, b) => compareGoVersions(a.Version, b.Version))[0];
    return chosen ? { text: JSON.stringify(chosen) } : null;
  },
};
registerRecipe(LATEST_RECIPE, latestRecipe);

function documentFor(parsed: GoPath, path: string): ProxyTarget["document"] {
  if (parsed.kind === "list") return { recipe: LIST_RECIPE, key: `go:list:${parsed.key}`, contentType: TEXT, headers: { "Cache-Control": "no-cache" }, params: { key: parsed.key } };
  if (parsed.kind === "latest") return { recipe: LATEST_RECIPE, key: `go:latest:${parsed.key}`, contentType: JSON_TYPE, headers: { "Cache-Control": "no-cache" }, params: { key: parsed.key, path } };
  return undefined;
}

export function classifyGoPath(path: string): ProxyTarget | null {
  const parsed = parseGoPath(path);
  if (!parsed) return null;
  const document = documentFor(parsed, path);
  if (document) return { kind: "metadata", path, packageKey: parsed.key, document };
  const immutable = parsed.kind !== "info" || parsed.canonical;
  return { kind: immutable ? "artifact" : "metadata", path, packageKey: parsed.key };
}

export const goProxy: ProxySpec = {
  classify: (path) => classifyGoPath(path),
  readHosted: readHostedGo,
};
