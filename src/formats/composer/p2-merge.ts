/**
 * Merging members' copies of one package's p2 document (pure; the "composer-p2" recipe in
 * ./proxy.ts). Each copy is expanded when minified; the union of versions is kept, keyed by
 * `version_normalized`; the first member in priority order listing a version wins it whole.
 * Every `dist` URL is pointed at the serving repository
 * (`{base}dists/{vendor}/{project}/{version}/{reference}.{type}`), and the provenance records,
 * per version and reference, the member that won it and — for a remote member — the
 * upstream's absolute dist URL (GitHub's codeload or API on another host, say), so the
 * archive is fetched through us and cached. `shasum` and `reference` are relayed as the
 * member wrote them. Versions younger than a remote member's release age are hidden (by
 * `time`). The result is minified again, newest version first.
 */
import type { MergedDocument, Provenance, SourceDocument } from "../types";
import { expandVersions, minifyVersions, type VersionEntry } from "./minify";
import { distEntry, distPath } from "./names";
import { compareNormalizedDescending, isDevVersion, normalizeVersion } from "./versions";

export interface P2Params {
  base: string;
  name: string;
  dev: boolean;
}

const REFERENCE = /^[A-Za-z0-9._-]{1,128}$/;

/** The versions a p2 (or Composer 1 `packages` map) document lists for `name`, expanded. */
export function versionsOf(text: string, name: string): VersionEntry[] | null {
  let value: { packages?: Record<string, unknown>; minified?: unknown };
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    return null;
  }
  const listed = value?.packages?.[name];
  const isEntry = (v: unknown): v is VersionEntry => !!v && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(listed)) return value.minified === "composer/2.0" ? expandVersions(listed) : listed.filter(isEntry);
  if (listed && typeof listed === "object") return Object.values(listed as Record<string, unknown>).filter(isEntry);
  return null;
}

function tooYoung(time: unknown, hours: number, now: number): boolean {
  if (hours <= 0 || typeof time !== "string") return false;
  const at = Date.parse(time);
  return Number.isFinite(at) && now - at < hours * 3_600_000;
}

async function urlReference(url: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(url));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 20);
}

/** The entry with its dist pointed at `base`, and where that dist is served from; the entry unchanged when its dist is not a downloadable archive. */
async function rewriteDist(entry: VersionEntry, document: SourceDocument, params: P2Params): Promise<{ entry: VersionEntry; key?: string; provenance?: Provenance }> {
  const dist = entry.dist as Record<string, unknown> | undefined;
  const version = String(entry.version);
  if (!dist || typeof dist !== "object" || typeof dist.url !== "string" || typeof dist.type !== "string" || !/^[a-z0-9]{1,10}$/.test(dist.type)) return { entry };
  if (document.baseUrl === "") {
    // A hosted member's document: its dist URL is already our repository-relative path.
    const reference = typeof dist.reference === "string" ? dist.reference : "";
    return { entry: { ...entry, dist: { ...dist, url: `${params.base}${dist.url}` } }, key: distEntry(version, reference), provenance: { member: document.member } };
  }
  let upstream: string;
  try {
    upstream = new URL(dist.url, document.baseUrl).toString();
  } catch {
    return { entry };
  }
  if (!/^https?:\/\//.test(upstream)) return { entry };
  const reference = typeof dist.reference === "string" && REFERENCE.test(dist.reference) ? dist.reference : await urlReference(upstream);
  const url = `${params.base}${distPath(params.name, version, reference, dist.type)}`;
  return { entry: { ...entry, dist: { ...dist, url } }, key: distEntry(version, reference), provenance: { member: document.member, url: upstream } };
}

export async function mergeP2Documents(documents: readonly SourceDocument[], params: P2Params, now: number): Promise<MergedDocument | null> {
  const won = new Map<string, VersionEntry>();
  const provenance: Record<string, Provenance> = {};
  let listed = false;
  for (const document of documents) {
    const versions = versionsOf(document.text, params.name);
    if (!versions) continue;
    listed = true;
    for (const entry of versions) {
      if (typeof entry.version !== "string" || isDevVersion(entry.version) !== params.dev) continue;
      const normalized = typeof entry.version_normalized === "string" ? entry.version_normalized : (normalizeVersion(entry.version) ?? entry.version.toLowerCase());
      if (won.has(normalized) || tooYoung(entry.time, document.minReleaseAgeHours, now)) continue;
      const rewritten = await rewriteDist(entry, document, params);
      won.set(normalized, { ...rewritten.entry, version_normalized: normalized });
      if (rewritten.key && rewritten.provenance) provenance[rewritten.key] = rewritten.provenance;
    }
  }
  if (!listed) return null;
  const sorted = [...won.values()].sort((a, b) => compareNormalizedDescending(String(a.version_normalized), String(b.version_normalized)));
  return { text: JSON.stringify({ packages: { [params.name]: minifyVersions(sorted) }, minified: "composer/2.0" }), provenance };
}
