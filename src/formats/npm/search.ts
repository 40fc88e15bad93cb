/**
 * `npm search` (libnpmsearch → `GET /-/v1/search?text=&size=&from=`), answered in the
 * registry's v1 shape (https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md#get-v1search):
 * `{objects:[{package:{name, scope, version, description, keywords, date, links, author,
 * publisher, maintainers}, score:{final, detail:{quality, popularity, maintenance}},
 * searchScore}], total, time}`. npm 11 prints `maintainers[].username` and `publisher.username`.
 *
 * Each package is matched on its `latest` version. Free words must all appear in the name,
 * description or keywords; `keywords:a,b`, `scope:s` and `author:u`/`maintainer:u` qualifiers
 * filter exactly; other qualifiers (`not:`, `is:`, `boost-exact:`) are ignored. Ranking:
 * exact name, then name prefix, then name contains, then other matches; ties by name.
 * Scores are not popularity figures (a hosted registry has none): final = searchScore / 4.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import type { PackageReader, PackageWithVersion } from "../../repositories/package-source";
import { TAG_PREFIX } from "./dist-tags";
import type { JsonObject } from "./packument";

export interface SearchQuery {
  words: string[];
  keywords: string[];
  scope: string | null;
  user: string | null;
}

/** Candidates read from D1 per search; results beyond are not ranked (documented limit). */
export const MAX_CANDIDATES = 1000;
export const MAX_SIZE = 250;

export function parseSearchText(text: string): SearchQuery {
  const query: SearchQuery = { words: [], keywords: [], scope: null, user: null };
  for (const token of text.trim().toLowerCase().split(/\s+/)) {
    if (token === "") continue;
    const colon = token.indexOf(":");
    const qualifier = colon > 0 ? token.slice(0, colon) : "";
    const value = colon > 0 ? token.slice(colon + 1) : token;
    if (qualifier === "keywords") query.keywords.push(...value.split(/[,+|]/).filter(Boolean));
    else if (qualifier === "scope") query.scope = value.replace(/^@/, "");
    else if (qualifier === "author" || qualifier === "maintainer") query.user = value;
    else if (qualifier === "") query.words.push(value);
  }
  return query;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? value.split(/[,\s]+/).filter(Boolean) : [];

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

function personName(value: unknown): string | undefined {
  if (typeof value === "string") return value.replace(/\s*[<(].*$/, "");
  return isObject(value) && typeof value.name === "string" ? value.name : undefined;
}

/** The searchScore of a package for the query, or null when it does not match. */
export function scoreMatch(query: SearchQuery, name: string, metadata: JsonObject): number | null {
  const lowerName = name.toLowerCase();
  const keywords = strings(metadata.keywords).map((k) => k.toLowerCase());
  const description = typeof metadata.description === "string" ? metadata.description.toLowerCase() : "";
  if (query.scope !== null && !lowerName.startsWith(`@${query.scope}/`)) return null;
  if (!query.keywords.every((k) => keywords.includes(k))) return null;
  if (query.user !== null) {
    const users = [personName(metadata.author), personName(metadata._npmUser), ...(Array.isArray(metadata.maintainers) ? metadata.maintainers.map(personName) : [])];
    if (!users.some((u) => u?.toLowerCase() === query.user)) return null;
  }
  if (!query.words.every((w) => lowerName.includes(w) || description.includes(w) || keywords.some((k) => k.includes(w)))) return null;
  const phrase = query.words.join(" ");
  if (phrase === "") return 1;
  const bare = lowerName.replace(/^@[^/]+\//, "");
  if (lowerName === phrase || bare === phrase) return 4;
  if (bare.startsWith(phrase)) return 3;
  return query.words.every((w) => lowerName.includes(w)) ? 2 : 1;
}

function searchObject(row: PackageWithVersion, metadata: JsonObject, score: number): JsonObject {
  const scope = row.name.startsWith("@") ? row.name.slice(1, row.name.indexOf("/")) : "unscoped";
  const publisher = personName(metadata._npmUser);
  const links: Record<string, string> = {};
  if (typeof metadata.homepage === "string") links.homepage = metadata.homepage;
  const repository = isObject(metadata.repository) ? metadata.repository.url : metadata.repository;
  if (typeof repository === "string") links.repository = repository;
  const bugs = isObject(metadata.bugs) ? metadata.bugs.url : metadata.bugs;
  if (typeof bugs === "string") links.bugs = bugs;
  const author = personName(metadata.author);
  return {
    package: {
      name: row.name,
      scope,
      version: row.version,
      description: typeof metadata.description === "string" ? metadata.description : "",
      keywords: strings(metadata.keywords),
      date: new Date(row.versionCreatedAt).toISOString(),
      links,
      ...(author ? { author: { name: author } } : {}),
      publisher: publisher ? { username: publisher } : { username: "" },
      maintainers: publisher ? [{ username: publisher }] : [],
    },
    score: { final: score / 4, detail: { quality: 1, popularity: 0, maintenance: 1 } },
    searchScore: score,
  };
}

function intParam(value: string | undefined, fallback: number, min: number, max: number, field: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new RegistryError("bad_request", `${field} must be an integer ≥ ${min}`, { field });
  return Math.min(n, max);
}

/** Searches hosted repositories (a virtual's hosted members, in priority order: a name found twice counts once). */
export async function search(c: Context<AppEnv>, sources: readonly PackageReader[]): Promise<Response> {
  const query = parseSearchText(c.req.query("text") ?? "");
  const size = intParam(c.req.query("size"), 20, 0, MAX_SIZE, "size");
  const from = intParam(c.req.query("from"), 0, 0, Number.MAX_SAFE_INTEGER, "from");
  const seen = new Set<string>();
  const rows: PackageWithVersion[] = [];
  for (const source of sources) {
    for (const row of await source.searchPackages([...query.words, ...query.keywords], `${TAG_PREFIX}latest`, MAX_CANDIDATES)) {
      if (!seen.has(row.name)) rows.push(row);
      seen.add(row.name);
    }
  }
  const matches: { row: PackageWithVersion; metadata: JsonObject; score: number }[] = [];
  for (const row of rows) {
    const parsed: unknown = JSON.parse(row.metadata);
    const metadata = isObject(parsed) ? parsed : {};
    const score = scoreMatch(query, row.name, metadata);
    if (score !== null) matches.push({ row, metadata, score });
  }
  matches.sort((a, b) => b.score - a.score || (a.row.name < b.row.name ? -1 : a.row.name > b.row.name ? 1 : 0));
  const objects = matches.slice(from, from + size).map((m) => searchObject(m.row, m.metadata, m.score));
  return c.json({ objects, total: matches.length, time: new Date().toUTCString() });
}
