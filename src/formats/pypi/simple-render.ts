/**
 * Renders the Simple Repository API (PEP 503 HTML, PEP 691 JSON) for one project or for
 * the project list, with PEP 592 yanks, PEP 658/714 core metadata (both attribute
 * spellings, as PEP 714 asks servers to during the transition) and PEP 700 fields
 * (`versions`, `size`, `upload-time`; api-version 1.1).
 */
import { normalizeName, parseDistributionFilename } from "./names";
import { compareVersions } from "./versions";

export const API_VERSION = "1.1";
export const SIMPLE_JSON = "application/vnd.pypi.simple.v1+json";
export const SIMPLE_HTML = "application/vnd.pypi.simple.v1+html";

export interface SimpleFile {
  filename: string;
  /** Where the client downloads the file: already one of our URLs, never an upstream's. */
  url: string;
  /** Digest name → lower-case hex (`sha256` when known). */
  hashes: Record<string, string>;
  requiresPython?: string;
  /** PEP 592: true, or the reason text (also yanked). */
  yanked?: boolean | string;
  size?: number;
  /** Upload time, epoch milliseconds. */
  uploadTime?: number;
  /** PEP 658: the `.metadata` file exists; digests of it (an empty object: exists, digest unknown). */
  metadataHashes?: Record<string, string>;
}

const htmlEscapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);
}

function hashFragment(hashes: Record<string, string>): string {
  const name = hashes["sha256"] !== undefined ? "sha256" : Object.keys(hashes)[0];
  return name === undefined ? "" : `#${name}=${hashes[name]}`;
}

function metadataAttributeValue(hashes: Record<string, string>): string {
  const fragment = hashFragment(hashes);
  return fragment ? fragment.slice(1) : "true";
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html>
  <head>
    <meta name="pypi:repository-version" content="${API_VERSION}">
    <title>${escapeHtml(title)}</title>
  </head>
  <body>
    <h1>${escapeHtml(title)}</h1>
${body}  </body>
</html>
`;
}

export function renderSimpleHtml(project: string, files: readonly SimpleFile[]): string {
  const links = files.map((file) => {
    const attributes = [`href="${escapeHtml(file.url + hashFragment(file.hashes))}"`];
    if (file.requiresPython) attributes.push(`data-requires-python="${escapeHtml(file.requiresPython)}"`);
    if (file.metadataHashes) {
      const value = escapeHtml(metadataAttributeValue(file.metadataHashes));
      attributes.push(`data-dist-info-metadata="${value}"`, `data-core-metadata="${value}"`);
    }
    if (file.yanked) attributes.push(`data-yanked="${typeof file.yanked === "string" ? escapeHtml(file.yanked) : ""}"`);
    return `    <a ${attributes.join(" ")}>${escapeHtml(file.filename)}</a><br/>\n`;
  });
  return page(`Links for ${normalizeName(project)}`, links.join(""));
}

/** The distinct versions the files belong to, in PEP 440 order (PEP 700 `versions`). */
export function versionsOf(files: readonly SimpleFile[]): string[] {
  const versions = new Set<string>();
  for (const file of files) {
    const parsed = parseDistributionFilename(file.filename);
    if (parsed) versions.add(parsed.version);
  }
  return [...versions].sort(compareVersions);
}

export function renderSimpleJson(project: string, files: readonly SimpleFile[]): string {
  return JSON.stringify({
    meta: { "api-version": API_VERSION },
    name: normalizeName(project),
    versions: versionsOf(files),
    files: files.map((file) => {
      const metadata = file.metadataHashes ? (Object.keys(file.metadataHashes).length ? file.metadataHashes : true) : false;
      return {
        filename: file.filename,
        url: file.url,
        hashes: file.hashes,
        ...(file.requiresPython ? { "requires-python": file.requiresPython } : {}),
        "core-metadata": metadata,
        "dist-info-metadata": metadata,
        yanked: file.yanked ?? false,
        ...(file.size !== undefined ? { size: file.size } : {}),
        ...(file.uploadTime !== undefined ? { "upload-time": new Date(file.uploadTime).toISOString() } : {}),
      };
    }),
  });
}

/** The project list (`/simple/`): each name links to `{base}{normalised}/`. */
export function renderProjectListHtml(names: readonly string[], base = ""): string {
  const links = names.map((name) => `    <a href="${escapeHtml(`${base}${normalizeName(name)}/`)}">${escapeHtml(name)}</a><br/>\n`);
  return page("Simple index", links.join(""));
}

export function renderProjectListJson(names: readonly string[]): string {
  return JSON.stringify({ meta: { "api-version": API_VERSION }, projects: names.map((name) => ({ name })) });
}

/**
 * PEP 691 content negotiation: the highest-q acceptable of our two serialisations
 * (`text/html` and the v1 HTML type are the same page). No Accept, or nothing we speak,
 * gets HTML, as PyPI answers (pip and uv always send an Accept we match).
 */
export function negotiateSimpleType(accept: string | null): typeof SIMPLE_JSON | typeof SIMPLE_HTML | "text/html" {
  if (!accept) return "text/html";
  let best: { type: typeof SIMPLE_JSON | typeof SIMPLE_HTML | "text/html"; q: number } | null = null;
  for (const part of accept.split(",")) {
    const [rawType = "", ...params] = part.trim().split(";");
    const type = rawType.trim().toLowerCase();
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number.parseFloat(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const served = type === SIMPLE_JSON ? SIMPLE_JSON : type === SIMPLE_HTML ? SIMPLE_HTML : type === "text/html" || type === "text/*" || type === "*/*" ? "text/html" : null;
    if (served && (!best || q > best.q)) best = { type: served, q };
  }
  return best?.type ?? "text/html";
}
