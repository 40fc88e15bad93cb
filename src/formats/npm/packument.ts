/**
 * Packument assembly, pure (https://github.com/npm/registry/blob/main/docs/responses/package-metadata.md):
 * - full (`application/json`): `_id`, `_rev`, `name`, `dist-tags`, `versions` (each version
 *   object as published, `dist.tarball` pointing at this registry), `time` (`created`,
 *   `modified`, one entry per version), `readme`, and top-level `description`, `keywords`,
 *   `license`, `homepage`, `repository`, `bugs`, `author`, `maintainers` from the `latest` version;
 * - abbreviated (`application/vnd.npm.install-v1+json`): `name`, `modified`, `dist-tags`, and
 *   per version only the fields an installer needs.
 * Linear in the number of versions apart from one sort (each version parsed once), so a
 * 4,000-version package costs milliseconds. Shared with the remote/virtual engine.
 */
import { SemVer } from "semver";

export type JsonObject = Record<string, unknown>;

export interface StoredVersion {
  version: string;
  /** The version object as published (without `dist.tarball`). */
  metadata: JsonObject;
  createdAt: number;
}

export interface PackumentOptions {
  name: string;
  /** Registry base URL ending in `/`, e.g. `https://host/npm/repo/`. */
  tarballBase: string;
  created: number;
  modified: number;
  rev: string;
  readme?: string | undefined;
}

export interface Packument {
  _id: string;
  _rev: string;
  name: string;
  "dist-tags": Record<string, string>;
  versions: Record<string, JsonObject>;
  time: Record<string, string>;
  [field: string]: unknown;
}

export interface AbbreviatedPackument {
  name: string;
  modified: string;
  "dist-tags": Record<string, string>;
  versions: Record<string, JsonObject>;
}

export const ABBREVIATED_MEDIA_TYPE = "application/vnd.npm.install-v1+json";

/** Version fields kept in the abbreviated document (npm's list, plus aliases npm reads). */
export const INSTALL_FIELDS = [
  "name", "version", "deprecated", "dependencies", "optionalDependencies", "devDependencies", "bundleDependencies",
  "bundledDependencies", "peerDependencies", "peerDependenciesMeta", "bin", "directories", "dist", "engines", "cpu", "os",
  "libc", "_hasShrinkwrap", "hasInstallScript", "funding", "license", "acceptDependencies",
] as const;

const TOP_LEVEL_FROM_LATEST = ["description", "keywords", "license", "homepage", "repository", "bugs", "author"] as const;

/** `{base}{name}/-/{basename}-{version}.tgz`, as registry.npmjs.org spells tarball URLs. */
export function tarballUrl(base: string, name: string, version: string): string {
  const basename = name.startsWith("@") ? name.slice(name.indexOf("/") + 1) : name;
  return `${base}${name}/-/${basename}-${version}.tgz`;
}

/** Ascending SemVer order (invalid versions first, by text); each version is parsed once. */
export function sortVersions(versions: readonly string[]): string[] {
  const parsed = versions.map((v) => {
    try {
      return { v, s: new SemVer(v) };
    } catch {
      return { v, s: null };
    }
  });
  parsed.sort((a, b) => {
    if (a.s && b.s) return a.s.compare(b.s) || (a.v < b.v ? -1 : a.v > b.v ? 1 : 0);
    if (!a.s && !b.s) return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
    return a.s ? 1 : -1;
  });
  return parsed.map((p) => p.v);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The version object as served: stored metadata with `dist.tarball` pointing here. */
export function renderVersion(stored: JsonObject, name: string, version: string, tarballBase: string): JsonObject {
  const dist = isObject(stored.dist) ? stored.dist : {};
  return { ...stored, dist: { ...dist, tarball: tarballUrl(tarballBase, name, version) } };
}

function maintainersOf(latest: JsonObject | undefined, versions: readonly StoredVersion[]): unknown {
  if (latest && Array.isArray(latest.maintainers)) return latest.maintainers;
  const seen = new Map<string, JsonObject>();
  for (const v of versions) {
    const user = v.metadata._npmUser;
    if (isObject(user) && typeof user.name === "string" && !seen.has(user.name)) seen.set(user.name, user);
  }
  return [...seen.values()];
}

/** The full packument of a hosted package. */
export function buildPackument(versions: readonly StoredVersion[], distTags: Readonly<Record<string, string>>, options: PackumentOptions): Packument {
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  const order = sortVersions([...byVersion.keys()]);
  const rendered: Record<string, JsonObject> = {};
  const time: Record<string, string> = { created: new Date(options.created).toISOString(), modified: new Date(options.modified).toISOString() };
  for (const version of order) {
    const stored = byVersion.get(version);
    if (!stored) continue;
    rendered[version] = renderVersion(stored.metadata, options.name, version, options.tarballBase);
    time[version] = new Date(stored.createdAt).toISOString();
  }
  const tags: Record<string, string> = {};
  for (const [tag, version] of Object.entries(distTags)) if (byVersion.has(version)) tags[tag] = version;
  const latestVersion = tags.latest ?? order[order.length - 1];
  const latest = latestVersion === undefined ? undefined : byVersion.get(latestVersion)?.metadata;

  const packument: Packument = { _id: options.name, _rev: options.rev, name: options.name, "dist-tags": tags, versions: rendered, time };
  for (const field of TOP_LEVEL_FROM_LATEST) if (latest?.[field] !== undefined) packument[field] = latest[field];
  packument.maintainers = maintainersOf(latest, versions);
  if (options.readme !== undefined) packument.readme = options.readme;
  return packument;
}

const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"];

/** One version reduced to the install fields; `hasInstallScript` derived from `scripts` as npmjs does. */
export function abbreviateVersion(version: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const field of INSTALL_FIELDS) if (version[field] !== undefined) out[field] = version[field];
  const scripts = version.scripts;
  if (out.hasInstallScript === undefined && isObject(scripts) && INSTALL_SCRIPTS.some((s) => typeof scripts[s] === "string")) {
    out.hasInstallScript = true;
  }
  return out;
}

/** The abbreviated ("corgi") document of a full packument. */
export function abbreviate(packument: Packument): AbbreviatedPackument {
  const versions: Record<string, JsonObject> = {};
  for (const [version, doc] of Object.entries(packument.versions)) versions[version] = abbreviateVersion(doc);
  return { name: packument.name, modified: packument.time.modified ?? new Date(0).toISOString(), "dist-tags": packument["dist-tags"], versions };
}
