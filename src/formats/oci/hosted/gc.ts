/**
 * Garbage collection of OCI blobs no manifest references (run by the cron through
 * `FormatModule.maintenance`). Per image name, under its package lock — the lock a manifest
 * push holds while it checks that its blobs exist and records itself — a blob is removed
 * when no manifest of that name lists it and it was recorded more than `GC_GRACE_MS` ago:
 * a push in progress uploads its blobs first and its manifest last, and sessions live 24 h,
 * so a blob younger than that may still get its manifest. The removed files' blobs are then
 * unreferenced and the engine's blob GC deletes them from R2 (src/jobs/blob-gc.ts).
 * Untagged manifests are kept (delete them by digest).
 */
import type { PackageWriter } from "../../../repositories/package-source";
import type { ManifestFacts } from "../manifest";
import { BLOBS_VERSION, isManifestVersion } from "./layout";

export const GC_GRACE_MS = 24 * 3600 * 1000;
const PAGE = 200;

export interface OciGcResult {
  names: number;
  blobsRemoved: number;
}

export async function collectUnreferencedBlobs(writer: PackageWriter, now: number): Promise<OciGcResult> {
  const result: OciGcResult = { names: 0, blobsRemoved: 0 };
  for (let offset = 0; ; offset += PAGE) {
    const page = await writer.listPackages({ limit: PAGE, offset });
    for (const pkg of page) {
      result.names++;
      result.blobsRemoved += await writer.withPackageLock(pkg.lowerName, () => collectName(writer, pkg.lowerName, now));
    }
    if (page.length < PAGE) return result;
  }
}

async function collectName(writer: PackageWriter, name: string, now: number): Promise<number> {
  const listing = await writer.listFilesOfPackage(name);
  const pkg = await writer.findPackageRow(name);
  if (!listing || !pkg) return 0;
  const referenced = new Set<string>();
  for (const row of listing.rows) {
    if (!isManifestVersion(row.version.lowerVersion)) continue;
    const facts = JSON.parse(row.version.metadata) as Partial<ManifestFacts>;
    for (const digest of facts.blobs ?? []) referenced.add(digest);
  }
  const doomed = listing.rows.filter((row) => row.version.lowerVersion === BLOBS_VERSION && !referenced.has(row.file.lowerName) && row.file.createdAt <= now - GC_GRACE_MS);
  const version = doomed[0]?.version;
  if (!version) return 0;
  await writer.deleteFiles(pkg, version, doomed.map((row) => row.file.id));
  return doomed.length;
}
