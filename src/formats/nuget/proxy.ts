/**
 * NuGet under the remote/virtual engine (src/virtual/engine.ts). Paths are relative to
 * `/nuget/{repo}/`; the shielding key is the lower-case package id everywhere.
 *
 * | path                                              | target                                             |
 * |---------------------------------------------------|----------------------------------------------------|
 * | `v3-flatcontainer/{id}/index.json`                | metadata; virtual: version lists merged (union)    |
 * | `v3-flatcontainer/{id}/{v}/{id}.{v}.nupkg`, `….nuspec` | artifact (immutable)                          |
 * | `{hive}/{id}/index.json`                          | metadata; remote: rewritten; virtual: merged        |
 * | `{hive}/{id}/page/{lower}/{upper}.json`, `{hive}/{id}/{v}.json` | metadata; first member's copy, rewritten |
 *
 * `{hive}` is `registration` (SemVer 1 versions) or `registration-semver2`. A remote member's
 * URL is the folder of an upstream v3 service index (`https://api.nuget.org/v3/`): each
 * target is located through `index.json` there (`ProxyTarget.locate`), whose resources may
 * be on other hosts; the flat container resource gives `.nupkg`/`.nuspec`/`index.json`, the
 * registration resource the registration documents (pages at NuGet.org's
 * `{id}/page/{lower}/{upper}.json`).
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { registerRecipe } from "../../virtual/derived-document";
import type { DocumentRecipe, ProxySpec, ProxyTarget, UpstreamLocator } from "../types";
import { JSON_TYPE, storedDocumentText, type DocumentName } from "./documents";
import { baseOf, type Hive } from "./registration";
import { firstRewritten, mergeFlatIndexes, mergeRegistrationIndexes, type RegistrationParams } from "./registration-merge";
import { resourceBase, type ResourceKind } from "./service-index";
import { nupkgFilename, nuspecFilename } from "./stored";
import { isValidPackageId, normalizeNuGetVersion } from "./versions";

export type NuGetPath =
  | { kind: "flat-index"; id: string }
  | { kind: "nupkg" | "nuspec"; id: string; version: string }
  | { kind: "registration"; hive: Hive; id: string }
  | { kind: "page"; hive: Hive; id: string; range: string }
  | { kind: "leaf"; hive: Hive; id: string; version: string };

function decode(segment: string | undefined): string | null {
  try {
    return segment === undefined ? null : decodeURIComponent(segment);
  } catch {
    return null;
  }
}

const lowerVersion = (v: string | null): string | null => (v === null ? null : (normalizeNuGetVersion(v)?.toLowerCase() ?? null));

/** Parses a repository-relative, still percent-encoded read path; null when it is none of ours. */
export function parseNuGetPath(path: string): NuGetPath | null {
  const s = path.split("/").map(decode);
  if (s.some((x) => x === null)) return null;
  const [root, rawId] = s as string[];
  if (!rawId || !isValidPackageId(rawId)) return null;
  const id = rawId.toLowerCase();
  if (root === "v3-flatcontainer") {
    if (s.length === 3 && s[2] === "index.json") return { kind: "flat-index", id };
    const version = lowerVersion(s[2] ?? null);
    if (s.length !== 4 || !version) return null;
    const file = (s[3] ?? "").toLowerCase();
    if (file === nupkgFilename(id, version)) return { kind: "nupkg", id, version };
    if (file === nuspecFilename(id)) return { kind: "nuspec", id, version };
    return null;
  }
  if (root !== "registration" && root !== "registration-semver2") return null;
  const hive: Hive = root;
  if (s.length === 3 && s[2] === "index.json") return { kind: "registration", hive, id };
  if (s.length === 3 && s[2]?.endsWith(".json")) {
    const version = lowerVersion(s[2].slice(0, -".json".length));
    return version ? { kind: "leaf", hive, id, version } : null;
  }
  if (s.length === 5 && s[2] === "page" && s[4]?.endsWith(".json")) {
    const lower = lowerVersion(s[3] ?? null);
    const upper = lowerVersion(s[4].slice(0, -".json".length));
    return lower && upper ? { kind: "page", hive, id, range: `${lower}/${upper}` } : null;
  }
  return null;
}

const REGISTRATION_RECIPE = "nuget-registration";
const REGISTRATION_DOCUMENT_RECIPE = "nuget-registration-document";
const FLAT_RECIPE = "nuget-flat-index";
const HEADERS = { "Cache-Control": "no-cache" };

const SERVICE_INDEX: Pick<ProxyTarget, "path" | "key" | "upstream" | "accept"> = { path: "index.json", key: "index.json", upstream: "index.json", accept: "application/json" };

function locator(kind: ResourceKind, rest: string): UpstreamLocator {
  return {
    via: SERVICE_INDEX,
    resolve: (text) => {
      const base = resourceBase(text, kind);
      return base ? `${base}${rest}` : null;
    },
  };
}

function documentName(parsed: NuGetPath): DocumentName | null {
  switch (parsed.kind) {
    case "flat-index":
      return { kind: "flat" };
    case "registration":
      return { kind: "index", hive: parsed.hive };
    case "page":
      return { kind: "page", hive: parsed.hive, range: parsed.range };
    case "leaf":
      return { kind: "leaf", hive: parsed.hive, version: parsed.version };
    default:
      return null;
  }
}

