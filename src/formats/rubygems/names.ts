/**
 * RubyGems names, versions and platforms, and the file names built from them.
 * - Gem names: `Gem::Specification`'s rule (letters, digits, `.`, `-`, `_`, at least one
 *   letter). They are case-sensitive on the wire; a repository keeps one gem per
 *   case-insensitive name (the package's lower-case key), as rubygems.org does.
 * - Versions: `Gem::Version`'s pattern without the `-` form: the compact index separates a
 *   version from its platform with the first `-`, so `1.0-rc1` could not be told from a
 *   platform gem (RubyGems itself rewrites it to `1.0.pre.rc1`).
 * - Platforms: `ruby` (the default, never written) or a platform string (`x86_64-linux`, `java`).
 * - A version row's key is the compact index's `number[-platform]` ("full version"): platform
 *   gems of one number are separate versions, each with its own dependencies.
 * Version order is `Gem::Version#<=>` (https://docs.ruby-lang.org/en/3.3/Gem/Version.html).
 */

export const GEM_NAME = /^[A-Za-z0-9._-]+$/;
const VERSION = /^[0-9]+(?:\.[0-9A-Za-z]+)*$/;
const PLATFORM = /^[A-Za-z][A-Za-z0-9_.-]*$/;

export function gemNameProblem(name: string): string | null {
  if (name.length === 0) return "the name is empty";
  if (name.length > 100) return "the name is longer than 100 characters";
  if (!GEM_NAME.test(name)) return `"${name}" may contain only letters, digits, ".", "-" and "_"`;
  if (!/[A-Za-z]/.test(name)) return `"${name}" must include at least one letter`;
  return null;
}

export const isValidGemVersion = (version: string): boolean => version.length <= 128 && VERSION.test(version);

/** `ruby` (or nothing) is the default platform; others must look like a platform string. */
export function normalisePlatform(platform: string | null | undefined): string | null {
  if (platform === null || platform === undefined || platform === "" || platform === "ruby") return "ruby";
  return platform.length <= 64 && PLATFORM.test(platform) ? platform : null;
}

/** The compact index's `number[-platform]`. */
export const fullVersion = (number: string, platform: string): string => (platform === "ruby" ? number : `${number}-${platform}`);

/** `name-number[-platform]`: the gem's full name (file names, quick specs). */
export const fullName = (name: string, number: string, platform: string): string => `${name}-${fullVersion(number, platform)}`;

export const gemFilename = (name: string, number: string, platform: string): string => `${fullName(name, number, platform)}.gem`;

export interface FullName {
  name: string;
  number: string;
  platform: string;
}

/**
 * Splits `name-number[-platform]`: at the first `-` followed by something that reads as a
 * version (and an optional platform starting with a letter), so `net-http-0.4.1` and
 * `nokogiri-1.16.0-x86_64-linux` both split as expected.
 */
export function splitFullName(text: string): FullName | null {
  for (let i = text.indexOf("-"); i > 0; i = text.indexOf("-", i + 1)) {
    const name = text.slice(0, i);
    const rest = text.slice(i + 1);
    const dash = rest.indexOf("-");
    const number = dash === -1 ? rest : rest.slice(0, dash);
    const platform = dash === -1 ? "ruby" : normalisePlatform(rest.slice(dash + 1));
    if (!isValidGemVersion(number) || platform === null || gemNameProblem(name) !== null) continue;
    return { name, number, platform };
  }
  return null;
}

/** Splits the compact index's `number[-platform]`. */
export function splitFullVersion(text: string): { number: string; platform: string } | null {
  const dash = text.indexOf("-");
  const number = dash === -1 ? text : text.slice(0, dash);
  const platform = dash === -1 ? "ruby" : normalisePlatform(text.slice(dash + 1));
  return isValidGemVersion(number) && platform !== null ? { number, platform } : null;
}

type Segment = number | string;

/** `Gem::Version#canonical_segments`: release and prerelease parts, each without trailing zeros. */
function canonicalSegments(version: string): Segment[] {
  const segments: Segment[] = (version.match(/[0-9]+|[A-Za-z]+/g) ?? []).map((s) => (/^[0-9]/.test(s) ? Number(s) : s));
  const firstString = segments.findIndex((s) => typeof s === "string");
  const parts = firstString === -1 ? [segments] : [segments.slice(0, firstString), segments.slice(firstString)];
  return parts.flatMap((part) => {
    const trimmed = [...part];
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === 0) trimmed.pop();
    return trimmed;
  });
}

/** `Gem::Version#<=>`: numbers compare numerically, a letter segment sorts before any number. */
export function compareGemVersions(a: string, b: string): number {
  const left = canonicalSegments(a);
  const right = canonicalSegments(b);
  const limit = Math.max(left.length, right.length);
  for (let i = 0; i < limit; i++) {
    const l = left[i] ?? 0;
    const r = right[i] ?? 0;
    if (l === r) continue;
    if (typeof l === "string" && typeof r === "number") return -1;
    if (typeof l === "number" && typeof r === "string") return 1;
    return l < r ? -1 : 1;
  }
  return 0;
}

/** A prerelease version has a letter in it (`1.0.0.pre`, `2.0.rc1`). */
export const isPrerelease = (version: string): boolean => /[A-Za-z]/.test(version);
