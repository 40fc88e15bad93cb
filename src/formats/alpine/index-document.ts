/**
 * The stored Alpine index document (`alpine-indexes.json`), the same shape for hosted and
 * virtual repositories: per `{branch}/{repository}/{arch}` the signed `APKINDEX.tar.gz` and
 * the plain APKINDEX text (build assets), and for a virtual which member serves each listed
 * file. One document names the whole set, so it switches at once when the IndexBuilder
 * stores it. Also what both builds read of a repository's files: each stored `.apk` with the
 * stanza its version's metadata keeps for it (./upload.ts).
 */
import { indexKey } from "../../repositories/index-builder";
import type { BlobRow, FileWithBlob, PackageReader } from "../../repositories/package-source";
import type { IndexEntry } from "./apkindex";
import type { StoredApk } from "./upload";

export const INDEX_DOCUMENT = "alpine-indexes.json";
/** The derived-document key the IndexBuilder stores the document under. */
export const INDEX_DOCUMENT_KEY = indexKey("alpine", INDEX_DOCUMENT);
const PAGE = 200;

export interface Place {
  branch: string;
  repository: string;
  arch: string;
}

export interface PlaceIndex {
  archive: BlobRow;
  text: BlobRow;
  packages: number;
  /**
   * An asset naming the bytes of each listed `.apk`, by file name: `ListedFiles` (hosted) or
   * `VirtualFiles` (virtual). A hosted file deleted since the build is served from it until
   * the next build drops it, so the index never lists a file that cannot be downloaded.
   */
  files?: BlobRow;
}

/** `{branch}/{repository}/{arch}` → its index. */
export interface AlpineIndexes {
  keyName: string | null;
  indexes: Record<string, PlaceIndex>;
  /** Virtual repositories: the revision of each hosted member's document merged, by member id. */
  members?: Record<string, number>;
}

/** A hosted place's listed files by file name: the blob its `C:` and `S:` describe. */
export type ListedFiles = Record<string, BlobRow>;

/** A virtual place's listed files by file name: the member the index took each from and that member's file (the bytes its `C:` describes). */
export type VirtualFiles = Record<string, FileWithBlob & { member: number }>;

const placeKey = (place: Place): string => `${place.branch}/${place.repository}/${place.arch}`;

export function parsePlaceKey(key: string): Place {
  const [branch = "", repository = "", arch = ""] = key.split("/");
  return { branch, repository, arch };
}

/** The stored index of a place: its own arch, else the `noarch` index of its branch/repository. */
export function indexOf(indexes: AlpineIndexes | null, place: Place): PlaceIndex | null {
  if (!indexes) return null;
  return indexes.indexes[placeKey(place)] ?? indexes.indexes[`${place.branch}/${place.repository}/noarch`] ?? null;
}

export const compositeKey = (branch: string, repository: string, arch: string): string => `${branch}|${repository}|${arch}`;

export function splitCompositeKey(key: string): Place | null {
  const [branch, repository, arch, ...rest] = key.split("|");
  return branch && repository && arch && rest.length === 0 ? { branch, repository, arch } : null;
}

/** One stored `.apk` with its stanza. */
export interface ListedApk {
  place: Place;
  entry: IndexEntry;
  found: FileWithBlob;
}

/** Every stored `.apk` whose stanza is written (and describes this very copy), page by page. */
export async function listApks(reader: PackageReader): Promise<ListedApk[]> {
  const listed: ListedApk[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await reader.listPackages({ limit: PAGE, offset });
    for (const row of await reader.listFilesOfPackages(page.map((p) => p.id))) {
      const place = splitCompositeKey(row.file.compositeKey);
      let stored: StoredApk | undefined;
      try {
        stored = (JSON.parse(row.version.metadata) as { files?: Record<string, StoredApk> }).files?.[row.file.compositeKey];
      } catch {
        stored = undefined;
      }
      // A file whose metadata is not written yet (or was written for a replaced copy) is left out.
      if (!place || !stored || stored.sha256 !== row.blob.sha256) continue;
      listed.push({ place, entry: { ...stored.info, checksum: stored.checksum, size: row.blob.size }, found: { file: row.file, blob: row.blob } });
    }
    if (page.length < PAGE) break;
  }
  return listed;
}

/** Parsed JSON assets by sha256: content-addressed, so never stale; a few per isolate. */
const parsed = new Map<string, unknown>();

export async function readStoredJson<T>(reader: PackageReader, blob: BlobRow): Promise<T | null> {
  const hit = parsed.get(blob.sha256);
  if (hit !== undefined) return hit as T;
  const object = await reader.readBlob(blob);
  if (!object) return null;
  const value = (await object.json()) as T;
  if (parsed.size >= 32) parsed.clear();
  parsed.set(blob.sha256, value);
  return value;
}

/** The repository's stored index document (hosted or virtual), as the IndexBuilder last stored it; null before its first build. */
export async function storedIndexes(reader: PackageReader): Promise<AlpineIndexes | null> {
  const document = await reader.findDerivedDocument(INDEX_DOCUMENT_KEY);
  return document ? readStoredJson<AlpineIndexes>(reader, document.blob) : null;
}
