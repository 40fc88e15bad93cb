/**
 * Composer 2's metadata minification (`"minified": "composer/2.0"` in a p2 document,
 * composer/metadata-minifier): the first version is complete, each later one lists only the
 * keys that changed from the version before it, and `"__unset"` for keys it no longer has.
 * Upstream documents are expanded before merging; every document we serve is minified
 * again, as packagist serves them. Values are compared by their JSON text (key order kept),
 * as PHP's `!==` compares arrays.
 */

export type VersionEntry = Record<string, unknown>;

const UNSET = "__unset";
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function expandVersions(versions: readonly unknown[]): VersionEntry[] {
  const expanded: VersionEntry[] = [];
  let current: VersionEntry | null = null;
  for (const raw of versions) {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) continue;
    const data = raw as VersionEntry;
    const next: VersionEntry = current === null ? { ...data } : { ...current };
    if (current !== null) {
      for (const [key, value] of Object.entries(data)) {
        if (value === UNSET) delete next[key];
        else next[key] = value;
      }
    }
    current = next;
    expanded.push(next);
  }
  return expanded;
}

export function minifyVersions(versions: readonly VersionEntry[]): VersionEntry[] {
  const minified: VersionEntry[] = [];
  let last: VersionEntry | null = null;
  for (const version of versions) {
    if (last === null) {
      last = { ...version };
      minified.push(version);
      continue;
    }
    const changes: VersionEntry = {};
    for (const [key, value] of Object.entries(version)) {
      if (!(key in last) || !same(last[key], value)) {
        changes[key] = value;
        last[key] = value;
      }
    }
    for (const key of Object.keys(last)) {
      if (!(key in version)) {
        changes[key] = UNSET;
        delete last[key];
      }
    }
    minified.push(changes);
  }
  return minified;
}
