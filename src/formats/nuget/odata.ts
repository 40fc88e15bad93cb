/**
 * The NuGet v2 (OData, Atom XML) feed at `/nuget/{repo}/api/v2/`, for older clients
 * (nuget.exe 2.x, Visual Studio's v2 sources), as Gitea serves it: the service document,
 * `$metadata`, `Packages()` (with `$filter` `tolower(Id) eq 'x'` or
 * `substringof('x',tolower(Id))`), `Packages(Id='x',Version='y')`, `Search()` (`searchTerm`,
 * `includePrerelease`, `$filter=IsLatestVersion|IsAbsoluteLatestVersion`),
 * `FindPackagesById()?id='x'`, each with `$skip`/`$top` and a `/$count` variant. An unlisted
 * version is shown with `Published` 1900-01-01 (how NuGet.Core tells unlisted), and only in
 * `FindPackagesById()` and the single-entry lookup. `content@src` is the flat container URL.
 */
import type { NuGetVersionMetadata, StoredPackage, StoredVersion } from "./stored";
import { lowerVersionOf } from "./registration";

const ATOM = "http://www.w3.org/2005/Atom";
const D = "http://schemas.microsoft.com/ado/2007/08/dataservices";
const M = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata";
export const ATOM_TYPE = "application/atom+xml;type=feed;charset=utf-8";
export const ENTRY_TYPE = "application/atom+xml;type=entry;charset=utf-8";
export const XML_TYPE = "application/xml;charset=utf-8";
const UNLISTED = "1900-01-01T00:00:00Z";

export const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

/** `'x'` OData string literal → x (quotes doubled inside). */
export function odataString(value: string | undefined): string {
  const match = /^\s*'((?:[^']|'')*)'\s*$/.exec(value ?? "");
  return match ? (match[1] ?? "").replace(/''/g, "'") : (value ?? "").trim();
}

export function serviceDocument(v2Base: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><service xml:base="${esc(v2Base)}" xmlns="http://www.w3.org/2007/app" xmlns:atom="${ATOM}"><workspace><atom:title type="text">Default</atom:title><collection href="Packages"><atom:title type="text">Packages</atom:title></collection></workspace></service>`;
}

const PROPERTIES: [string, string, boolean][] = [
  ["Id", "Edm.String", false],
  ["Version", "Edm.String", false],
  ["NormalizedVersion", "Edm.String", true],
  ["Authors", "Edm.String", true],
  ["Copyright", "Edm.String", true],
  ["Created", "Edm.DateTime", false],
  ["Dependencies", "Edm.String", true],
  ["Description", "Edm.String", true],
  ["DownloadCount", "Edm.Int32", false],
  ["IconUrl", "Edm.String", true],
  ["IsLatestVersion", "Edm.Boolean", false],
  ["IsAbsoluteLatestVersion", "Edm.Boolean", false],
  ["IsPrerelease", "Edm.Boolean", false],
  ["Language", "Edm.String", true],
  ["LastUpdated", "Edm.DateTime", false],
  ["Published", "Edm.DateTime", false],
  ["PackageHash", "Edm.String", true],
  ["PackageHashAlgorithm", "Edm.String", true],
  ["PackageSize", "Edm.Int64", false],
  ["ProjectUrl", "Edm.String", true],
  ["ReleaseNotes", "Edm.String", true],
  ["RequireLicenseAcceptance", "Edm.Boolean", false],
  ["Summary", "Edm.String", true],
  ["Tags", "Edm.String", true],
  ["Title", "Edm.String", true],
  ["VersionDownloadCount", "Edm.Int32", false],
  ["LicenseUrl", "Edm.String", true],
  ["MinClientVersion", "Edm.String", true],
];

export function metadataDocument(): string {
  const props = PROPERTIES.map(([name, type, nullable]) => `<Property Name="${name}" Type="${type}" Nullable="${nullable}"/>`).join("");
  const fn = (name: string, params: [string, string][]) =>
    `<FunctionImport Name="${name}" ReturnType="Collection(NuGetGallery.OData.V2FeedPackage)" EntitySet="Packages">${params.map(([n, t]) => `<Parameter Name="${n}" Type="${t}"/>`).join("")}</FunctionImport>`;
  return `<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx"><edmx:DataServices m:DataServiceVersion="2.0" m:MaxDataServiceVersion="2.0" xmlns:m="${M}"><Schema Namespace="NuGetGallery.OData" xmlns="http://schemas.microsoft.com/ado/2006/04/edm"><EntityType Name="V2FeedPackage" m:HasStream="true"><Key><PropertyRef Name="Id"/><PropertyRef Name="Version"/></Key>${props}</EntityType></Schema><Schema Namespace="NuGetGallery" xmlns="http://schemas.microsoft.com/ado/2006/04/edm"><EntityContainer Name="V2FeedContext" m:IsDefaultEntityContainer="true"><EntitySet Name="Packages" EntityType="NuGetGallery.OData.V2FeedPackage"/>${fn("Search", [["searchTerm", "Edm.String"], ["targetFramework", "Edm.String"], ["includePrerelease", "Edm.Boolean"]])}${fn("FindPackagesById", [["id", "Edm.String"]])}${fn("GetUpdates", [["packageIds", "Edm.String"], ["versions", "Edm.String"], ["includePrerelease", "Edm.Boolean"], ["includeAllVersions", "Edm.Boolean"], ["targetFrameworks", "Edm.String"], ["versionConstraints", "Edm.String"]])}</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;
}

