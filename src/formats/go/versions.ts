/**
 * Go version order and the pure pieces of `@v/list` and `@latest`:
 * - `compareGoVersions`: semantic version precedence (build metadata such as
 *   `+incompatible` ignored, as golang.org/x/mod/semver does);
 * - `parseVersionList`/`renderVersionList`: `@v/list` is one version per line; pseudo-versions
 *   are left out (the protocol says the list should not include them);
 * - `latestOf`: what `@latest` answers: the highest release, else the highest prerelease,
 *   else the highest pseudo-version (the go command's own preference).
 */
import { parse } from "semver";
import { isCanonicalVersion, isPrerelease, isPseudoVersion } from "./module-path";

export function compareGoVersions(a: string, b: string): number {
  const pa = parse(a.replace(/\+incompatible$/, ""));
  const pb = parse(b.replace(/\+incompatible$/, ""));
  if (pa && pb) return pa.compare(pb);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function parseVersionList(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim().split(/\s+/)[0] ?? "")
    .filter((version) => isCanonicalVersion(version));
}

/** Sorted, de-duplicated, pseudo-versions left out; one per line with a final newline ("" when empty). */
export function renderVersionList(versions: Iterable<string>): string {
  const unique = [...new Set(versions)].filter((v) => isCanonicalVersion(v) && !isPseudoVersion(v)).sort(compareGoVersions);
  return unique.map((v) => `${v}\n`).join("");
}

export function latestOf(versions: readonly string[]): string | null {
  const canonical = versions.filter(isCanonicalVersion);
  const rank = (v: string) => (isPseudoVersion(v) ? 0 : isPrerelease(v) ? 1 : 2);
  let best: string | null = null;
  for (const version of canonical) {
    if (best === null || rank(version) > rank(best) || (rank(version) === rank(best) && compareGoVersions(version, best) > 0)) best = version;
  }
  return best;
}

/** The `.info` / `@latest` JSON: `{"Version":"v1.2.3","Time":"2026-…Z"}`. */
export function renderInfo(version: string, time: number | Date | null): string {
  const when = time === null ? null : new Date(time);
  return JSON.stringify(when && !Number.isNaN(when.getTime()) ? { Version: version, Time: when.toISOString().replace(/\.\d{3}Z$/, "Z") } : { Version: version });
}

/** `Version` and `Time` of an `.info`/`@latest` answer; null when it is not one. */
export function parseInfo(text: string): { Version: string; Time?: string } | null {
  try {
    const value = JSON.parse(text) as { Version?: unknown; Time?: unknown };
    if (typeof value.Version !== "string" || !isCanonicalVersion(value.Version)) return null;
    return typeof value.Time === "string" ? { Version: value.Version, Time: value.Time } : { Version: value.Version };
  } catch {
    return null;
  }
}
