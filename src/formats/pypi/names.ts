/**
 * PyPI project names and distribution filenames.
 * - Names: PEP 508's valid-name rule and PEP 503 normalisation (runs of `-`, `_`, `.`
 *   become one `-`, lower-cased); the normalised name is the package's lookup key.
 * - Filenames: wheels `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl` (PEP 427,
 *   name with `_` for separators) and sdists `{name}-{version}.tar.gz` / `.zip` (PEP 625;
 *   legacy sdists may keep `-` in the name, so the version is the longest valid PEP 440
 *   tail).
 */
import { isValidVersion, normalizeVersion } from "./versions";

export { compareVersions, isPrerelease, isValidVersion, normalizeVersion, parseVersion } from "./versions";

const NAME_PATTERN = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const MAX_NAME_LENGTH = 200;
const MAX_FILENAME_LENGTH = 255;

export function isValidProjectName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME_PATTERN.test(name);
}

/** PEP 503 normalisation: `Foo.Bar__baz` → `foo-bar-baz`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

export type DistributionKind = "wheel" | "sdist";

export interface DistributionFilename {
  kind: DistributionKind;
  /** The name as spelled in the filename. */
  name: string;
  version: string;
  /** The archive format inside: wheels and `.zip` sdists are zip, `.tar.gz` sdists tar. */
  archive: "zip" | "tar.gz";
}

/** Characters allowed in a distribution filename: no separators, no controls, no `%`. */
const FILENAME_CHARS = /^[A-Za-z0-9._+!-]+$/;

/** Parses a wheel or sdist filename; null when it is neither (PyPI's "Invalid distribution file"). */
export function parseDistributionFilename(filename: string): DistributionFilename | null {
  if (filename.length > MAX_FILENAME_LENGTH || !FILENAME_CHARS.test(filename) || filename.includes("..")) return null;
  if (filename.endsWith(".whl")) return parseWheel(filename.slice(0, -".whl".length));
  for (const [suffix, archive] of [[".tar.gz", "tar.gz"], [".zip", "zip"]] as const) {
    if (filename.toLowerCase().endsWith(suffix)) return parseSdist(filename.slice(0, -suffix.length), archive);
  }
  return null;
}

function parseWheel(stem: string): DistributionFilename | null {
  const parts = stem.split("-");
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [name = "", version = ""] = parts;
  if (parts.some((part) => part.length === 0)) return null;
  if (parts.length === 6 && !/^[0-9]/.test(parts[2] ?? "")) return null; // build tag starts with a digit
  if (!isValidProjectName(name) || !isValidVersion(version)) return null;
  return { kind: "wheel", name, version, archive: "zip" };
}

function parseSdist(stem: string, archive: "zip" | "tar.gz"): DistributionFilename | null {
  // The leftmost split whose tail is a version: `foo-bar-1.0` → (`foo-bar`, `1.0`).
  let index = stem.indexOf("-");
  while (index > 0) {
    const name = stem.slice(0, index);
    const version = stem.slice(index + 1);
    if (isValidProjectName(name) && isValidVersion(version) && !version.includes("-")) return { kind: "sdist", name, version, archive };
    index = stem.indexOf("-", index + 1);
  }
  return null;
}

/** True when the filename's name and version designate the given project and version. */
export function filenameMatches(parsed: DistributionFilename, name: string, version: string): boolean {
  return normalizeName(parsed.name) === normalizeName(name) && normalizeVersion(parsed.version) === normalizeVersion(version);
}

/** The project a file belongs to, from its filename alone (normalised); null when not a distribution. */
export function projectOfFilename(filename: string): string | null {
  const parsed = parseDistributionFilename(filename);
  return parsed ? normalizeName(parsed.name) : null;
}
