/**
 * Merging members' copies of one crate's index file (pure): the union of versions, the
 * first member (in priority order) listing a version wins it, and each version's provenance
 * records that member and — for a remote member — the `.crate`'s upstream URL, built from the
 * `dl` of that upstream's `config.json` (the document's companion). Lines are kept byte for
 * byte as the member wrote them (their `cksum` is what cargo verifies). Entries younger than
 * the member's release age are hidden when the line says when it was published (`pubtime`,
 * which crates.io writes); lines without it are kept.
 */
import type { MergedDocument, Provenance, SourceDocument } from "../types";
import { compareCrateVersions, lowerCrateVersion, prefixOf } from "./names";

interface Line {
  vers: string;
  text: string;
}

/** The `.crate` URL cargo would fetch given a registry's `dl` (cargo's registry-index rules). */
export function downloadUrl(dl: string, name: string, version: string, cksum: string): string {
  const markers = /\{(crate|version|prefix|lowerprefix|sha256-checksum)\}/;
  if (!markers.test(dl)) return `${dl.replace(/\/+$/, "")}/${name}/${version}/download`;
  return dl
    .replaceAll("{crate}", name)
    .replaceAll("{version}", version)
    .replaceAll("{prefix}", prefixOf(name))
    .replaceAll("{lowerprefix}", prefixOf(name.toLowerCase()))
    .replaceAll("{sha256-checksum}", cksum);
}

/** `dl` of a config.json text resolved against the URL it came from; null when unusable. */
export function configDl(text: string | null | undefined, baseUrl: string): string | null {
  if (!text) return null;
  try {
    const dl = (JSON.parse(text) as { dl?: unknown }).dl;
    if (typeof dl !== "string" || dl === "") return null;
    return baseUrl ? new URL(dl, baseUrl).toString().replace(/%7B/gi, "{").replace(/%7D/gi, "}") : dl;
  } catch {
    return null;
  }
}

function parseLine(text: string): { name: string; vers: string; cksum: string; pubtime?: unknown } | null {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    return typeof value.name === "string" && typeof value.vers === "string" ? { name: value.name, vers: value.vers, cksum: typeof value.cksum === "string" ? value.cksum : "", pubtime: value.pubtime } : null;
  } catch {
    return null;
  }
}

function tooYoung(pubtime: unknown, hours: number, now: number): boolean {
  if (hours <= 0 || typeof pubtime !== "string") return false;
  const at = Date.parse(pubtime);
  return Number.isFinite(at) && now - at < hours * 3_600_000;
}

export function mergeIndexFiles(documents: readonly SourceDocument[], now: number): MergedDocument | null {
  const lines = new Map<string, Line>();
  const provenance: Record<string, Provenance> = {};
  for (const document of documents) {
    const dl = document.baseUrl ? configDl(document.companion, document.baseUrl) : null;
    for (const raw of document.text.split("\n")) {
      const text = raw.trim();
      const entry = text ? parseLine(text) : null;
      if (!entry || tooYoung(entry.pubtime, document.minReleaseAgeHours, now)) continue;
      const key = lowerCrateVersion(entry.vers);
      if (lines.has(key)) continue;
      lines.set(key, { vers: entry.vers, text });
      provenance[key] = document.baseUrl && dl ? { member: document.member, url: downloadUrl(dl, entry.name, entry.vers, entry.cksum) } : { member: document.member };
    }
  }
  if (lines.size === 0) return null;
  const sorted = [...lines.values()].sort((a, b) => compareCrateVersions(a.vers, b.vers));
  return { text: sorted.map((l) => `${l.text}\n`).join(""), provenance };
}
