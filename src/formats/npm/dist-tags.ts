/**
 * Dist-tag rules, pure. Tags are stored as package properties `npm.dist-tag:{tag}` = version.
 * - Publishing applies the document's tags that name the published version; a package
 *   without `latest` gets `latest` = the published version (registry.npmjs.org does the same,
 *   so `npm install pkg` always resolves).
 * - `latest` cannot be removed (400, as npmjs), only moved.
 * - Removing versions drops every tag naming them; if `latest` went, it moves to the highest
 *   remaining release version, or the highest prerelease when only prereleases remain.
 */
import { prerelease, valid } from "semver";
import { sortVersions } from "./packument";

export const TAG_PREFIX = "npm.dist-tag:";

export type DistTags = Record<string, string>;

/** The property changes that turn `before` into `after` (value null deletes). */
export function tagPropertyChanges(before: Readonly<DistTags>, after: Readonly<DistTags>): { name: string; value: string | null }[] {
  const changes: { name: string; value: string | null }[] = [];
  for (const [tag, version] of Object.entries(after)) if (before[tag] !== version) changes.push({ name: `${TAG_PREFIX}${tag}`, value: version });
  for (const tag of Object.keys(before)) if (!(tag in after)) changes.push({ name: `${TAG_PREFIX}${tag}`, value: null });
  return changes;
}

/** Dist-tags from property rows (a later row of the same tag wins). */
export function tagsFromProperties(rows: readonly { name: string; value: string }[]): DistTags {
  const tags: DistTags = {};
  for (const row of rows) if (row.name.startsWith(TAG_PREFIX)) tags[row.name.slice(TAG_PREFIX.length)] = row.value;
  return tags;
}

/** Where `latest` goes when its version is removed: highest release, else highest prerelease. */
export function successorLatest(remaining: readonly string[]): string | undefined {
  const sorted = sortVersions(remaining);
  const releases = sorted.filter((v) => valid(v) !== null && prerelease(v) === null);
  return releases[releases.length - 1] ?? sorted[sorted.length - 1];
}

/** Tags after removing `removed` versions, `remaining` being what is left. */
export function tagsAfterRemoval(tags: Readonly<DistTags>, removed: ReadonlySet<string>, remaining: readonly string[]): DistTags {
  const out: DistTags = {};
  for (const [tag, version] of Object.entries(tags)) if (!removed.has(version)) out[tag] = version;
  if (out.latest === undefined) {
    const successor = successorLatest(remaining);
    if (successor !== undefined) out.latest = successor;
  }
  return out;
}

/** Tags after publishing `version` with the document's `dist-tags`. */
export function tagsAfterPublish(tags: Readonly<DistTags>, documentTags: Readonly<DistTags>, version: string): DistTags {
  const out: DistTags = { ...tags };
  for (const [tag, target] of Object.entries(documentTags)) if (target === version) out[tag] = version;
  if (out.latest === undefined) out.latest = version;
  return out;
}
