/**
 * The virtual/remote "recipe" for a PyPI project page: members' simple pages (PEP 503
 * HTML or PEP 691 JSON, in member priority order) become one list of files pointing at us,
 * plus the provenance the engine needs to fetch each file (which member, which upstream
 * URL). Pure: no I/O, no clock (the caller passes `now`).
 *
 * - A filename is taken from the first member that lists it (higher priority wins).
 * - Relative links resolve against each page's own URL, so an index whose files live on
 *   another host (pypi.org → files.pythonhosted.org) yields absolute upstream URLs.
 * - Release age: a file whose upload time is known and younger than `minReleaseAgeHours`
 *   is hidden; files without an upload time are kept (HTML pages carry none).
 * - A filename with a path separator, `%`, a control character or `..` is dropped: it
 *   could not be served back under our files route.
 */
import { normalizeName } from "./names";
import { parseProjectList, parseSimplePage } from "./simple-parse";
import type { SimpleFile } from "./simple-render";

export interface MemberSimpleDocument {
  member: string;
  text: string;
  contentType: string;
  /** The URL the page was fetched from (resolves relative links). */
  baseUrl: string;
}

export interface SimpleMergeOptions {
  /** Our URL prefix for this project's files; each file's URL is `filesBase + encodeURIComponent(filename)`. */
  filesBase: string;
  now: number;
  minReleaseAgeHours?: number;
}

export interface SimpleMergeResult {
  files: SimpleFile[];
  provenance: Record<string, { member: string; url: string }>;
}

const SERVABLE_FILENAME = /^[A-Za-z0-9._+!~-]+$/;

export function isServableFilename(filename: string): boolean {
  return filename.length <= 255 && SERVABLE_FILENAME.test(filename) && !filename.includes("..");
}

/** Merges members' pages for `project`; null when no member's page could be parsed. */
export function mergeSimpleProjects(
  _project: string,
  documents: readonly MemberSimpleDocument[],
  options: SimpleMergeOptions,
): SimpleMergeResult | null {
  const minAgeMs = (options.minReleaseAgeHours ?? 0) * 3_600_000;
  const files: SimpleFile[] = [];
  const provenance: Record<string, { member: string; url: string }> = Object.create(null);
  let parsedAny = false;
  for (const document of documents) {
    const parsed = parseSimplePage(document.text, document.contentType, document.baseUrl);
    if (!parsed) continue;
    parsedAny = true;
    for (const entry of parsed) {
      if (!isServableFilename(entry.filename) || entry.filename in provenance) continue;
      if (minAgeMs > 0 && entry.uploadTime !== undefined && options.now - entry.uploadTime < minAgeMs) continue;
      provenance[entry.filename] = { member: document.member, url: entry.url };
      const { url: _upstream, ...rest } = entry;
      files.push({ ...rest, url: options.filesBase + encodeURIComponent(entry.filename) });
    }
  }
  return parsedAny ? { files, provenance: { ...provenance } } : null;
}

/** The union of members' `/simple/` project lists, by normalised name, first spelling kept, sorted. */
export function mergeProjectLists(documents: readonly Pick<MemberSimpleDocument, "text" | "contentType">[]): string[] {
  const names = new Map<string, string>();
  for (const document of documents) {
    for (const name of parseProjectList(document.text, document.contentType)) {
      const key = normalizeName(name);
      if (!names.has(key)) names.set(key, name);
    }
  }
  return [...names.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, name]) => name);
}
