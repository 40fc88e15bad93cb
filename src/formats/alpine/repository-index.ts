/**
 * Alpine indexes, built by the IndexBuilder (docs/architecture.md) a moment after writes
 * settle, and stored as one document (./index-document.ts) naming one signed
 * `APKINDEX.tar.gz` per branch/repository/arch and its plain text (build assets), so the
 * whole set switches at once. Reads serve the assets the current document names and never
 * build (a repository with no stored document yet answers 404 for its indexes).
 * - Hosted: files are grouped by their composite key `{branch}|{repository}|{arch}`; each
 *   version's metadata keeps, per composite key, what the stanza needs (./upload.ts).
 *   `noarch` packages are listed (with `A:noarch`) in every arch's index of their
 *   branch/repository, and in a `noarch` index of their own. Each index pins the blobs it
 *   lists (`ListedFiles`): a file deleted after the build stays downloadable until the next.
 * - Virtual (the spec is marked `virtual`): its hosted members' stored documents merged and
 *   signed with the virtual's own key (./virtual-index.ts).
 */
import type { BlobRow, PackageReader } from "../../repositories/package-source";
import type { IndexBuildContext, IndexSpec } from "../types";
import { type IndexEntry, renderApkIndex } from "./apkindex";
import { type AlpineIndexes, INDEX_DOCUMENT, type ListedFiles, listApks } from "./index-document";
import { indexSigner } from "./keys";
import { apkFilename } from "./pkginfo";
import { buildVirtualIndexes } from "./virtual-index";

interface Listed {
  entry: IndexEntry;
  blob: BlobRow;
}

/** Every listed file's stanza and blob, grouped by `{branch}/{repository}` then arch. */
async function collect(reader: PackageReader): Promise<Map<string, Map<string, Listed[]>>> {
  const groups = new Map<string, Map<string, Listed[]>>();
  for (const { place, entry, found } of await listApks(reader)) {
    const group = `${place.branch}/${place.repository}`;
    const archs = groups.get(group) ?? new Map<string, Listed[]>();
    groups.set(group, archs);
    archs.set(place.arch, [...(archs.get(place.arch) ?? []), { entry, blob: found.blob }]);
  }
  return groups;
}

async function buildHostedIndexes(reader: PackageReader, context: IndexBuildContext): Promise<AlpineIndexes> {
  const groups = await collect(reader);
  const result: AlpineIndexes = { keyName: null, indexes: {} };
  if (groups.size === 0) return result;
  const signer = await indexSigner(context.signingKeys, reader.repository.name);
  result.keyName = signer.keyName;
  const encoder = new TextEncoder();
  for (const [group, archs] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const noarch = archs.get("noarch") ?? [];
    for (const arch of [...archs.keys()].sort()) {
      const listed = arch === "noarch" ? noarch : [...(archs.get(arch) ?? []), ...noarch];
      const text = renderApkIndex(listed.map((l) => l.entry));
      // The bytes each stanza describes, pinned: served until the next build even if deleted meanwhile.
      const files: ListedFiles = Object.fromEntries(listed.map((l) => [apkFilename(l.entry.name, l.entry.version), l.blob]));
      const description = `${reader.repository.name} ${group}`;
      const [archive, plain, pinned] = await Promise.all([
        signer.sign(text, description).then((bytes) => context.storeAsset(bytes, "application/gzip")),
        context.storeAsset(encoder.encode(text), "text/plain; charset=utf-8"),
        context.storeAsset(encoder.encode(JSON.stringify(files)), "application/json"),
      ]);
      result.indexes[`${group}/${arch}`] = { archive, text: plain, packages: listed.length, files: pinned };
    }
  }
  return result;
}

async function build(reader: PackageReader, context: IndexBuildContext): Promise<string> {
  const built = reader.repository.kind === "virtual" ? await buildVirtualIndexes(reader, context) : await buildHostedIndexes(reader, context);
  return JSON.stringify(built);
}

export const alpineIndexes: readonly IndexSpec[] = [{ name: INDEX_DOCUMENT, contentType: "application/json", virtual: true, build }];