/** `id:range:targetFramework` joined by `|` (NuGet.Core's v2 dependency string). */
export function dependencyString(meta: NuGetVersionMetadata): string {
  return meta.dependencyGroups
    .flatMap((g) => (g.dependencies.length ? g.dependencies.map((d) => `${d.id}:${d.range}:${g.targetFramework}`) : g.targetFramework ? [`::${g.targetFramework}`] : []))
    .join("|");
}

function hexToBase64(hex: string): string {
  let binary = "";
  for (let i = 0; i + 1 < hex.length; i += 2) binary += String.fromCharCode(Number.parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
}

export interface EntryContext {
  /** `{origin}/nuget/{repo}` */
  base: string;
  /** The package's newest listed release and newest listed version (for IsLatestVersion flags). */
  latestRelease: string | null;
  latestAny: string | null;
}

export function latestOf(pkg: StoredPackage): Pick<EntryContext, "latestRelease" | "latestAny"> {
  const listed = pkg.versions.filter((v) => v.meta.listed);
  return { latestRelease: [...listed].reverse().find((v) => !v.meta.prerelease)?.meta.version ?? null, latestAny: listed[listed.length - 1]?.meta.version ?? null };
}

function typed(name: string, type: string, value: string | number | boolean): string {
  return `<d:${name} m:type="${type}">${esc(String(value))}</d:${name}>`;
}

const text = (name: string, value: string | undefined): string => (value ? `<d:${name}>${esc(value)}</d:${name}>` : `<d:${name} m:null="true"/>`);

export function entry(pkg: StoredPackage, v: StoredVersion, context: EntryContext, withNamespaces: boolean): string {
  const m = v.meta;
  const v2 = `${context.base}/api/v2`;
  const self = `${v2}/Packages(Id='${esc(pkg.id)}',Version='${esc(m.version)}')`;
  const lid = pkg.lowerId;
  const lv = lowerVersionOf(v);
  const src = `${context.base}/v3-flatcontainer/${lid}/${lv}/${lid}.${lv}.nupkg`;
  const created = new Date(v.published).toISOString();
  const namespaces = withNamespaces ? ` xml:base="${esc(v2)}" xmlns="${ATOM}" xmlns:d="${D}" xmlns:m="${M}"` : "";
  const properties = [
    text("Id", pkg.id),
    text("Version", m.version),
    text("NormalizedVersion", m.version),
    text("Authors", m.authors),
    text("Copyright", m.copyright),
    typed("Created", "Edm.DateTime", created),
    text("Dependencies", dependencyString(m)),
    text("Description", m.description),
    typed("DownloadCount", "Edm.Int32", v.downloads),
    text("IconUrl", m.iconUrl),
    typed("IsLatestVersion", "Edm.Boolean", m.version === context.latestRelease),
    typed("IsAbsoluteLatestVersion", "Edm.Boolean", m.version === context.latestAny),
    typed("IsPrerelease", "Edm.Boolean", m.prerelease),
    text("Language", m.language),
    typed("LastUpdated", "Edm.DateTime", created),
    typed("Published", "Edm.DateTime", m.listed ? created : UNLISTED),
    text("PackageHash", hexToBase64(v.sha512)),
    text("PackageHashAlgorithm", "SHA512"),
    typed("PackageSize", "Edm.Int64", v.size),
    text("ProjectUrl", m.projectUrl),
    text("ReleaseNotes", m.releaseNotes),
    typed("RequireLicenseAcceptance", "Edm.Boolean", m.requireLicenseAcceptance),
    text("Summary", m.summary),
    text("Tags", m.tags),
    text("Title", m.title ?? pkg.id),
    typed("VersionDownloadCount", "Edm.Int32", v.downloads),
    text("LicenseUrl", m.licenseUrl),
    text("MinClientVersion", m.minClientVersion),
  ].join("");
  return `<entry${namespaces}><id>${esc(self)}</id><category term="NuGetGallery.OData.V2FeedPackage" scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme"/><link rel="edit" href="${esc(self)}"/><link rel="self" href="${esc(self)}"/><title type="text">${esc(pkg.id)}</title><updated>${created}</updated><author><name>${esc(m.authors)}</name></author><summary type="text">${esc(m.summary ?? "")}</summary><content type="application/zip" src="${esc(src)}"/><m:properties>${properties}</m:properties></entry>`;
}

export interface FeedItem {
  pkg: StoredPackage;
  version: StoredVersion;
}

/** An Atom feed of entries; `next` is the URL of the following page, when this one is full. */
export function feed(base: string, title: string, items: readonly FeedItem[], count: number, next: string | null): string {
  const v2 = `${base}/api/v2`;
  const entries = items.map(({ pkg, version }) => entry(pkg, version, { base, ...latestOf(pkg) }, false)).join("");
  const nextLink = next ? `<link rel="next" href="${esc(next)}"/>` : "";
  return `<?xml version="1.0" encoding="utf-8"?><feed xml:base="${esc(v2)}" xmlns="${ATOM}" xmlns:d="${D}" xmlns:m="${M}"><m:count>${count}</m:count><id>${esc(`${v2}/${title}`)}</id><title type="text">${esc(title)}</title><updated>${new Date().toISOString()}</updated><link rel="self" title="${esc(title)}" href="${esc(title)}"/>${entries}${nextLink}</feed>`;
}
