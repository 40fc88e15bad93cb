/**
 * Parses another index's Simple Repository API pages: PEP 503 HTML (anchors with
 * `#hash=` fragments and `data-*` attributes) and PEP 691 JSON. Links are resolved against
 * the page's own URL, so relative links and links to another host both come out absolute.
 * Parsing is tolerant: an anchor we cannot use is skipped, never fatal.
 */

export interface ParsedSimpleFile {
  filename: string;
  /** Absolute upstream URL, without the fragment. */
  url: string;
  hashes: Record<string, string>;
  requiresPython?: string;
  yanked?: boolean | string;
  size?: number;
  uploadTime?: number;
  metadataHashes?: Record<string, string>;
}

const namedEntities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith("#")) {
      const code = entity[1] === "x" || entity[1] === "X" ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return namedEntities[entity.toLowerCase()] ?? whole;
  });
}

function parseAttributes(tag: string): Map<string, string | true> {
  const attributes = new Map<string, string | true>();
  const pattern = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const match of tag.matchAll(pattern)) {
    const name = (match[1] ?? "").toLowerCase();
    const value = match[2] ?? match[3] ?? match[4];
    if (!attributes.has(name)) attributes.set(name, value === undefined ? true : decodeHtmlEntities(value));
  }
  return attributes;
}

/** `sha256=abc` → {sha256: "abc"}; "true" or a bare attribute → {} (exists, digest unknown). */
function parseHashValue(value: string | true | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (value === true || value.toLowerCase() === "true") return {};
  const match = /^([a-z0-9_]+)=([0-9a-f]+)$/i.exec(value.trim());
  return match?.[1] && match[2] ? { [match[1].toLowerCase()]: match[2].toLowerCase() } : undefined;
}

function absolute(href: string, baseUrl: string): URL | null {
  try {
    const url = new URL(href, baseUrl);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

function lastSegment(url: URL): string {
  const segment = url.pathname.split("/").pop() ?? "";
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseSimpleHtml(text: string, baseUrl: string): ParsedSimpleFile[] {
  // A <base href> changes how relative links resolve (PEP 503 allows it).
  const baseTag = /<base\b([^>]*)>/i.exec(text);
  const baseHref = baseTag ? parseAttributes(baseTag[1] ?? "").get("href") : undefined;
  const base = typeof baseHref === "string" ? (absolute(baseHref, baseUrl)?.href ?? baseUrl) : baseUrl;
  const files: ParsedSimpleFile[] = [];
  for (const match of text.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi)) {
    const attributes = parseAttributes(match[1] ?? "");
    const href = attributes.get("href");
    if (typeof href !== "string") continue;
    const url = absolute(href, base);
    if (!url) continue;
    const hashes = parseHashValue(url.hash.slice(1)) ?? {};
    url.hash = "";
    const text = decodeHtmlEntities((match[2] ?? "").replace(/<[^>]*>/g, "")).trim();
    const filename = text || lastSegment(url);
    if (!filename) continue;
    const file: ParsedSimpleFile = { filename, url: url.href, hashes };
    const requiresPython = attributes.get("data-requires-python");
    if (typeof requiresPython === "string" && requiresPython) file.requiresPython = requiresPython;
    const yanked = attributes.get("data-yanked");
    if (yanked !== undefined) file.yanked = typeof yanked === "string" && yanked ? yanked : true;
    const metadata = parseHashValue(attributes.get("data-core-metadata") ?? attributes.get("data-dist-info-metadata"));
    if (metadata) file.metadataHashes = metadata;
    files.push(file);
  }
  return files;
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object") {
    for (const [key, entry] of Object.entries(value)) if (typeof entry === "string") out[key.toLowerCase()] = entry.toLowerCase();
  }
  return out;
}

/** Parses a PEP 691 project page; null when the text is not one. */
export function parseSimpleJson(text: string, baseUrl: string): ParsedSimpleFile[] | null {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return null;
  }
  if (!document || typeof document !== "object" || !Array.isArray((document as { files?: unknown }).files)) return null;
  const files: ParsedSimpleFile[] = [];
  for (const entry of (document as { files: unknown[] }).files) {
    if (!entry || typeof entry !== "object") continue;
    const e = entry as Record<string, unknown>;
    if (typeof e["filename"] !== "string" || typeof e["url"] !== "string") continue;
    const url = absolute(e["url"], baseUrl);
    if (!url) continue;
    url.hash = "";
    const file: ParsedSimpleFile = { filename: e["filename"], url: url.href, hashes: stringRecord(e["hashes"]) };
    if (typeof e["requires-python"] === "string" && e["requires-python"]) file.requiresPython = e["requires-python"];
    if (e["yanked"] === true || (typeof e["yanked"] === "string" && e["yanked"])) file.yanked = e["yanked"];
    else if (typeof e["yanked"] === "string") file.yanked = true;
    if (typeof e["size"] === "number" && Number.isSafeInteger(e["size"]) && e["size"] >= 0) file.size = e["size"];
    if (typeof e["upload-time"] === "string") {
      const time = Date.parse(e["upload-time"]);
      if (Number.isFinite(time)) file.uploadTime = time;
    }
    const metadata = e["core-metadata"] ?? e["dist-info-metadata"];
    if (metadata === true) file.metadataHashes = {};
    else if (metadata && typeof metadata === "object") file.metadataHashes = stringRecord(metadata);
    files.push(file);
  }
  return files;
}

/** Parses either serialisation, chosen by content type (JSON also sniffed); null when neither. */
export function parseSimplePage(text: string, contentType: string, baseUrl: string): ParsedSimpleFile[] | null {
  const json = /json/i.test(contentType) || /^\s*\{/.test(text);
  if (json) return parseSimpleJson(text, baseUrl);
  if (!/<a\b|<html|<!doctype/i.test(text)) return null;
  return parseSimpleHtml(text, baseUrl);
}

/** Project names of a `/simple/` list page in either serialisation. */
export function parseProjectList(text: string, contentType: string): string[] {
  if (/json/i.test(contentType) || /^\s*\{/.test(text)) {
    try {
      const document = JSON.parse(text) as { projects?: { name?: unknown }[] };
      return (document.projects ?? []).map((p) => p.name).filter((name): name is string => typeof name === "string");
    } catch {
      return [];
    }
  }
  return [...text.matchAll(/<a\b[^>]*>([\s\S]*?)<\/a\s*>/gi)].map((m) => decodeHtmlEntities((m[1] ?? "").replace(/<[^>]*>/g, "")).trim()).filter(Boolean);
}
