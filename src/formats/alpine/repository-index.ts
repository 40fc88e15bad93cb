/**
 * A hosted Alpine repository's indexes, built by the IndexBuilder (docs/architecture.md) a
 * moment after writes settle: one signed `APKINDEX.tar.gz` per branch/repository/arch,
 * stored as build assets, and one JSON document (`alpine-indexes.json`, the IndexSpec) that
 * names them all, so the whole set switches at once when the document is stored. Reads
 * serve the asset the current document names; nothing is built on the read path.
 * - Files are grouped by their composite key `{branch}|{repository}|{arch}`; each version's
 *   metadata keeps, per composite key, what the stanza needs (./upload.ts).
 * - `noarch` packages are listed (with `A:noarch`) in every arch's index of their
 *   branch/repository, and in a `noarch` index of their own.
 * - Beside each signed archive the plain APKINDEX text is stored too: a virtual repository
 *   merges its members' texts and signs the result with its own key (./virtual-index.ts).
 */
import type { BlobRow, PackageReader } from "../../repositories/package-source";
import type { HostedSource } from "../../repositories/hosted-source";
import type { IndexBuildContext, IndexSpec } from "../types";
import { type IndexEntry, renderApkIndex } from "./apkindex";
import { indexSigner } from "./keys";
import type { StoredApk } from "./upload";

export const INDEX_DOCUMENT = "alpine-indexes.json";
const PAGE = 200;

/** `{branch}/{repository}/{arch}` → the signed archive and the plain text. */
export interface AlpineIndexes {
  keyName: string | null;
  indexes: Record<string, { archive: BlobRow; text: BlobRow; packages: number }>;
}

export interface Place {
  branch: string;
  repository: string;
  arch: string;
}

/** The hosted repository's index document (built by the IndexBuilder), or null. */
export async function hostedIndexes(source: HostedSource): Promise<AlpineIndexes | null> {
  const document = await source.repositoryIndex(INDEX_DOCUMENT);
  const object = document ? await source.readBlob(document.blob) : null;
  return object ? ((await object.json()) as AlpineIndexes) : null;
}

/** The stored index of a place: its own arch, else the `noarch` index of its branch/repository. */
export function indexOf(indexes: AlpineIndexes | null, place: Place): AlpineIndexes["indexes"][string] | null {
  if (!indexes) return null;
  return indexes.indexes[`${place.branch}/${place.repository}/${place.arch}`] ?? indexes.indexes[`${place.branch}/${place.repository}/noarch`] ?? null;
}

export const compositeKey = (branch: string, repository: string, arch: string): string => `${branch}|${repository}|${arch}`;

export function splitCompositeKey(key: string): { branch: string; repository: string; arch: string } | null {
  const [branch, repository, arch, ...rest] = key.split("|");
  return branch && repository && arch && rest.length === 0 ? { branch, repository, arch } : null;
}

/** Every listed file's stanza, grouped by `{branch}/{repository}` then arch. */
async function collect(reader: PackageReader): Promise<Map<string, Map<string, IndexEntry[]>>> {
  const groups = new Map<string, Map<string, IndexEntry[]>>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await reader.listPackages({ limit: PAGE, offset });
    for (const row of await reader.listFilesOfPackages(page.map((p) => p.id))) {
      const where = splitCompositeKey(row.file.compositeKey);
      let stored: StoredApk | undefined;
      try {
        stored = (JSON.parse(row.version.metadata) as { files?: Record<string, StoredApk> }).files?.[row.file.compositeKey];
      } catch {
        stored = undefined;
      }
      // A file whose metadata is not written yet (or was written for a replaced copy) is left out.
      if (!where || !stored || stored.sha256 !== row.blob.sha256) continue;
      const group = `${where.branch}/${where.repository}`;
      const archs = groups.get(group) ?? new Map<string, IndexEntry[]>();
      groups.set(group, archs);
      archs.set(where.arch, [...(archs.get(where.arch) ?? []), { ...stored.info, checksum: stored.checksum, size: row.blob.size }]);
    }
    if (page.length < PAGE) break;
  }
  return groups;
}

async function build(reader: PackageReader, context: IndexBuildContext): Promise<string> {
  const groups = await collect(reader);
  const result: AlpineIndexes = { keyName: null, indexes: {} };
  if (groups.size === 0) return JSON.stringify(result);
  const signer = await indexSigner(context.signingKeys, reader.repository.name);
  result.keyName = signer.keyName;
  for (const [group, archs] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const noarch = archs.get("noarch") ?? [];
    for (const arch of [...archs.keys()].sort()) {
      const entries = arch === "noarch" ? noarch : [...(archs.get(arch) ?? []), ...noarch];
      const text = renderApkIndex(entries);
      const description = `${reader.repository.name} ${group}`;
      const [archive, plain] = await Promise.all([
        signer.sign(text, description).then((bytes) => context.storeAsset(bytes, "application/gzip")),
        context.storeAsset(new TextEncoder().encode(text), "text/plain; charset=utf-8"),
      ]);
      result.indexes[`${group}/${arch}`] = { archive, text: plain, packages: entries.length };
    }
  }
  return JSON.stringify(result);
}

export const alpineIndexes: readonly IndexSpec[] = [{ name: INDEX_DOCUMENT, contentType: "application/json", build }];
