/**
 * Merging members' compact index documents (pure; the recipes of ./proxy.ts):
 * - `/info/{name}` (the engine has already applied shielding by gem name): the union of the
 *   members' lines, keyed by `number[-platform]`; a version several members list is taken
 *   from the higher-priority one, whose line (dependencies, checksum) describes the file it
 *   serves. Lines keep their member's order, higher-priority members first. One member's
 *   copy is served byte for byte, so its MD5 stays the one its `/versions` advertises. The
 *   provenance (version → member) decides which member serves the `.gem`.
 * - `/versions`: every member's gems, read as Bundler reads them; with shielding, a gem a
 *   hosted member has is taken from hosted members only. A gem one member lists keeps that
 *   member's versions and `/info` MD5; a gem several list gets the union of their versions
 *   and an MD5 of their MD5s (its merged `/info` is not at hand here: Bundler, finding its
 *   copy's MD5 differs, revalidates that `/info` with `If-None-Match` — one 304).
 */
import type { MergedDocument, Provenance, SourceDocument } from "../types";
import { type GemVersions, md5Hex, parseInfo, parseVersions, renderInfo, renderVersions } from "./compact-index";
import { createdAtStamp } from "./versions-file";

export function mergeInfo(documents: readonly SourceDocument[]): MergedDocument | null {
  if (documents.length === 0) return null;
  const provenance: Record<string, Provenance> = {};
  const lines: string[] = [];
  for (const document of documents) {
    for (const { version, line } of parseInfo(document.text)) {
      if (!version || version in provenance) continue;
      provenance[version] = { member: document.member };
      lines.push(line);
    }
  }
  const only = documents.length === 1 ? documents[0] : undefined;
  return { text: only ? only.text : renderInfo(lines), provenance };
}

export function mergeVersions(documents: readonly SourceDocument[], shielding: boolean, now: number): MergedDocument | null {
  if (documents.length === 0) return null;
  const only = documents.length === 1 ? documents[0] : undefined;
  if (only) return { text: only.text };
  const parsed = documents.map((d) => ({ hosted: d.baseUrl === "", gems: parseVersions(d.text).gems }));
  const hostedNames = new Set(parsed.filter((p) => p.hosted).flatMap((p) => [...p.gems.keys()]));
  const contributions = new Map<string, GemVersions[]>();
  for (const { hosted, gems } of parsed) {
    for (const [name, gem] of gems) {
      if (gem.versions.length === 0 || (shielding && !hosted && hostedNames.has(name))) continue;
      contributions.set(name, [...(contributions.get(name) ?? []), gem]);
    }
  }
  const merged = new Map<string, GemVersions>();
  for (const [name, gems] of contributions) {
    const versions = [...new Set(gems.flatMap((g) => g.versions))];
    merged.set(name, { versions, md5: gems.length === 1 ? (gems[0]?.md5 ?? "") : md5Hex(gems.map((g) => g.md5).join(",")) });
  }
  return { text: renderVersions(createdAtStamp(now), merged) };
}
