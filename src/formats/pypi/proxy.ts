/**
 * PyPI under the remote/virtual engine (src/virtual/engine.ts). Paths are relative to
 * `/pypi/{repo}/`:
 *
 * | path                         | target                                                  | shielding key           |
 * |------------------------------|---------------------------------------------------------|-------------------------|
 * | `simple/`                    | metadata; virtual: members' lists merged per request     | none (the project list) |
 * | `simple/{project}/`          | metadata; precomputed document "pypi-simple" (JSON/HTML) | normalised project name |
 * | `files/{project}/{filename}` | artifact decided by the project page's provenance        | normalised project name |
 * | `files/{project}/{file}.metadata` (PEP 658) | same, at the file's upstream URL + `.metadata` | normalised project name |
 *
 * A project page is built from one upstream copy per remote member (asked with a JSON-first
 * Accept, parsed whatever it answers) and each hosted member's files, merged by
 * `mergeSimpleProjects` (first member wins a filename, release age per member), rendered in
 * the variant the client negotiated (PEP 691; two stored documents, `Vary: Accept`), with
 * links pointing at `/pypi/{repo}/files/{project}/`. Its provenance (filename → member +
 * absolute upstream URL, any host) is what serves the file, so a file always matches the
 * hashes the page advertised.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { registerRecipe } from "../../virtual/derived-document";
import type { DocumentRecipe, ProxySpec, ProxyTarget } from "../types";
import { normalizeName, parseDistributionFilename, isValidProjectName, normalizeVersion } from "./names";
import { METADATA_SUFFIX, hostedProjectFiles } from "./stored";
import { mergeProjectLists, mergeSimpleProjects } from "./simple-merge";
import { SIMPLE_JSON, negotiateSimpleType, renderProjectListHtml, renderProjectListJson, renderSimpleHtml, renderSimpleJson, type SimpleFile } from "./simple-render";

export type PypiPath =
  | { kind: "index" }
  | { kind: "project"; project: string }
  | { kind: "file"; project: string; filename: string; metadata: boolean };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Parses a repository-relative, still percent-encoded path; null when it is none of ours. */
export function parsePypiPath(path: string): PypiPath | null {
  if (path === "simple/") return { kind: "index" };
  const segments = path.split("/");
  if (segments.length === 3 && segments[0] === "simple" && segments[2] === "") {
    const project = decode(segments[1] ?? "");
    return project && isValidProjectName(project) ? { kind: "project", project } : null;
  }
  if (segments.length === 3 && segments[0] === "files") {
    const project = decode(segments[1] ?? "");
    const filename = decode(segments[2] ?? "");
    if (!project || !filename || !isValidProjectName(project) || filename.includes("/") || filename.includes("..")) return null;
    const metadata = filename.endsWith(METADATA_SUFFIX);
    const distribution = metadata ? filename.slice(0, -METADATA_SUFFIX.length) : filename;
    if (!/^[A-Za-z0-9._+!~-]+$/.test(distribution)) return null;
    return { kind: "file", project, filename: distribution, metadata };
  }
  return null;
}

function textResponse(request: Request, body: string, contentType: string): Response {
  return new Response(request.method === "HEAD" ? null : body, {
    headers: { "Content-Type": `${contentType}; charset=utf-8`, Vary: "Accept", "Cache-Control": "max-age=0, must-revalidate" },
  });
}

/** The hosted repository's project list, for `simple/`. */
async function hostedIndex(source: HostedSource, request: Request): Promise<Response> {
  const rows = await source.searchPackages([], "", 1_000_000);
  const names = rows.map((row) => row.name);
  const type = negotiateSimpleType(request.headers.get("Accept"));
  if (type === SIMPLE_JSON) return textResponse(request, renderProjectListJson(names), type);
  return textResponse(request, renderProjectListHtml(names, `/pypi/${source.repository.name}/simple/`), type);
}

export async function readHostedPypi(source: HostedSource, path: string, request: Request): Promise<Response | null> {
  const parsed = parsePypiPath(path);
  if (!parsed) return null;
  if (parsed.kind === "index") return hostedIndex(source, request);
  const project = normalizeName(parsed.project);
  if (parsed.kind === "project") {
    const found = await hostedProjectFiles(source, project, `/pypi/${source.repository.name}/files/${project}/`);
    if (!found) return null;
    const type = negotiateSimpleType(request.headers.get("Accept"));
    return textResponse(request, type === SIMPLE_JSON ? renderSimpleJson(found.name, found.files) : renderSimpleHtml(found.name, found.files), type);
  }
  const distribution = parseDistributionFilename(parsed.filename);
  if (!distribution || normalizeName(distribution.name) !== project) return null;
  if (parsed.metadata && distribution.kind !== "wheel") return null;
  const stored = parsed.metadata ? `${parsed.filename}${METADATA_SUFFIX}` : parsed.filename;
  const found = await source.findFile(project, normalizeVersion(distribution.version) ?? distribution.version, stored.toLowerCase());
  if (!found || (!parsed.metadata && !found.file.isLead)) return null;
  return source.serveFile(request, found, {
    ...(parsed.metadata ? { contentType: "text/plain; charset=utf-8" } : {}),
    headers: { "X-Checksum-Sha256": found.blob.sha256 },
  });
}

