/**
 * Stored documents of a hosted NuGet package, rebuilt on every write by the format's hook
 * (`onPackageChanged`, whoever wrote: push, unlist, the management API, cleanup) and served
 * as stored on reads — a warm read is one D1 query (the package joined with its document),
 * then R2, and nothing is rendered from version rows on the read path:
 *
 * | key                                   | document                                        |
 * |---------------------------------------|-------------------------------------------------|
 * | `nuget:flat:{id}`                     | flat container `index.json` (all versions)      |
 * | `nuget:{hive}:{id}:index`             | registration index (pages inlined or listed)    |
 * | `nuget:{hive}:{id}:page:{lo}/{hi}`    | a registration page when the index is paged     |
 * | `nuget:{hive}:{id}:leaf:{version}`    | a registration leaf (the versions the write touched) |
 *
 * URLs in them start with a placeholder (./registration.ts `BASE`) replaced by the serving
 * repository's `{origin}/nuget/{repo}` when served. The only read-path build is a repair: a
 * package whose documents are missing altogether (written before this format stored them, or
 * a hook that failed) has them built once, then stored.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { PackageWriter } from "../../repositories/package-source";
import type { FormatHooks } from "../types";
import { HIVES, withBaseUrls, type Hive, lowerVersionOf, renderFlatIndex, renderLeaf, renderRegistration } from "./registration";
import { loadStoredPackage } from "./stored";

export const JSON_TYPE = "application/json";

export type DocumentName = { kind: "flat" } | { kind: "index"; hive: Hive } | { kind: "page"; hive: Hive; range: string } | { kind: "leaf"; hive: Hive; version: string };

export function documentKey(lowerId: string, name: DocumentName): string {
  switch (name.kind) {
    case "flat":
      return `nuget:flat:${lowerId}`;
    case "index":
      return `nuget:${name.hive}:${lowerId}:index`;
    case "page":
      return `nuget:${name.hive}:${lowerId}:page:${name.range}`;
    case "leaf":
      return `nuget:${name.hive}:${lowerId}:leaf:${name.version}`;
  }
}

/** Rebuilds and stores a package's documents for its current revision; `versions` limits which leaves (empty: all). */
export async function rebuildDocuments(writer: PackageWriter, lowerId: string, versions: readonly string[]): Promise<void> {
  await writer.withPackageLock(lowerId, async () => {
    const [pkg, revisions] = await Promise.all([loadStoredPackage(writer, lowerId), writer.revisions(lowerId)]);
    const revision = revisions.package;
    if (!pkg || revision === null) return;
    const touched = new Set(versions.map((v) => v.toLowerCase()));
    // A version whose .nupkg is not stored yet (its manifest came first): the next write builds.
    if (touched.size > 0 && ![...touched].some((t) => pkg.versions.some((v) => lowerVersionOf(v) === t))) return;
    const writes: Promise<unknown>[] = [writer.storeDerivedDocument(documentKey(lowerId, { kind: "flat" }), revision, renderFlatIndex(pkg), JSON_TYPE)];
    for (const hive of HIVES) {
      const docs = renderRegistration(pkg, hive);
      if (!docs) continue;
      writes.push(writer.storeDerivedDocument(documentKey(lowerId, { kind: "index", hive }), revision, docs.index, JSON_TYPE));
      for (const [range, text] of docs.pages) writes.push(writer.storeDerivedDocument(documentKey(lowerId, { kind: "page", hive, range }), revision, text, JSON_TYPE));
      for (const v of pkg.versions) {
        if (hive === "registration" && v.meta.semVer2) continue;
        const lv = lowerVersionOf(v);
        if (touched.size > 0 && !touched.has(lv)) continue;
        writes.push(writer.storeDerivedDocument(documentKey(lowerId, { kind: "leaf", hive, version: lv }), revision, renderLeaf(pkg, hive, v), JSON_TYPE));
      }
    }
    await Promise.all(writes);
  });
}

export const nugetHooks: FormatHooks = {
  async onPackageChanged(event, writer) {
    if (event.revisions.package === null) return;
    const versions = event.change === "file-added" || event.change === "metadata-changed" ? event.versions : [];
    await rebuildDocuments(writer, event.lowerName, versions);
  },
};


/** A stored document's text with its URLs on `base`; null when the package or the document does not exist. */
export async function storedDocumentText(source: HostedSource, lowerId: string, name: DocumentName, base: string): Promise<string | null> {
  const key = documentKey(lowerId, name);
  // A leaf is served only while its version is in the flat container list (removed versions leave stale leaves behind).
  const flatKey = documentKey(lowerId, { kind: "flat" });
  let [found, flat] = await Promise.all([source.findPackageDocument(lowerId, key), name.kind === "leaf" ? source.findDerivedDocument(flatKey) : null]);
  if (!found) return null;
  if (!found.document) {
    // Repair only: a package with no documents at all gets them built once.
    if (name.kind !== "flat" && (flat ?? (await source.findDerivedDocument(flatKey)))) return null;
    await rebuildDocuments(source, lowerId, []);
    [found, flat] = await Promise.all([source.findPackageDocument(lowerId, key), name.kind === "leaf" ? source.findDerivedDocument(flatKey) : null]);
    if (!found?.document) return null;
  }
  const [object, flatObject] = await Promise.all([source.readBlob(found.document.blob), flat ? source.readBlob(flat.blob) : null]);
  if (!object) return null;
  if (name.kind === "leaf") {
    const versions = flatObject ? ((JSON.parse(await flatObject.text()) as { versions?: string[] }).versions ?? []) : [];
    if (!versions.includes(name.version)) {
      await object.body.cancel();
      return null;
    }
  }
  return withBaseUrls(await object.text(), base);
}
