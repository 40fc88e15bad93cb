/**
 * How Composer content is kept in a hosted repository: package = `vendor/project` (already
 * lower case), version keyed by its lower-cased spelling (one Composer version per
 * `version_normalized` all the same: `v1.0.0` and `1.0.0` cannot both be uploaded), one lead file `{vendor}-{project}.{version}.zip` whose version metadata holds the
 * p2 entry built from its composer.json (./composer-json.ts).
 *
 * The package's two p2 documents (stable and `~dev`) are rendered when the package changes
 * — by the write hook, whoever wrote (upload, delete, management API, cleanup) — and stored
 * as derived documents for that package revision; reads only fetch them. Their dist URLs
 * are repository-relative (`dists/…`): the engine's recipe (./p2-merge.ts) points them at
 * the repository that serves the document.
 */
import type { FormatHooks } from "../types";
import type { PackageReader, PackageWriter, VersionRow } from "../../repositories/package-source";
import { minifyVersions, type VersionEntry } from "./minify";
import { distPath } from "./names";
import { compareNormalizedDescending, isDevVersion } from "./versions";

export interface ComposerVersionMetadata {
  entry: VersionEntry;
}

export const P2_CONTENT_TYPE = "application/json";

export const documentKey = (name: string, dev: boolean): string => `composer:p2${dev ? "~dev" : ""}:${name}`;

function parseMetadata(text: string): ComposerVersionMetadata | null {
  try {
    const value = JSON.parse(text) as ComposerVersionMetadata | null;
    return value && typeof value.entry === "object" && value.entry !== null && typeof value.entry.version === "string" ? value : null;
  } catch {
    return null;
  }
}

/**
 * The hosted version of `name` whose normalised version is `normalized` (versions are keyed
 * by their lower-cased spelling, as the management API addresses them; `v1.0` and `1.0.0` are
 * still one Composer version), or null.
 */
export async function findVersionByNormalized(reader: PackageReader, name: string, normalized: string): Promise<VersionRow | null> {
  const pkg = await reader.findPackageRow(name);
  if (!pkg) return null;
  const rows = await reader.listVersionRows(pkg.id);
  return rows.find((row) => parseMetadata(row.metadata)?.entry.version_normalized === normalized) ?? null;
}

/** A p2 document's text: `{"packages":{name:[…minified…]},"minified":"composer/2.0"}`, newest version first. */
export function renderP2(name: string, entries: readonly VersionEntry[]): string {
  const sorted = [...entries].sort((a, b) => compareNormalizedDescending(String(a.version_normalized), String(b.version_normalized)));
  return JSON.stringify({ packages: { [name]: minifyVersions(sorted) }, minified: "composer/2.0" });
}

/** A hosted package's entries with their (relative) dist, split into stable and dev; null when the package is gone. */
export async function hostedEntries(reader: PackageReader, name: string): Promise<{ stable: VersionEntry[]; dev: VersionEntry[] } | null> {
  const found = await reader.listFilesOfPackage(name);
  if (!found) return null;
  const out = { stable: [] as VersionEntry[], dev: [] as VersionEntry[] };
  const seen = new Set<number>();
  for (const { version, file, blob } of found.rows) {
    if (!file.isLead || seen.has(version.id)) continue; // newest copy first
    seen.add(version.id);
    const metadata = parseMetadata(version.metadata);
    if (!metadata) continue;
    const pretty = String(metadata.entry.version);
    const dist = { type: "zip", url: distPath(found.name, pretty, blob.sha1, "zip"), reference: blob.sha1, shasum: blob.sha1 };
    (isDevVersion(pretty) ? out.dev : out.stable).push(withDist(metadata.entry, dist));
  }
  return out;
}

/** The entry with `dist` placed after `version_normalized` (packagist's key order). */
function withDist(entry: VersionEntry, dist: Record<string, string>): VersionEntry {
  const out: VersionEntry = {};
  for (const [key, value] of Object.entries(entry)) {
    out[key] = value;
    if (key === "version_normalized") out.dist = dist;
  }
  if (!("dist" in out)) out.dist = dist;
  return out;
}

/** Renders and stores both p2 documents of a hosted package for `revision`. */
export async function storeP2Documents(writer: PackageWriter, name: string, revision: number): Promise<void> {
  const entries = await hostedEntries(writer, name);
  if (!entries) return;
  await Promise.all([
    writer.storeDerivedDocument(documentKey(name, false), revision, renderP2(name, entries.stable), P2_CONTENT_TYPE),
    writer.storeDerivedDocument(documentKey(name, true), revision, renderP2(name, entries.dev), P2_CONTENT_TYPE),
  ]);
}

/**
 * A hosted package's stored p2 document, or null when the package does not exist. A document
 * older than the package (its write hook failed after the change was committed) is rendered
 * and stored again here, the one repair on the read path.
 */
export async function hostedP2Text(source: PackageWriter, name: string, dev: boolean): Promise<string | null> {
  const found = await source.findPackageDocument(name, documentKey(name, dev));
  if (!found) return null;
  const current = found.document?.revision === found.pkg.revision ? found.document : null;
  if (current) {
    const object = await source.readBlob(current.blob);
    if (object) return object.text();
  }
  await storeP2Documents(source, name, found.pkg.revision);
  const stored = await source.findPackageDocument(name, documentKey(name, dev));
  const object = stored?.document ? await source.readBlob(stored.document.blob) : null;
  return object ? object.text() : null;
}

export const composerHooks: FormatHooks = {
  async onPackageChanged(event, writer) {
    if (event.revisions.package === null) return;
    await storeP2Documents(writer, event.lowerName, event.revisions.package);
  },
};