/** What we ask an upstream index for: JSON first, any HTML page accepted. */
const UPSTREAM_ACCEPT = `${SIMPLE_JSON}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01`;
const PAGE_RECIPE = "pypi-simple";
const LIST_RECIPE = "pypi-simple-list";
const PAGE_HEADERS = { Vary: "Accept", "Cache-Control": "max-age=0, must-revalidate" };

interface PageParams {
  project: string;
  /** `/pypi/{repo}/files/{project}/`: links are served host-relative, as hosted pages are. */
  filesBase: string;
  /** `https://host`: resolves hosted members' links while merging. */
  origin: string;
  json: boolean;
}

const pageRecipe: DocumentRecipe = {
  precomputed: true,
  async hostedText(source, _target, raw) {
    const params = raw as unknown as PageParams;
    const found = await hostedProjectFiles(source, params.project, params.filesBase);
    return found ? renderSimpleJson(found.name, found.files) : null;
  },
  merge(documents, raw, now) {
    const params = raw as unknown as PageParams;
    // Each member with its own release age; the first member listing a filename wins it.
    const files: SimpleFile[] = [];
    const provenance: Record<string, { member: string; url: string }> = {};
    let parsed = false;
    for (const document of documents) {
      const merged = mergeSimpleProjects(params.project, [{ member: document.member, text: document.text, contentType: document.contentType ?? SIMPLE_JSON, baseUrl: document.baseUrl || `${params.origin}${params.filesBase}` }], {
        filesBase: params.filesBase,
        now,
        minReleaseAgeHours: document.minReleaseAgeHours,
      });
      if (!merged) continue;
      parsed = true;
      for (const file of merged.files) {
        if (file.filename in provenance) continue;
        const origin = merged.provenance[file.filename];
        if (origin) provenance[file.filename] = origin;
        files.push(file);
      }
    }
    if (!parsed) return null;
    return { text: params.json ? renderSimpleJson(params.project, files) : renderSimpleHtml(params.project, files), provenance };
  },
};
registerRecipe(PAGE_RECIPE, pageRecipe);

/**
 * The project list: merged per request (a repository-wide revision would key a stored one),
 * and rewritten for a remote too: an index's list links `/simple/{name}/` on its own host.
 */
const listRecipe: DocumentRecipe = {
  precomputed: false,
  rewritesRemote: true,
  async hostedText(source) {
    const rows = await source.searchPackages([], "", 1_000_000);
    return renderProjectListJson(rows.map((row) => row.name));
  },
  merge(documents, raw) {
    const names = mergeProjectLists(documents.map((d) => ({ text: d.text, contentType: d.contentType ?? SIMPLE_JSON })));
    return { text: raw.json ? renderProjectListJson(names) : renderProjectListHtml(names, String(raw.base)) };
  },
};
registerRecipe(LIST_RECIPE, listRecipe);

/** The served page of a project in the negotiated variant. */
function pageTarget(project: string, base: string, type: ReturnType<typeof negotiateSimpleType>): ProxyTarget {
  const json = type === SIMPLE_JSON;
  const url = new URL(base);
  const params: PageParams = { project, filesBase: `${url.pathname}files/${project}/`, origin: url.origin, json };
  const path = `simple/${project}/`;
  return {
    kind: "metadata",
    path,
    accept: UPSTREAM_ACCEPT,
    packageKey: project,
    document: { recipe: PAGE_RECIPE, key: `pypi:simple:${json ? "json" : "html"}:${base}:${project}`, contentType: `${type}; charset=utf-8`, headers: PAGE_HEADERS, params: { ...params } },
  };
}

export function classifyPypiPath(path: string, request: Request, base: string): ProxyTarget | null {
  const parsed = parsePypiPath(path);
  if (!parsed) return null;
  const type = negotiateSimpleType(request.headers.get("Accept"));
  if (parsed.kind === "index") {
    const document = { recipe: LIST_RECIPE, key: path, contentType: `${type}; charset=utf-8`, headers: PAGE_HEADERS, params: { json: type === SIMPLE_JSON, base: `${new URL(base).pathname}simple/` } };
    return { kind: "metadata", path, accept: UPSTREAM_ACCEPT, packageKey: null, document };
  }
  const project = normalizeName(parsed.project);
  if (parsed.kind === "project") return pageTarget(project, base, type);
  const stored = parsed.metadata ? `${parsed.filename}${METADATA_SUFFIX}` : parsed.filename;
  return {
    kind: "artifact",
    path,
    key: `files/${project}/${stored}`,
    packageKey: project,
    indexedBy: {
      index: pageTarget(project, base, SIMPLE_JSON),
      entry: parsed.filename,
      upstreamFromIndex: true,
      ...(parsed.metadata ? { upstreamFrom: (url: string) => `${url.replace(/#.*$/, "")}${METADATA_SUFFIX}` } : {}),
    },
  };
}

export const pypiProxy: ProxySpec = {
  classify: classifyPypiPath,
  readHosted: (source, target, request) => readHostedPypi(source, target.path, request),
};
