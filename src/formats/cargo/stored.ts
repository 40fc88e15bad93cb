/**
 * How Cargo content is kept in a hosted repository: package = crate (keyed by its lower-cased
 * name), version keyed by `lowerCrateVersion`, one lead file `{name}-{version}.crate`. The
 * version's metadata holds the index entry (from the publish metadata), the descriptive
 * fields search answers with, and the yank state. The index line's `cksum` is the file's
 * sha256, so it always describes the bytes served.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { type IndexEntry, renderIndexLine } from "./index-line";
import { compareCrateVersions, lowerCrateName } from "./names";

export interface CargoVersionMetadata {
  entry: IndexEntry;
  description?: string;
  license?: string;
  repository?: string;
  homepage?: string;
  documentation?: string;
  keywords?: string[];
  categories?: string[];
  authors?: string[];
  yanked?: boolean;
}

export function parseCargoMetadata(text: string): CargoVersionMetadata | null {
  try {
    const value = JSON.parse(text) as CargoVersionMetadata | null;
    return value && typeof value === "object" && value.entry && typeof value.entry.vers === "string" ? value : null;
  } catch {
    return null;
  }
}

/** A hosted crate's index file (lines in SemVer order, newline-terminated), or null when it has no versions. */
export async function hostedIndexFile(source: HostedSource, name: string): Promise<string | null> {
  const found = await source.listFilesOfPackage(lowerCrateName(name));
  if (!found) return null;
  const lines: { vers: string; line: string }[] = [];
  const seen = new Set<number>();
  for (const { version, file, blob } of found.rows) {
    if (!file.isLead || seen.has(version.id)) continue; // newest copy first
    seen.add(version.id);
    const metadata = parseCargoMetadata(version.metadata);
    if (!metadata) continue;
    lines.push({ vers: metadata.entry.vers, line: renderIndexLine(metadata.entry, blob.sha256, metadata.yanked === true) });
  }
  if (lines.length === 0) return null;
  lines.sort((a, b) => compareCrateVersions(a.vers, b.vers));
  return lines.map((l) => `${l.line}\n`).join("");
}
