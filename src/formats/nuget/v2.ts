/**
 * Requests of the v2 feed (`/nuget/{repo}/api/v2/…`, ./odata.ts renders them). It reads
 * hosted content: a hosted repository, or a virtual repository's hosted members (first
 * member wins an id); remote content is served through v3 only.
 */
import type { PackageReader } from "../../repositories/package-source";
import { RegistryError } from "../../errors";
import { ATOM_TYPE, ENTRY_TYPE, XML_TYPE, entry, feed, latestOf, metadataDocument, odataString, serviceDocument, type FeedItem } from "./odata";
import { searchPackages, visibleVersions } from "./search";
import { loadStoredPackage, type StoredPackage } from "./stored";
import { lowerNuGetVersion } from "./versions";

type Query = (name: string) => string | undefined;

const xml = (body: string, type: string) => new Response(body, { headers: { "Content-Type": type, "Cache-Control": "no-cache" } });
const count = (n: number) => new Response(String(n), { headers: { "Content-Type": "text/plain;charset=utf-8" } });

async function firstPackage(readers: readonly PackageReader[], id: string): Promise<StoredPackage | null> {
  for (const reader of readers) {
    const pkg = await loadStoredPackage(reader, id.toLowerCase());
    if (pkg) return pkg;
  }
  return null;
}

function page(query: Query): { skip: number; top: number } {
  const int = (v: string | undefined, d: number) => Math.max(Number.parseInt(v ?? "", 10) || d, 0);
  return { skip: int(query("$skip"), 0), top: Math.min(int(query("$top"), 100) || 100, 1000) };
}

function paged(base: string, title: string, items: FeedItem[], query: Query, url: URL, isCount: boolean): Response {
  if (isCount) return count(items.length);
  const { skip, top } = page(query);
  const slice = items.slice(skip, skip + top);
  let next: string | null = null;
  if (skip + top < items.length) {
    const nextUrl = new URL(url);
    nextUrl.searchParams.set("$skip", String(skip + top));
    nextUrl.searchParams.set("$top", String(top));
    next = nextUrl.toString();
  }
  return xml(feed(base, title, slice, items.length, next), ATOM_TYPE);
}

const allItems = (pkg: StoredPackage, listedOnly: boolean): FeedItem[] => pkg.versions.filter((v) => !listedOnly || v.meta.listed).map((version) => ({ pkg, version }));

/** `$filter` forms older clients send for one id or a substring of ids. */
function filterTerm(filter: string): { exact?: string; contains?: string } {
  const exact = /tolower\(Id\)\s+eq\s+'((?:[^']|'')*)'/i.exec(filter);
  if (exact) return { exact: (exact[1] ?? "").replace(/''/g, "'") };
  const contains = /substringof\(\s*'((?:[^']|'')*)'\s*,\s*tolower\(Id\)\s*\)/i.exec(filter);
  return contains ? { contains: (contains[1] ?? "").replace(/''/g, "'") } : {};
}

/** Answers `rest` (the path after `api/v2/`), or null when it is not a v2 feed path. */
export async function v2Response(rest: string, url: URL, query: Query, base: string, readers: () => Promise<PackageReader[]>): Promise<Response | null> {
  const v2 = `${base}/api/v2/`;
  if (rest === "") return xml(serviceDocument(v2), XML_TYPE);
  if (rest === "$metadata") return xml(metadataDocument(), XML_TYPE);
  const single = /^Packages\(Id='((?:[^']|'')+)',Version='((?:[^']|'')+)'\)$/.exec(rest);
  if (single) {
    const pkg = await firstPackage(await readers(), (single[1] ?? "").replace(/''/g, "'"));
    const lv = lowerNuGetVersion((single[2] ?? "").replace(/''/g, "'"));
    const version = pkg?.versions.find((v) => v.meta.version.toLowerCase() === lv);
    if (!pkg || !version) throw new RegistryError("not_found", "package version not found");
    return xml(`<?xml version="1.0" encoding="utf-8"?>${entry(pkg, version, { base, ...latestOf(pkg) }, true)}`, ENTRY_TYPE);
  }
  const fn = /^(Packages|Search|FindPackagesById)(?:\(\))?(\/\$count)?$/.exec(rest);
  if (!fn) return null;
  const isCount = fn[2] !== undefined;
  if (fn[1] === "FindPackagesById") {
    const id = odataString(query("id"));
    const pkg = id ? await firstPackage(await readers(), id) : null;
    return paged(base, "FindPackagesById", pkg ? allItems(pkg, false) : [], query, url, isCount);
  }
  const filter = query("$filter") ?? "";
  const prerelease = (query("includePrerelease") ?? "false").toLowerCase() === "true";
  let term = fn[1] === "Search" ? odataString(query("searchTerm")) : "";
  let exact: string | undefined;
  if (fn[1] === "Packages") ({ exact, contains: term = "" } = { ...filterTerm(filter), contains: filterTerm(filter).contains ?? "" });
  const results = await searchPackages(await readers(), { q: exact ? `packageid:${exact}` : term, skip: 0, take: 100_000, prerelease: fn[1] === "Packages" || prerelease, semVer2: true });
  const latestOnly = /IsAbsoluteLatestVersion/i.test(filter) ? "any" : /IsLatestVersion/i.test(filter) ? "release" : null;
  const items = results.flatMap(({ pkg }) => {
    const visible = visibleVersions(pkg, { prerelease: fn[1] === "Packages" || prerelease, semVer2: true });
    if (!latestOnly) return visible.map((version) => ({ pkg, version }));
    const latest = latestOf(pkg)[latestOnly === "any" ? "latestAny" : "latestRelease"];
    return visible.filter((v) => v.meta.version === latest).map((version) => ({ pkg, version }));
  });
  return paged(base, fn[1] ?? "Packages", items, query, url, isCount);
}
