/**
 * NuGet versions (NuGet.Versioning): `Major[.Minor[.Patch[.Revision]]][-Release][+Metadata]`,
 * numbers without leading zeros once normalised. The normalised form is what flat container
 * URLs and registration leaves use: `Major.Minor.Patch`, `.Revision` only when non-zero,
 * `-Release` kept, build metadata dropped (`1.0` → `1.0.0`, `1.01.0.0` → `1.1.0`). Version
 * order is SemVer 2.0 order extended with the fourth part; release labels compare
 * case-insensitively (numeric labels numerically, below alphanumeric ones).
 */

export interface NuGetVersion {
  major: number;
  minor: number;
  patch: number;
  revision: number;
  release: string[];
  metadata: string | null;
  /** The normalised string (original case of the release labels). */
  normalized: string;
}

const PATTERN = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\s*$/;
const MAX_PART = 2_147_483_647;

/** Parses a NuGet version string; null when it is not one. */
export function parseNuGetVersion(text: string): NuGetVersion | null {
  if (text.length > 64) return null;
  const match = PATTERN.exec(text);
  if (!match || text.trim().startsWith("v")) return null;
  const parts = [match[1], match[2], match[3], match[4]].map((p) => (p === undefined ? 0 : Number(p)));
  if (parts.some((p) => !Number.isSafeInteger(p) || p > MAX_PART)) return null;
  const release = match[5] ? match[5].split(".") : [];
  // SemVer 2.0: numeric labels have no leading zeros.
  if (release.some((label) => /^0\d+$/.test(label))) return null;
  const [major = 0, minor = 0, patch = 0, revision = 0] = parts;
  const core = `${major}.${minor}.${patch}${revision > 0 ? `.${revision}` : ""}`;
  return { major, minor, patch, revision, release, metadata: match[6] ?? null, normalized: release.length ? `${core}-${release.join(".")}` : core };
}

/** The normalised version string, or null when `text` is not a NuGet version. */
export function normalizeNuGetVersion(text: string): string | null {
  return parseNuGetVersion(text)?.normalized ?? null;
}

/** Lower-case normalised version: the flat container path segment and our version key. */
export function lowerNuGetVersion(text: string): string {
  return (normalizeNuGetVersion(text) ?? text).toLowerCase();
}

/** A SemVer 2.0.0 version in NuGet's sense: dotted release labels or build metadata (hidden from SemVer 1 clients). */
export function isSemVer2(version: NuGetVersion): boolean {
  return version.release.length > 1 || version.metadata !== null;
}

export function isPrerelease(version: NuGetVersion): boolean {
  return version.release.length > 0;
}

function compareLabel(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b);
  if (an) return -1;
  if (bn) return 1;
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  return al < bl ? -1 : al > bl ? 1 : 0;
}

export function compareParsed(a: NuGetVersion, b: NuGetVersion): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch || a.revision - b.revision;
  if (core !== 0) return Math.sign(core);
  if (a.release.length === 0 || b.release.length === 0) return b.release.length - a.release.length === 0 ? 0 : a.release.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.release.length, b.release.length); i++) {
    const c = compareLabel(a.release[i] ?? "", b.release[i] ?? "");
    if (c !== 0) return Math.sign(c);
  }
  return Math.sign(a.release.length - b.release.length);
}

/** Orders version strings; unparsable ones sort first, by text. */
export function compareNuGetVersions(a: string, b: string): number {
  const pa = parseNuGetVersion(a);
  const pb = parseNuGetVersion(b);
  if (pa && pb) return compareParsed(pa, pb);
  if (!pa && !pb) return a < b ? -1 : a > b ? 1 : 0;
  return pa ? 1 : -1;
}

/** Package ids: letters, digits, `_`, separated by single `.` or `-` (NuGet's and Gitea's rule), at most 100 characters. */
export function isValidPackageId(id: string): boolean {
  return id.length > 0 && id.length <= 100 && /^\w+(?:[.-]\w+)*$/.test(id);
}
