/**
 * The hosted compact index as stored documents, never rendered on a warm read:
 * - `/info/{name}`: derived document `rubygems:info:{lower name}` per package revision,
 *   written by the write hook (./hooks.ts) right after every change; a read finds the package
 *   row and its document in one query and renders only if the hook's copy is missing;
 * - `/versions` and `/names`: whole-repository indexes (./repository-index.ts) built by the
 *   IndexBuilder, which the hook asks for at once, so a push or yank answers only when they
 *   list it.
 */
import type { BlobRow, PackageReader, PackageWriter } from "../../repositories/package-source";
import { hostedGem, infoTextOf } from "./stored";

export const INFO_CONTENT_TYPE = "text/plain; charset=utf-8";
export const infoKey = (lowerName: string): string => `rubygems:info:${lowerName}`;

/** Renders and stores a gem's `/info` for the package's current revision; null when the gem is gone. */
export async function storeInfoDocument(writer: PackageWriter, lowerName: string, revision: number): Promise<{ text: string; blob: BlobRow } | null> {
  const gem = await hostedGem(writer, lowerName);
  if (!gem) return null;
  const text = infoTextOf(gem.versions);
  return { text, blob: await writer.storeDerivedDocument(infoKey(lowerName), revision, text, INFO_CONTENT_TYPE) };
}

/** The stored `/info` blob of gem `name` (exact name), stored now if the hook's copy is missing; null: no such gem. */
export async function hostedInfoBlob(writer: PackageWriter, name: string): Promise<BlobRow | null> {
  const lowerName = name.toLowerCase();
  const found = await writer.findPackageDocument(lowerName, infoKey(lowerName));
  if (!found || found.pkg.name !== name) return null;
  if (found.document && found.document.revision === found.pkg.revision) return found.document.blob;
  return (await storeInfoDocument(writer, lowerName, found.pkg.revision))?.blob ?? null;
}

/** The `/info` text of hosted gem `name` (a virtual's hosted member): the stored copy when current. */
export async function hostedInfoDocumentText(reader: PackageReader, name: string): Promise<string | null> {
  const lowerName = name.toLowerCase();
  const found = await reader.findPackageDocument(lowerName, infoKey(lowerName));
  if (!found || found.pkg.name !== name) return null;
  if (found.document && found.document.revision === found.pkg.revision) {
    const object = await reader.readBlob(found.document.blob);
    if (object) return object.text();
  }
  const gem = await hostedGem(reader, lowerName);
  return gem ? infoTextOf(gem.versions) : null;
}
