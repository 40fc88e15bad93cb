/**
 * PyPI under the remote/virtual engine. Paths are relative to `/pypi/{repo}/`:
 *
 * | path                         | class    | shielding key            |
 * |------------------------------|----------|--------------------------|
 * | `simple/`                    | metadata | none (the project list)  |
 * | `simple/{project}/`          | metadata | normalised project name  |
 * | `files/{project}/{filename}` | artifact | normalised project name  |
 * | `files/{project}/{file}.metadata` (PEP 658) | artifact | normalised project name |
 *
 * What the engine needs beyond today's ProxySpec (wired by the engine helper):
 * - Simple pages differ by `Accept` (PEP 691): the cache key must carry the negotiated
 *   variant (`negotiateSimpleType`), upstream requests send
 *   `Accept: application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01`,
 *   and answers carry `Vary: Accept`.
 * - A project page is a derived document: members' pages (each with its content type and
 *   the URL it came from) go to `mergeSimpleProjects` (./simple-merge.ts) with
 *   `filesBase = /pypi/{virtual}/files/{project}/`; render with `renderSimpleHtml` /
 *   `renderSimpleJson`; keep the returned provenance (filename → member + upstream URL).
 *   `simple/` merges with `mergeProjectLists`.
 * - A remote's files live on another host: `files/{project}/{filename}` is fetched from
 *   the provenance URL (absolute, any host), `….metadata` from that URL + `.metadata`
 *   (PEP 658), cached as immutable artifacts; the hashes relayed are the upstream page's.
 * - Shielding: a project name (packageKey) held by a hosted member is never answered from
 *   a remote member, pages and files alike.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { ProxySpec } from "../types";
import { normalizeName, parseDistributionFilename, isValidProjectName, normalizeVersion } from "./names";
import { METADATA_SUFFIX, hostedProjectFiles } from "./stored";
import { SIMPLE_JSON, negotiateSimpleType, renderProjectListHtml, renderProjectListJson, renderSimpleHtml, renderSimpleJson } from "./simple-render";

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

export const pypiProxy: ProxySpec = {
  classifyPath: (path) => {
    const parsed = parsePypiPath(path);
    return parsed ? (parsed.kind === "file" ? "artifact" : "metadata") : null;
  },
  packageKey: (path) => {
    const parsed = parsePypiPath(path);
    return parsed && parsed.kind !== "index" ? normalizeName(parsed.project) : null;
  },
  readHosted: readHostedPypi,
};
