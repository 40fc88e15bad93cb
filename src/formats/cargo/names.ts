/**
 * Crate names, versions and sparse-index paths.
 *
 * Names follow crates.io (and Gitea): an ASCII letter, then letters, digits, `-` and `_`, at
 * most 64 characters. Lookups are by the lower-cased name: cargo asks for the index file of
 * the lower-cased name at the standard prefix path (`1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…`).
 * Versions are SemVer 2.0 (cargo requires it); build metadata does not make a new version
 * (`1.0.0+a` and `1.0.0+b` are the same version, as on crates.io).
 */
import semver from "semver";

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function isValidCrateName(name: string): boolean {
  return NAME.test(name);
}

/** Why a name is refused, in words cargo users know from crates.io; null when it is valid. */
export function crateNameProblem(name: string): string | null {
  if (name === "") return "crate name cannot be empty";
  if (name.length > 64) return `crate name \`${name.slice(0, 80)}…\` is longer than 64 characters`;
  if (!/^[A-Za-z]/.test(name)) return `crate name \`${name}\` must start with an ASCII letter`;
  if (!NAME.test(name)) return `crate name \`${name}\` may contain only ASCII letters, digits, \`-\` and \`_\``;
  return null;
}

export const lowerCrateName = (name: string): string => name.toLowerCase();

/** A strict SemVer 2.0 version (no leading `v`, no loose forms), or null. */
export function parseCrateVersion(version: string): string | null {
  if (version.length > 128 || /^[vV=]/.test(version)) return null;
  const plus = version.indexOf("+");
  const core = plus < 0 ? version : version.slice(0, plus);
  if (plus >= 0 && !/^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/.test(version.slice(plus + 1))) return null;
  return semver.valid(core) === core ? version : null;
}

/** The lookup key of a version: without build metadata, lower-cased. */
export const lowerCrateVersion = (version: string): string => version.replace(/\+.*$/, "").toLowerCase();

export function compareCrateVersions(a: string, b: string): number {
  const va = semver.valid(a);
  const vb = semver.valid(b);
  if (va && vb) return semver.compare(va, vb) || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The directory of a crate's index file, in the name's own case (cargo's `{prefix}`). */
export function prefixOf(name: string): string {
  if (name.length === 1) return "1";
  if (name.length === 2) return "2";
  if (name.length === 3) return `3/${name[0]}`;
  return `${name.slice(0, 2)}/${name.slice(2, 4)}`;
}

/** The sparse-index path of a crate (without `index/`), from its lower-cased name. */
export function indexPathOf(name: string): string {
  const lower = lowerCrateName(name);
  return `${prefixOf(lower)}/${lower}`;
}

/**
 * The crate a sparse-index path (without `index/`) names, when the path is the standard
 * prefix path of that name; null otherwise. Prefixes are matched case-insensitively (cargo
 * lower-cases the whole path; a client that does not still finds the crate).
 */
export function crateOfIndexPath(path: string): string | null {
  const segments = path.split("/");
  const name = segments[segments.length - 1] ?? "";
  if (!isValidCrateName(name)) return null;
  return indexPathOf(name) === path.toLowerCase() ? name : null;
}

/** The stored file name of a crate version. */
export const crateFilename = (name: string, version: string): string => `${name}-${version}.crate`;
