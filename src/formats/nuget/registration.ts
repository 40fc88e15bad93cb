/**
 * Registration documents (the v3 `RegistrationsBaseUrl` resource), rendered from a hosted
 * package's stored versions. Two hives, as on NuGet.org: `registration/` leaves SemVer 2.0
 * versions out (old clients cannot parse them), `registration-semver2/` (`/3.6.0`) has all.
 *
 * Shape: the index lists pages of at most PAGE_SIZE leaves in version order. A package with at
 * most INLINE_MAX versions gets its pages inlined in the index (one request for the client);
 * above that the index lists each page's `@id`, `count`, `lower` and `upper`, and each page is
 * its own document (`page/{lower}/{upper}.json`), as NuGet.org does. Leaves
 * (`{version}.json`) point at the `.nupkg` in the flat container. URLs start with BASE, a
 * placeholder for `{origin}/nuget/{repo}` replaced when the document is served: documents are
 * built on write, when the host the client will use is not known.
 */
import type { NuGetDependency } from "./nuspec";
import type { StoredPackage, StoredVersion } from "./stored";

export const BASE = "@@nuget-base@@";
export const PAGE_SIZE = 64;
export const INLINE_MAX = 64;

export type Hive = "registration" | "registration-semver2";
export const HIVES: readonly Hive[] = ["registration", "registration-semver2"];

const CONTEXT = {
  "@vocab": "http://schema.nuget.org/schema#",
  catalog: "http://schema.nuget.org/catalog#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  items: { "@id": "catalog:item", "@container": "@set" },
  commitTimeStamp: { "@id": "catalog:commitTimeStamp", "@type": "xsd:dateTime" },
  commitId: { "@id": "catalog:commitId" },
  count: { "@id": "catalog:count" },
  parent: { "@id": "catalog:parent", "@type": "@id" },
  tags: { "@id": "tag", "@container": "@set" },
  packageTargetFrameworks: { "@id": "packageTargetFramework", "@container": "@set" },
  dependencyGroups: { "@id": "dependencyGroup", "@container": "@set" },
  dependencies: { "@id": "dependency", "@container": "@set" },
  packageContent: { "@type": "@id" },
  published: { "@type": "xsd:dateTime" },
  registration: { "@type": "@id" },
};

export const lowerVersionOf = (v: StoredVersion): string => v.meta.version.toLowerCase();
export const flatContainerUrl = (lowerId: string, lowerVersion: string): string => `${BASE}/v3-flatcontainer/${lowerId}/${lowerVersion}/${lowerId}.${lowerVersion}.nupkg`;
export const registrationIndexUrl = (hive: Hive, lowerId: string): string => `${BASE}/${hive}/${lowerId}/index.json`;
export const leafUrl = (hive: Hive, lowerId: string, lowerVersion: string): string => `${BASE}/${hive}/${lowerId}/${lowerVersion}.json`;
export const pageUrl = (hive: Hive, lowerId: string, lower: string, upper: string): string => `${BASE}/${hive}/${lowerId}/page/${lower}/${upper}.json`;

export function versionsOfHive(pkg: StoredPackage, hive: Hive): StoredVersion[] {
  return hive === "registration" ? pkg.versions.filter((v) => !v.meta.semVer2) : pkg.versions;
}

function splitTags(tags: string | undefined): string[] {
  return tags ? tags.split(/[\s,;]+/).filter(Boolean) : [];
}

function splitList(value: string | undefined): string[] {
  return value ? value.split(",").map((s) => s.trim()).filter(Boolean) : [];
}

function dependency(hive: Hive, d: NuGetDependency, groupId: string) {
  const lowerDep = d.id.toLowerCase();
  return { "@id": `${groupId}/${lowerDep}`, "@type": "PackageDependency", id: d.id, range: d.range || "(, )", registration: registrationIndexUrl(hive, lowerDep) };
}

/** The catalog entry of a leaf: the nuspec as NuGet.org's registration shows it. */
export function catalogEntry(hive: Hive, lowerId: string, v: StoredVersion) {
  const m = v.meta;
  const lv = lowerVersionOf(v);
  const entryId = `${BASE}/${hive}/${lowerId}/${lv}.json#catalogEntry`;
  return {
    "@id": entryId,
    "@type": "PackageDetails",
    authors: m.authors,
    dependencyGroups: m.dependencyGroups.map((g) => {
      const groupId = `${entryId}/dependencygroup/${(g.targetFramework || "any").toLowerCase()}`;
      return {
        "@id": groupId,
        "@type": "PackageDependencyGroup",
        ...(g.targetFramework ? { targetFramework: g.targetFramework } : {}),
        dependencies: g.dependencies.map((d) => dependency(hive, d, groupId)),
      };
    }),
    description: m.description,
    iconUrl: m.iconUrl ?? "",
    id: m.id,
    language: m.language ?? "",
    licenseExpression: m.license ?? "",
    licenseUrl: m.licenseUrl ?? "",
    listed: m.listed,
    minClientVersion: m.minClientVersion ?? "",
    packageContent: flatContainerUrl(lowerId, lv),
    projectUrl: m.projectUrl ?? "",
    published: new Date(v.published).toISOString(),
    requireLicenseAcceptance: m.requireLicenseAcceptance,
    summary: m.summary ?? "",
    tags: splitTags(m.tags),
    title: m.title ?? "",
    version: m.version,
  };
}