function paramsOf(target: ProxyTarget, params: Record<string, unknown>): { parsed: NuGetPath | null; base: string } {
  return { parsed: parseNuGetPath(target.path), base: String(params.base ?? "") };
}

async function hostedText(source: HostedSource, target: ProxyTarget, params: Record<string, unknown>): Promise<string | null> {
  const { parsed, base } = paramsOf(target, params);
  const name = parsed ? documentName(parsed) : null;
  return parsed && name ? storedDocumentText(source, parsed.id, name, base) : null;
}

const registrationRecipe: DocumentRecipe = {
  precomputed: false,
  rewritesRemote: true,
  hostedText,
  merge: (documents, params, now) => mergeRegistrationIndexes(documents, params as unknown as RegistrationParams, now),
};
const registrationDocumentRecipe: DocumentRecipe = {
  precomputed: false,
  rewritesRemote: true,
  hostedText,
  merge: (documents, params) => firstRewritten(documents, params as unknown as RegistrationParams, params.kind === "page" ? "page" : "leaf"),
};
const flatRecipe: DocumentRecipe = {
  precomputed: false,
  hostedText,
  merge: (documents) => mergeFlatIndexes(documents),
};
registerRecipe(REGISTRATION_RECIPE, registrationRecipe);
registerRecipe(REGISTRATION_DOCUMENT_RECIPE, registrationDocumentRecipe);
registerRecipe(FLAT_RECIPE, flatRecipe);

export function classifyNuGetPath(path: string, base: string): ProxyTarget | null {
  const parsed = parseNuGetPath(path);
  if (!parsed) return null;
  const id = parsed.id;
  const b = baseOf(base);
  switch (parsed.kind) {
    case "flat-index":
      return {
        kind: "metadata",
        path,
        key: `v3-flatcontainer/${id}/index.json`,
        packageKey: id,
        locate: locator("flat", `${id}/index.json`),
        document: { recipe: FLAT_RECIPE, key: `nuget:flat:${id}`, contentType: JSON_TYPE, headers: HEADERS, params: { base: b } },
      };
    case "nupkg":
    case "nuspec": {
      const file = parsed.kind === "nupkg" ? nupkgFilename(id, parsed.version) : nuspecFilename(id);
      return { kind: "artifact", path, key: `v3-flatcontainer/${id}/${parsed.version}/${file}`, packageKey: id, locate: locator("flat", `${id}/${parsed.version}/${file}`) };
    }
    case "registration":
      return {
        kind: "metadata",
        path,
        key: `${parsed.hive}/${id}/index.json`,
        packageKey: id,
        locate: locator(parsed.hive, `${id}/index.json`),
        document: { recipe: REGISTRATION_RECIPE, key: `nuget:${parsed.hive}:${id}`, contentType: JSON_TYPE, headers: HEADERS, params: { base: b, hive: parsed.hive, id } },
      };
    case "page":
    case "leaf": {
      const rest = parsed.kind === "page" ? `${id}/page/${parsed.range}.json` : `${id}/${parsed.version}.json`;
      return {
        kind: "metadata",
        path,
        key: `${parsed.hive}/${rest}`,
        packageKey: id,
        locate: locator(parsed.hive, rest),
        document: {
          recipe: REGISTRATION_DOCUMENT_RECIPE,
          key: `nuget:${parsed.hive}:${rest}`,
          contentType: JSON_TYPE,
          headers: HEADERS,
          params: { base: b, hive: parsed.hive, id, kind: parsed.kind, self: `${b}/${parsed.hive}/${rest}` },
        },
      };
    }
  }
}

export async function readHostedNuGet(source: HostedSource, target: ProxyTarget, request: Request, base: string): Promise<Response | null> {
  const parsed = parseNuGetPath(target.path);
  if (!parsed) return null;
  if (parsed.kind === "nupkg" || parsed.kind === "nuspec") {
    const file = parsed.kind === "nupkg" ? nupkgFilename(parsed.id, parsed.version) : nuspecFilename(parsed.id);
    const found = await source.findFile(parsed.id, parsed.version, file);
    if (!found) return null;
    return source.serveFile(request, found, { contentType: parsed.kind === "nupkg" ? "application/octet-stream" : "application/xml" });
  }
  const name = documentName(parsed);
  const text = name ? await storedDocumentText(source, parsed.id, name, base) : null;
  if (text === null) return null;
  return new Response(request.method === "HEAD" ? null : text, { headers: { ...HEADERS, "Content-Type": JSON_TYPE } });
}

export const nugetProxy: ProxySpec = {
  classify: (path, _request, base) => classifyNuGetPath(path, base),
  readHosted: (source, target, request) => readHostedNuGet(source, target, request, String(target.document?.params.base ?? baseFromRequest(request))),
};

/** `{origin}/nuget/{repo}` from a request under it. */
export function baseFromRequest(request: Request): string {
  const url = new URL(request.url);
  const match = /^\/nuget\/[^/]+/.exec(url.pathname);
  return `${url.origin}${match?.[0] ?? ""}`;
}
