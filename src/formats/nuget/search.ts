/**
 * Search over hosted packages (a hosted repository, or a virtual repository's hosted
 * members: remote upstreams are not searched), for the v3 `SearchQueryService` and
 * `SearchAutocompleteService` and the v2 feed. The query matches package ids containing
 * it (case-insensitively) — `packageid:X` (or `id:X`) exact ids; each package shows its
 * latest version among those the client asked for (`prerelease`, `semVerLevel`); unlisted
 * versions are not shown. At most MAX_CANDIDATES packages are looked at per query.
 */
import type { PackageReader } from "../../repositories/package-source";
import { splitList, splitTags, type Hive, leafUrl, lowerVersionOf, registrationIndexUrl, withBaseUrls } from "./registration";
import type { StoredPackage, StoredVersion } from "./stored";
import { loadStoredPackages } from "./stored";

export const MAX_CANDIDATES = 1000;

export interface SearchOptions {
  q: string;
  skip: number;
  take: number;
  prerelease: boolean;
  semVer2: boolean;
}

export function searchOptions(query: (name: string) => string | undefined, defaultTake = 20): SearchOptions {
  const number = (name: string, fallback: number, max: number) => Math.min(Math.max(Number.parseInt(query(name) ?? "", 10) || fallback, 0), max);
  return {
    q: (query("q") ?? "").trim(),
    skip: number("skip", 0, 100_000),
    take: number("take", defaultTake, 1000) || defaultTake,
    prerelease: (query("prerelease") ?? "false").toLowerCase() === "true",
    semVer2: /^\s*2(\.|$)/.test(query("semVerLevel") ?? ""),
  };
}

function parseQuery(q: string): { exact: string | null; contains: string } {
  const exact = /^(?:packageid|id):\s*"?([^\s"]+)"?$/i.exec(q);
  if (exact) return { exact: (exact[1] ?? "").toLowerCase(), contains: (exact[1] ?? "").toLowerCase() };
  return { exact: null, contains: q.toLowerCase().replace(/\s+/g, " ").split(" ")[0] ?? "" };
}

/** The versions of a package a search shows: listed, and within the client's prerelease/SemVer level. */
export function visibleVersions(pkg: StoredPackage, options: Pick<SearchOptions, "prerelease" | "semVer2">): StoredVersion[] {
  return pkg.versions.filter((v) => v.meta.listed && (options.prerelease || !v.meta.prerelease) && (options.semVer2 || !v.meta.semVer2));
}

/** Matching packages across readers (first reader wins an id), sorted by id, each with its visible versions. */
export async function searchPackages(readers: readonly PackageReader[], options: SearchOptions): Promise<{ pkg: StoredPackage; versions: StoredVersion[] }[]> {
  const { exact, contains } = parseQuery(options.q);
  const found = new Map<string, { pkg: StoredPackage; versions: StoredVersion[] }>();
  const lists = await Promise.all(readers.map((r) => loadStoredPackages(r, contains, MAX_CANDIDATES)));
  for (const list of lists) {
    for (const pkg of list) {
      if (found.has(pkg.lowerId) || (exact !== null && pkg.lowerId !== exact)) continue;
      const versions = visibleVersions(pkg, options);
      if (versions.length) found.set(pkg.lowerId, { pkg, versions });
    }
  }
  return [...found.values()].sort((a, b) => (a.pkg.lowerId < b.pkg.lowerId ? -1 : 1));
}

/** The v3 search answer. */
export function renderSearch(results: { pkg: StoredPackage; versions: StoredVersion[] }[], options: SearchOptions, base: string): string {
  const hive: Hive = options.semVer2 ? "registration-semver2" : "registration";
  const data = results.slice(options.skip, options.skip + options.take).map(({ pkg, versions }) => {
    const latest = versions[versions.length - 1] as StoredVersion;
    const m = latest.meta;
    return {
      "@id": registrationIndexUrl(hive, pkg.lowerId),
      "@type": "Package",
      registration: registrationIndexUrl(hive, pkg.lowerId),
      id: pkg.id,
      version: m.version,
      description: m.description,
      summary: m.summary ?? "",
      title: m.title ?? pkg.id,
      iconUrl: m.iconUrl ?? "",
      licenseUrl: m.licenseUrl ?? "",
      projectUrl: m.projectUrl ?? "",
      tags: splitTags(m.tags),
      authors: splitList(m.authors),
      owners: splitList(m.owners),
      totalDownloads: versions.reduce((sum, v) => sum + v.downloads, 0),
      verified: false,
      packageTypes: (m.packageTypes.length ? m.packageTypes : ["Dependency"]).map((name) => ({ name })),
      versions: versions.map((v) => ({ version: v.meta.version, downloads: v.downloads, "@id": leafUrl(hive, pkg.lowerId, lowerVersionOf(v)) })),
    };
  });
  return withBaseUrls(JSON.stringify({ totalHits: results.length, data }), base);
}

/** The v3 autocomplete answer: package ids matching `q`, or the versions of package `id`. */
export async function renderAutocomplete(readers: readonly PackageReader[], options: SearchOptions, id: string | undefined): Promise<string> {
  if (id !== undefined && id !== "") {
    const found = await searchPackages(readers, { ...options, q: `packageid:${id}` });
    const versions = found[0]?.versions.map((v) => v.meta.version) ?? [];
    return JSON.stringify({ totalHits: versions.length, data: versions });
  }
  const found = await searchPackages(readers, options);
  return JSON.stringify({ totalHits: found.length, data: found.slice(options.skip, options.skip + options.take).map((r) => r.pkg.id) });
}
