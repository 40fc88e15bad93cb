/**
 * How PyPI content is kept in a hosted repository:
 * - package = project, keyed by its PEP 503 normalised name;
 * - version keyed by its PEP 440 normalised spelling, with PypiVersionMetadata (taken from
 *   the first file's core metadata, as Warehouse keeps a release's metadata) including the
 *   PEP 592 yank state;
 * - each distribution file is a lead file; a wheel's METADATA is a second, non-lead file
 *   `{wheel}.metadata` in the same version (PEP 658), so its digest is the blob's sha256.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { compareVersions, normalizeName } from "./names";
import type { SimpleFile } from "./simple-render";

/** Row shapes as the hosted source hands them out (a format never imports src/db). */
export type StoredFile = NonNullable<Awaited<ReturnType<HostedSource["findFile"]>>>;
export type StoredBlob = Awaited<ReturnType<HostedSource["storeBlob"]>>;

export const METADATA_SUFFIX = ".metadata";

export const metadataFilename = (filename: string) => `${filename}${METADATA_SUFFIX}`;

export interface PypiVersionMetadata {
  metadataVersion?: string;
  summary?: string;
  requiresPython?: string;
  author?: string;
  authorEmail?: string;
  license?: string;
  homePage?: string;
  keywords?: string;
  descriptionContentType?: string;
  classifiers?: string[];
  requiresDist?: string[];
  projectUrls?: string[];
  /** PEP 592: present when yanked; the reason may be empty. */
  yanked?: { reason: string; at: number };
}

export function parseVersionMetadata(text: string): PypiVersionMetadata {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as PypiVersionMetadata) : {};
  } catch {
    return {};
  }
}

export interface HostedProjectFiles {
  name: string;
  files: SimpleFile[];
}

/**
 * Every distribution file of a hosted project as SimpleFiles (URLs under `filesBase`),
 * ordered by version (PEP 440) then filename; null when the project is unknown (or has no
 * file). One query: the package's files joined with their versions and blobs.
 */
export async function hostedProjectFiles(source: HostedSource, project: string, filesBase: string): Promise<HostedProjectFiles | null> {
  const found = await source.listFilesOfPackage(normalizeName(project));
  if (!found) return null;
  const { rows } = found;
  const sidecars = new Map<string, StoredFile>();
  for (const row of rows) if (!row.file.isLead && row.file.name.endsWith(METADATA_SUFFIX)) sidecars.set(`${row.version.id}/${row.file.name}`, row);
  const files: (SimpleFile & { version: string })[] = [];
  const seen = new Set<string>();
  const metadataOf = new Map<number, PypiVersionMetadata>();
  for (const { version, file, blob } of rows) {
    const key = `${version.id}/${file.lowerName}`;
    if (!file.isLead || seen.has(key)) continue; // rows come newest first: the newest copy wins
    seen.add(key);
    let metadata = metadataOf.get(version.id);
    if (!metadata) {
      metadata = parseVersionMetadata(version.metadata);
      metadataOf.set(version.id, metadata);
    }
    const sidecar = sidecars.get(`${version.id}/${metadataFilename(file.name)}`);
    files.push({
      version: version.version,
      filename: file.name,
      url: filesBase + encodeURIComponent(file.name),
      hashes: { sha256: blob.sha256 },
      ...(metadata.requiresPython ? { requiresPython: metadata.requiresPython } : {}),
      ...(metadata.yanked ? { yanked: metadata.yanked.reason || true } : {}),
      size: blob.size,
      uploadTime: file.createdAt,
      ...(sidecar ? { metadataHashes: { sha256: sidecar.blob.sha256 } } : {}),
    });
  }
  files.sort((a, b) => compareVersions(a.version, b.version) || (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  return { name: found.name, files: files.map(({ version: _version, ...file }) => file) };
}
