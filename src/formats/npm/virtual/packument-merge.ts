/**
 * The npm merge rule for virtual repositories (DESIGN §5; GitLab Artifact Registry S31):
 * - `versions`: union; a version held by several members is taken whole from the
 *   highest-priority one, never merged field by field;
 * - `dist-tags`: union; the highest-priority member wins each tag; `latest` is never invented;
 * - `time`: per-key union, highest priority wins; `created` = earliest, `modified` = latest;
 * - other top-level fields: from the highest-priority member that has them;
 * - `dist.tarball` re-pointed at the virtual repository; integrity fields relayed as they are.
 * Works on raw JSON text (json-scan.ts), so huge packuments are never turned into objects.
 */
import { joinMembers, objectMembers } from "./json-scan";

export interface MemberPackument {
  member: string;
  /** The packument's JSON text. */
  text: string;
}

/** Replaces every `dist.tarball` URL with `{base}{name}/-/{file}`. */
export function repointTarballs(versionText: string, base: string, name: string): string {
  return versionText.replace(/"tarball"\s*:\s*"([^"]*)"/g, (_whole, url: string) => {
    const file = url.slice(url.lastIndexOf("/") + 1);
    return `"tarball":${JSON.stringify(`${base}${name}/-/${file}`)}`;
  });
}

function parseSmall(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  const value: unknown = JSON.parse(raw);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"));
}

const DROPPED = new Set(["_id", "_rev", "_attachments", "name", "versions", "dist-tags", "time"]);

export interface MergedPackument {
  text: string;
  /** Which member each version was taken from (tarballs must come from the same one). */
  winners: Map<string, string>;
}

/**
 * Merges members' packuments (given in priority order) into one packument text whose
 * tarballs point at `base` (e.g. `https://host/npm/virtual/`). Returns null when no member
 * has the package.
 */
export function mergePackuments(
  name: string,
  documents: readonly MemberPackument[],
  base: string,
  options: { keepRevision?: boolean } = {},
): MergedPackument | null {
  if (documents.length === 0) return null;
  const versions = new Map<string, string>();
  const winners = new Map<string, string>();
  const distTags: Record<string, string> = {};
  const time: Record<string, string> = {};
  const others = new Map<string, string>();
  let created: string | undefined;
  let modified: string | undefined;
  // A hosted repository's own packument keeps `_rev`: npm unpublish sends it back.
  const revision = options.keepRevision && documents[0] ? new Map(objectMembers(documents[0].text)).get("_rev") : undefined;

  for (const document of documents) {
    const members = new Map(objectMembers(document.text));
    const versionsRaw = members.get("versions");
    if (versionsRaw) {
      for (const [version, raw] of objectMembers(versionsRaw)) {
        if (versions.has(version)) continue;
        versions.set(version, repointTarballs(raw, base, name));
        winners.set(version, document.member);
      }
    }
    for (const [tag, version] of Object.entries(parseSmall(members.get("dist-tags")))) {
      if (!(tag in distTags)) distTags[tag] = version;
    }
    for (const [key, value] of Object.entries(parseSmall(members.get("time")))) {
      if (key === "created") created = created === undefined || value < created ? value : created;
      else if (key === "modified") modified = modified === undefined || value > modified ? value : modified;
      else if (!(key in time)) time[key] = value;
    }
    for (const [key, raw] of members) if (!DROPPED.has(key) && !others.has(key)) others.set(key, raw);
  }
  // A tag pointing at a version nobody has would break installs; drop it rather than guess.
  for (const [tag, version] of Object.entries(distTags)) if (!versions.has(version)) delete distTags[tag];

  const timeOut: Record<string, string> = { ...(created ? { created } : {}), ...(modified ? { modified } : {}), ...time };
  const text = joinMembers([
    ["_id", JSON.stringify(name)],
    ...(revision ? ([["_rev", revision]] as [string, string][]) : []),
    ["name", JSON.stringify(name)],
    ["dist-tags", JSON.stringify(distTags)],
    ["versions", joinMembers(versions)],
    ["time", JSON.stringify(timeOut)],
    ...others,
  ]);
  return { text, winners };
}