function leafInPage(hive: Hive, lowerId: string, v: StoredVersion) {
  const lv = lowerVersionOf(v);
  return {
    "@id": leafUrl(hive, lowerId, lv),
    "@type": "Package",
    commitId: commitIdOf(v),
    commitTimeStamp: new Date(v.published).toISOString(),
    catalogEntry: catalogEntry(hive, lowerId, v),
    packageContent: flatContainerUrl(lowerId, lv),
    registration: registrationIndexUrl(hive, lowerId),
  };
}

const commitIdOf = (v: StoredVersion): string => `${v.sha512.slice(0, 8)}-${v.sha512.slice(8, 12)}-${v.sha512.slice(12, 16)}-${v.sha512.slice(16, 20)}-${v.sha512.slice(20, 32)}`;

export interface RegistrationDocuments {
  index: string;
  /** Page documents by `{lower}/{upper}` (empty when inlined). */
  pages: Map<string, string>;
}

function pagesOf(versions: StoredVersion[]): StoredVersion[][] {
  const pages: StoredVersion[][] = [];
  for (let i = 0; i < versions.length; i += PAGE_SIZE) pages.push(versions.slice(i, i + PAGE_SIZE));
  return pages;
}

/** The hive's index (and page documents when paged); null when the hive has no version of the package. */
export function renderRegistration(pkg: StoredPackage, hive: Hive): RegistrationDocuments | null {
  const versions = versionsOfHive(pkg, hive);
  if (versions.length === 0) return null;
  const lowerId = pkg.lowerId;
  const indexId = registrationIndexUrl(hive, lowerId);
  const inline = versions.length <= INLINE_MAX;
  const pages = new Map<string, string>();
  const newest = Math.max(...versions.map((v) => v.published));
  const items = pagesOf(versions).map((page) => {
    const lower = page[0]?.meta.version ?? "";
    const upper = page[page.length - 1]?.meta.version ?? "";
    const leaves = page.map((v) => leafInPage(hive, lowerId, v));
    if (inline) return { "@id": `${indexId}#page/${lower.toLowerCase()}/${upper.toLowerCase()}`, "@type": "catalog:CatalogPage", count: page.length, items: leaves, parent: indexId, lower, upper };
    const id = pageUrl(hive, lowerId, lower.toLowerCase(), upper.toLowerCase());
    pages.set(`${lower.toLowerCase()}/${upper.toLowerCase()}`, JSON.stringify({ "@id": id, "@type": "catalog:CatalogPage", count: page.length, items: leaves, parent: indexId, lower, upper, "@context": CONTEXT }));
    return { "@id": id, "@type": "catalog:CatalogPage", count: page.length, lower, upper };
  });
  const index = {
    "@id": indexId,
    "@type": ["catalog:CatalogRoot", "PackageRegistration", "catalog:Permalink"],
    commitId: commitIdOf(versions[versions.length - 1] as StoredVersion),
    commitTimeStamp: new Date(newest).toISOString(),
    count: items.length,
    items,
    "@context": CONTEXT,
  };
  return { index: JSON.stringify(index), pages };
}

/** A leaf document (`{version}.json`). */
export function renderLeaf(pkg: StoredPackage, hive: Hive, v: StoredVersion): string {
  const lv = lowerVersionOf(v);
  return JSON.stringify({
    "@id": leafUrl(hive, pkg.lowerId, lv),
    "@type": ["Package", "http://schema.nuget.org/catalog#Permalink"],
    catalogEntry: `${leafUrl(hive, pkg.lowerId, lv)}#catalogEntry`,
    listed: v.meta.listed,
    packageContent: flatContainerUrl(pkg.lowerId, lv),
    published: new Date(v.published).toISOString(),
    registration: registrationIndexUrl(hive, pkg.lowerId),
    "@context": { "@vocab": "http://schema.nuget.org/schema#", xsd: "http://www.w3.org/2001/XMLSchema#", catalogEntry: { "@type": "@id" }, registration: { "@type": "@id" }, packageContent: { "@type": "@id" }, published: { "@type": "xsd:dateTime" } },
  });
}

/** The flat container's version list: every version (listed or not, as NuGet.org), lower case, ascending. */
export function renderFlatIndex(pkg: StoredPackage): string {
  return JSON.stringify({ versions: pkg.versions.map(lowerVersionOf) });
}

export { splitList, splitTags };

/** `{origin}/nuget/{repo}` of a served base URL (with or without its trailing slash). */
export const baseOf = (servedBase: string): string => servedBase.replace(/\/+$/, "");

/** A stored text with the BASE placeholder replaced by the serving repository's base. */
export const withBaseUrls = (text: string, base: string): string => text.replaceAll(BASE, baseOf(base));
