/**
 * Alpine indexes, built by the IndexBuilder (docs/architecture.md) a moment after writes
 * settle, and stored as one document (./index-document.ts) naming one signed
 * `APKINDEX.tar.gz` per branch/repository/arch and its plain text (build assets), so the
 * whole set switches at once. Reads serve the assets the current document names.
 * - Hosted: files are grouped by their composite key `{branch}|{repository}|{arch}`; each
 *   version's metadata keeps, per composite key, what the stanza needs (./upload.ts).
 *   `noarch` packages are listed (with `A:noarch`) in every arch's index of their
 *   branch/repository, and in a `noarch` index of their own.
 * - Virtual (the spec is marked `virtual`): its hosted members' stored documents merged and
 *   signed with the virtual's own key (./virtual-index.ts).
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { PackageReader } from "../../repositories/package-source";
import type { IndexBuildContext, IndexSpec } from "../types";
import { type IndexEntry, renderApkIndex } from "./apkindex";
import { type AlpineIndexes, INDEX_DOCUMENT, listApks } from "./index-document";
import { indexSigner } from "./keys";
import { buildVirtualIndexes } from "./virtual-index";

/**
 * A hosted repository's index document; when the stored one is older than the repository,
 * `repositoryIndex` waits for the builder's build (a deleted file disappears at once).
 */
export async function hostedIndexes(source: HostedSource): Promise<AlpineIndexes | null> {
  const document = await source.repositoryIndex(INDEX_DOCUMENT);
  const object = document ? await source.readBlob(document.blob) : null;
  return object ? ((await object.json()) as AlpineIndexes) : null;
}

/** Every listed file's stanza, grouped by `{branch}/{repository}` then arch. */
async function collect(reader: PackageReader): Promise<Map<string, Map<string, IndexEntry[]>>> {
  const groups = new Map<string, Map<string, IndexEntry[]>>();
  for (const { place, entry } of await listApks(reader)) {
    const group = `${place.branch}/${place.repository}`;
    const archs = groups.get(group) ?? new Map<string, IndexEntry[]>();
    groups.set(group, archs);
    archs.set(place.arch, [...(archs.get(place.arch) ?? []), entry]);
  }
  return groups;
}

async function buildHostedIndexes(reader: PackageReader, context: IndexBuildContext): Promise<AlpineIndexes> {
  const groups = await collect(reader);
  const result: AlpineIndexes = { keyName: null, indexes: {} };
  if (groups.size === 0) return result;
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
  return result;
}

async function build(reader: PackageReader, context: IndexBuildContext): Promise<string> {
  const built = reader.repository.kind === "virtual" ? await buildVirtualIndexes(reader, context) : await buildHostedIndexes(reader, context);
  return JSON.stringify(built);
}

export const alpineIndexes: readonly IndexSpec[] = [{ name: INDEX_DOCUMENT, contentType: "application/json", virtual: true, build }];
