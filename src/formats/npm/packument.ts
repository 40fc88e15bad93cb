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
import { joinMembers } from "./virtual/json-scan";

export type JsonObject = Record<string, unknown>;

export interface StoredVersion {
  version: string;
  /** The version object as published (without `dist.tarball`), parsed or as stored text. */
  metadata: JsonObject | string;
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


/**
 * The full packument of a hosted package as JSON text. Versions are rendered one at a time
 * from their stored text and kept as text, so a 4,000-version (20 MB) package never exists as
 * one object graph — the build runs inside a Durable Object with 128 MB.
 */
export function buildPackumentText(versions: readonly StoredVersion[], distTags: Readonly<Record<string, string>>, options: PackumentOptions): string {
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  const order = sortVersions([...byVersion.keys()]);
  const tags: Record<string, string> = {};
  for (const [tag, version] of Object.entries(distTags)) if (byVersion.has(version)) tags[tag] = version;
  const latestVersion = tags.latest ?? order[order.length - 1];

  const rendered: [string, string][] = [];
  const time: Record<string, string> = { created: new Date(options.created).toISOString(), modified: new Date(options.modified).toISOString() };
  const publisherOf = new Map<string, JsonObject>();
  let latest: JsonObject | undefined;
  for (const version of order) {
    const stored = byVersion.get(version);
    if (!stored) continue;
    const metadata = typeof stored.metadata === "string" ? parseObject(stored.metadata) : stored.metadata;
    const user = metadata._npmUser;
    if (isObject(user) && typeof user.name === "string") publisherOf.set(version, user);
    if (version === latestVersion) latest = metadata;
    rendered.push([version, JSON.stringify(renderVersion(metadata, options.name, version, options.tarballBase))]);
    time[version] = new Date(stored.createdAt).toISOString();
  }

  const top: [string, string][] = [
    ["_id", JSON.stringify(options.name)],
    ["_rev", JSON.stringify(options.rev)],
    ["name", JSON.stringify(options.name)],
    ["dist-tags", JSON.stringify(tags)],
    ["versions", joinMembers(rendered)],
    ["time", JSON.stringify(time)],
  ];
  for (const field of TOP_LEVEL_FROM_LATEST) if (latest?.[field] !== undefined) top.push([field, JSON.stringify(latest[field])]);
  // Without maintainers on latest: each distinct publisher, in the order the versions were given.
  const publishers = new Map<unknown, JsonObject>();
  for (const { version } of versions) {
    const user = publisherOf.get(version);
    if (user && !publishers.has(user.name)) publishers.set(user.name, user);
  }
  const maintainers = latest && Array.isArray(latest.maintainers) ? latest.maintainers : [...publishers.values()];
  top.push(["maintainers", JSON.stringify(maintainers)]);
  if (options.readme !== undefined) top.push(["readme", JSON.stringify(options.readme)]);
  return joinMembers(top);
}

/**
 * The abbreviated ("corgi") packument of a hosted package as JSON text: `name`, `modified`,
 * `dist-tags` and each version reduced to the install fields, built straight from the
 * stored versions (one parsed at a time).
 */
export function buildAbbreviatedText(versions: readonly StoredVersion[], distTags: Readonly<Record<string, string>>, options: PackumentOptions): string {
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  const tags: Record<string, string> = {};
  for (const [tag, version] of Object.entries(distTags)) if (byVersion.has(version)) tags[tag] = version;
  const rendered: [string, string][] = [];
  for (const version of sortVersions([...byVersion.keys()])) {
    const stored = byVersion.get(version);
    if (!stored) continue;
    const metadata = typeof stored.metadata === "string" ? parseObject(stored.metadata) : stored.metadata;
    rendered.push([version, JSON.stringify(abbreviateVersion(renderVersion(metadata, options.name, version, options.tarballBase)))]);
  }
  return joinMembers([
    ["name", JSON.stringify(options.name)],
    ["modified", JSON.stringify(new Date(options.modified).toISOString())],
    ["dist-tags", JSON.stringify(tags)],
    ["versions", joinMembers(rendered)],
  ]);
}

function parseObject(text: string): JsonObject {
  const value: unknown = JSON.parse(text);
  return isObject(value) ? value : {};
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

