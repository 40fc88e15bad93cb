/**
 * The hosted `/versions` file, kept append-only as rubygems.org keeps it, so Bundler's
 * `Range: bytes=N-` update fetches only what changed:
 * - the stored document is compared with the repository's current state (every gem's
 *   versions and `/info` MD5), and one line per changed gem is appended: the versions added,
 *   `-V` for versions yanked or removed, and the new MD5;
 * - a change an appended line cannot express (the same versions with a different MD5: a
 *   version deleted and published again between two builds), or a tail grown past the size
 *   of a fresh file, rewrites the file with a new `created_at` (Bundler then sees its
 *   appended copy fail the ETag/digest check and fetches the whole file once).
 */
import { type GemVersions, parseVersions, renderVersions, versionsLine } from "./compact-index";

/** `created_at` as rubygems.org writes it (ISO 8601, seconds, UTC). */
export const createdAtStamp = (now: number): string => new Date(Math.floor(now / 1000) * 1000).toISOString().replace(".000Z", "Z");

/** Lines to append for `current` over the state `previous` describes, or null when only a rewrite can say it. */
function appendedLines(previous: ReadonlyMap<string, GemVersions>, current: ReadonlyMap<string, GemVersions>, emptyMd5: string): string[] | null {
  const lines: string[] = [];
  const names = [...new Set([...previous.keys(), ...current.keys()])].sort();
  for (const name of names) {
    const before = previous.get(name) ?? { versions: [], md5: emptyMd5 };
    const after = current.get(name) ?? { versions: [], md5: emptyMd5 };
    const removed = before.versions.filter((v) => !after.versions.includes(v));
    const added = after.versions.filter((v) => !before.versions.includes(v));
    if (removed.length === 0 && added.length === 0) {
      if (before.md5 === after.md5 || after.versions.length === 0) continue;
      return null;
    }
    lines.push(versionsLine(name, [...removed.map((v) => `-${v}`), ...added], after.md5));
  }
  return lines;
}

/**
 * The next `/versions` text: `previous` with lines appended for what changed, or a fresh
 * file. `current` holds every gem of the repository (a gem with no versions left may be
 * absent); `emptyMd5` is the MD5 of an `/info` with no versions.
 */
export function nextVersionsFile(previous: string | null, current: ReadonlyMap<string, GemVersions>, now: number, emptyMd5: string): string {
  const fresh = () => renderVersions(createdAtStamp(now), current);
  if (previous === null || !previous.startsWith("created_at: ")) return fresh();
  const lines = appendedLines(parseVersions(previous).gems, current, emptyMd5);
  if (lines === null) return fresh();
  if (lines.length === 0) return previous;
  const next = previous + lines.join("");
  const base = fresh();
  return next.length > 2 * base.length + 4096 ? base : next;
}
