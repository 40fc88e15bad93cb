/**
 * Minimum release age: versions published less than N hours ago are hidden from packuments
 * (and their tarballs answer 404), protecting installs from freshly published malicious
 * versions. Dist-tags pointing at a hidden version fall back to the newest visible version
 * by publish time (for `latest`, the newest visible non-prerelease when there is one).
 * A version with no `time` entry counts as old: nothing says it is new.
 */
import { joinMembers, objectMembers } from "./json-scan";

const isPrerelease = (version: string): boolean => /^\d+\.\d+\.\d+-/.test(version);

/** The versions younger than the cut-off, read from a packument's `time` object. */
export function hiddenVersions(time: Record<string, string>, minAgeHours: number, now: number): Set<string> {
  const cutoff = now - minAgeHours * 3_600_000;
  const hidden = new Set<string>();
  for (const [version, published] of Object.entries(time)) {
    if (version === "created" || version === "modified") continue;
    const at = Date.parse(published);
    if (Number.isFinite(at) && at > cutoff) hidden.add(version);
  }
  return hidden;
}

/** Applies the minimum release age to a packument's text; unchanged text when nothing is hidden. */
export function applyReleaseAge(text: string, minAgeHours: number, now: number): { text: string; hidden: Set<string> } {
  const members = objectMembers(text);
  const get = (key: string) => members.find(([k]) => k === key)?.[1];
  const time = JSON.parse(get("time") ?? "{}") as Record<string, string>;
  const hidden = hiddenVersions(time, minAgeHours, now);
  if (hidden.size === 0) return { text, hidden };

  const versionsRaw = get("versions");
  const versions = versionsRaw ? objectMembers(versionsRaw).filter(([v]) => !hidden.has(v)) : [];
  const visible = versions.map(([v]) => v).sort((a, b) => Date.parse(time[b] ?? "") - Date.parse(time[a] ?? "") || 0);
  const newest = visible[0];
  const newestStable = visible.find((v) => !isPrerelease(v)) ?? newest;
  const distTags = JSON.parse(get("dist-tags") ?? "{}") as Record<string, string>;
  for (const [tag, version] of Object.entries(distTags)) {
    if (!hidden.has(version)) continue;
    const fallback = tag === "latest" ? newestStable : newest;
    if (fallback) distTags[tag] = fallback;
    else delete distTags[tag];
  }
  for (const version of hidden) delete time[version];

  const out = members.map(([key, raw]): [string, string] => {
    if (key === "versions") return [key, joinMembers(versions)];
    if (key === "dist-tags") return [key, JSON.stringify(distTags)];
    if (key === "time") return [key, JSON.stringify(time)];
    return [key, raw];
  });
  return { text: joinMembers(out), hidden };
}
