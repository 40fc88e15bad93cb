/**
 * Merging members' compact index documents (pure; the recipes of ./proxy.ts):
 * - `/info/{name}` (the engine has already applied shielding by gem name): the union of the
 *   members' lines, keyed by `number[-platform]`; a version several members list is taken
 *   from the higher-priority one, whose line (dependencies, checksum) describes the file it
 *   serves. Lines keep their member's order, higher-priority members first. One member's
 *   copy is served byte for byte, so its MD5 stays the one its `/versions` advertises. The
 *   provenance (version → member) decides which member serves the `.gem`.
 * - `/versions`: the members' lines one after the other — hosted members first, then remote
 *   ones, each in priority order — under the first one's `created_at`. Bundler reads the
 *   lines in order (a gem's versions are the union, the last MD5 wins), so the merged file
 *   grows by appending whenever only its last member's file does: a remote whose upstream
 *   (rubygems.org) appends every few minutes. With shielding, a remote member's lines for a
 *   gem a hosted member has are left out. A gem several members list (two hosted members,
 *   or shielding off) gets, on each of its lines, a stand-in MD5 of its name and members in
 *   place of that of the merged `/info` (which is not at hand here, and which a member's
 *   MD5 must never pass for): Bundler, finding its copy's MD5 differs, revalidates that
 *   `/info` with `If-None-Match` — one request, usually a 304.
 */
import type { MergedDocument, Provenance, SourceDocument } from "../types";
import { bodyLines, md5Hex, parseInfo, parseVersions, renderInfo } from "./compact-index";

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

export function mergeVersions(documents: readonly SourceDocument[], shielding: boolean): MergedDocument | null {
  if (documents.length === 0) return null;
  const only = documents.length === 1 ? documents[0] : undefined;
  if (only) return { text: only.text };
  const hosted = documents.filter((d) => d.baseUrl === "");
  const ordered = [...hosted, ...documents.filter((d) => d.baseUrl !== "")];
  const hostedNames = new Set(hosted.flatMap((d) => [...parseVersions(d.text).gems.keys()]));
  const blocks = ordered.map((document) => {
    const own = document.baseUrl === "";
    const lines = bodyLines(document.text).filter((line) => own || !shielding || !hostedNames.has(nameOf(line)));
    return { member: document.member, lines };
  });
  const contributors = new Map<string, string[]>();
  for (const { member, lines } of blocks) {
    for (const line of lines) {
      const list = contributors.get(nameOf(line)) ?? [];
      if (!list.includes(member)) list.push(member);
      contributors.set(nameOf(line), list);
    }
  }
  const createdAt = /^created_at: (.*)$/m.exec(ordered[0]?.text ?? "")?.[1] ?? "1970-01-01T00:00:00Z";
  let text = `created_at: ${createdAt}\n---\n`;
  for (const { lines } of blocks) {
    for (const line of lines) {
      const members = contributors.get(nameOf(line)) ?? [];
      text += members.length > 1 ? `${line.slice(0, line.lastIndexOf(" "))} ${md5Hex(`merged:${nameOf(line)}:${members.join(",")}`)}\n` : `${line}\n`;
    }
  }
  return { text };
}

const nameOf = (line: string): string => line.slice(0, Math.max(line.indexOf(" "), 0));
