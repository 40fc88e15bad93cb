/**
 * npm package names, dist-tag names and tarball file names.
 *
 * Names follow validate-npm-package-name 7.0.2 (what npm 11 uses): errors make a name
 * invalid everywhere (empty, leading `.`/`-`/`_`, surrounding spaces, `node_modules`,
 * `favicon.ico`, not URL-safe unless `@scope/name` with URL-safe parts, a scoped name
 * starting with `.`); its "warnings" (over 214 characters, capitals, `~'!()*`) only
 * forbid *new* packages, so old names can still be read. Core-module names (`fs`, `http`)
 * are a warning there too; a private registry may host such forks, so they are allowed.
 * Tarballs are `{name without scope}-{version}.tgz`, as registry.npmjs.org names them.
 */
import { validRange } from "semver";
import { RegistryError } from "../../errors";

export const MAX_NAME_LENGTH = 214;
const EXCLUDED = new Set(["node_modules", "favicon.ico"]);
const scopedPattern = /^@([^/]+)\/([^/]+)$/;

export interface NpmName {
  /** As written: `pkg` or `@scope/pkg`. */
  name: string;
  /** The scope without `@`, or null. */
  scope: string | null;
  /** The part after the scope (the tarball's base name). */
  basename: string;
}

function invalid(name: string, reason: string): RegistryError {
  return new RegistryError("name_invalid", `invalid package name "${name}": ${reason}`, { field: "name" });
}

const urlSafe = (text: string): boolean => encodeURIComponent(text) === text;

/** Problems that make a name unusable for any package (new or old). */
function errors(name: string): string[] {
  const out: string[] = [];
  if (name.length === 0) out.push("name length must be greater than zero");
  if (name.startsWith(".")) out.push("name cannot start with a period");
  if (name.startsWith("-")) out.push("name cannot start with a hyphen");
  if (name.startsWith("_")) out.push("name cannot start with an underscore");
  if (name.trim() !== name) out.push("name cannot contain leading or trailing spaces");
  if (EXCLUDED.has(name.toLowerCase())) out.push(`${name.toLowerCase()} is not a valid package name`);
  if (!urlSafe(name)) {
    const scoped = scopedPattern.exec(name);
    const [, scope = "", pkg = ""] = scoped ?? [];
    if (scoped && pkg.startsWith(".")) out.push("name cannot start with a period");
    if (!scoped || !urlSafe(scope) || !urlSafe(pkg)) out.push("name can only contain URL-friendly characters");
  }
  return out;
}

/** Problems that only forbid publishing a new package under this name. */
function newPackageProblems(name: string): string[] {
  const out: string[] = [];
  if (name.length > MAX_NAME_LENGTH) out.push(`name can no longer contain more than ${MAX_NAME_LENGTH} characters`);
  if (name.toLowerCase() !== name) out.push("name can no longer contain capital letters");
  if (/[~'!()*]/.test(name.split("/").slice(-1)[0] ?? "")) out.push(`name can no longer contain special characters ("~'!()*")`);
  return out;
}

/** Validates a name; `new` applies the stricter rules for packages that do not exist yet. */
export function validateNpmName(name: string, mode: "new" | "existing"): NpmName {
  const problems = [...errors(name), ...(mode === "new" ? newPackageProblems(name) : [])];
  // Reading: anything that long is garbage, not an old package.
  if (mode === "existing" && name.length > 1024) problems.push("name is too long");
  const [first] = problems;
  if (first !== undefined) throw invalid(name, first);
  const scoped = scopedPattern.exec(name);
  return scoped ? { name, scope: scoped[1] ?? null, basename: scoped[2] ?? name } : { name, scope: null, basename: name };
}

/** Non-throwing form, for path classification. */
export function isValidNpmName(name: string): boolean {
  return errors(name).length === 0 && name.length <= 1024;
}

/** `{basename}-{version}.tgz` */
export function tarballFilename(name: NpmName, version: string): string {
  return `${name.basename}-${version}.tgz`;
}

/** The version a tarball file name names for this package, or null if it is not one of its tarballs. */
export function versionFromFilename(name: NpmName, filename: string): string | null {
  const prefix = `${name.basename}-`;
  if (!filename.startsWith(prefix) || !filename.endsWith(".tgz")) return null;
  const version = filename.slice(prefix.length, -".tgz".length);
  return version.length > 0 ? version : null;
}

/**
 * Dist-tag names: non-empty, at most 128 URL-safe characters, and — as `npm dist-tag add`
 * insists — not a valid SemVer range (`1.x`, `^2`, `v1.0`), since `pkg@<tag>` would be ambiguous.
 */
export function validateTagName(tag: string): string {
  if (tag.length === 0 || tag.length > 128 || !urlSafe(tag)) {
    throw new RegistryError("bad_request", `invalid dist-tag "${tag}": 1-128 URL-safe characters`, { field: "tag" });
  }
  if (validRange(tag) !== null) throw new RegistryError("bad_request", `Tag name must not be a valid SemVer range: ${tag}`, { field: "tag" });
  return tag;
}
