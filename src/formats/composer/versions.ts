/**
 * Composer version strings, as composer/semver's `VersionParser` reads them
 * (https://getcomposer.org/doc/articles/versions.md): `normalizeVersion` gives the
 * `version_normalized` a p2 entry carries (`v1.2` → `1.2.0.0`, `2.0.0-beta1` →
 * `2.0.0.0-beta1`, `1.x-dev` → `1.9999999.9999999.9999999-dev`, `dev-main` stays), which is
 * also the hosted version key; `isDevVersion` decides whether an entry belongs in the
 * `~dev` document (`dev-*` branches and `*-dev` versions, as packagist splits them).
 */

const MODIFIER = "[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?";
const CLASSIC = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, "i");
const DATED = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3})?)${MODIFIER}$`, "i");
const BRANCH_NUMBER = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/;

function expandStability(stability: string): string {
  const lower = stability.toLowerCase();
  if (lower === "a") return "alpha";
  if (lower === "b") return "beta";
  if (lower === "p" || lower === "pl") return "patch";
  if (lower === "rc") return "RC";
  return lower;
}

/** A numeric branch (`1.x`, `2.3.*`) as composer normalises it, or null for a named branch. */
function numericBranch(name: string): string | null {
  const match = BRANCH_NUMBER.exec(name.trim());
  if (!match) return null;
  let version = "";
  for (let i = 1; i < 5; i++) version += match[i]?.replace(/[*X]/g, "x") ?? ".x";
  return `${version.replace(/x/g, "9999999")}-dev`;
}

/** `version_normalized` of a Composer version string; null when Composer would refuse it. */
export function normalizeVersion(input: string): string | null {
  let version = input.trim();
  if (version === "" || version.length > 255 || /\s/.test(version)) return null;
  if (["master", "trunk", "default"].includes(version)) version = `dev-${version}`;
  if (version.toLowerCase().startsWith("dev-")) return version.length > 4 ? `dev-${version.slice(4)}` : null;
  const build = /^([^,\s+]+)\+\S+$/.exec(version);
  if (build?.[1]) version = build[1];
  let matches = CLASSIC.exec(version);
  let normalized: string | null = null;
  let index = 0;
  if (matches) {
    normalized = `${matches[1]}${matches[2] ?? ".0"}${matches[3] ?? ".0"}${matches[4] ?? ".0"}`;
    index = 5;
  } else if ((matches = DATED.exec(version))) {
    normalized = (matches[1] ?? "").replace(/\D/g, ".");
    index = 2;
  }
  if (matches && normalized !== null) {
    const stability = matches[index];
    if (stability) {
      if (stability.toLowerCase() === "stable") return normalized;
      normalized += `-${expandStability(stability)}${(matches[index + 1] ?? "").replace(/^[.-]+/, "")}`;
    }
    if (matches[index + 2]) normalized += "-dev";
    return normalized;
  }
  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  return dev ? numericBranch(dev[1] ?? "") : null;
}

/** Whether a version is a development version (it goes in `{package}~dev.json`). */
export function isDevVersion(version: string): boolean {
  const plain = version.replace(/#.+$/, "");
  return plain.toLowerCase().startsWith("dev-") || plain.toLowerCase().endsWith("-dev");
}

const STABILITY_RANK: Record<string, number> = { dev: 0, alpha: 1, beta: 2, rc: 3, patch: 5 };

function sortKey(normalized: string): { numbers: number[]; rank: number; suffix: number[] } | null {
  const match = /^(\d+(?:\.\d+)*)(?:-([a-zA-Z]+)([\d.]*))?(-dev)?$/.exec(normalized);
  if (!match) return null;
  const numbers = (match[1] ?? "").split(".").map(Number);
  const rank = match[4] ? 0 : match[2] ? (STABILITY_RANK[match[2].toLowerCase()] ?? 4) : 4;
  return { numbers, rank, suffix: (match[3] ?? "").split(".").filter(Boolean).map(Number) };
}

function compareNumbers(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Orders normalised versions newest first, as packagist lists them: numbers, then stability
 * (stable above RC above beta above alpha above dev); named branches (`dev-*`) last, by name.
 */
export function compareNormalizedDescending(a: string, b: string): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  if (!ka || !kb) return ka ? -1 : kb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  return compareNumbers(kb.numbers, ka.numbers) || kb.rank - ka.rank || compareNumbers(kb.suffix, ka.suffix);
}
