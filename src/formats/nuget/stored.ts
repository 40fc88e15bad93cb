/**
 * How NuGet content is kept in a hosted repository: package = id (keyed lower case, shown
 * with the casing of its first push), version keyed by the lower-case normalised version,
 * files `{id}.{version}.nupkg` (lead) and `{id}.nuspec`, lower case as the flat container
 * serves them. The version's metadata is the parsed nuspec plus `listed` (unlist/relist).
 */
import type { PackageFileRow, PackageReader } from "../../repositories/package-source";
import type { Nuspec } from "./nuspec";
import { compareNuGetVersions } from "./versions";

export interface NuGetVersionMetadata extends Nuspec {
  listed: boolean;
}

export const nupkgFilename = (id: string, version: string): string => `${id}.${version}.nupkg`.toLowerCase();
export const nuspecFilename = (id: string): string => `${id}.nuspec`.toLowerCase();

export function parseVersionMetadata(text: string): NuGetVersionMetadata | null {
  try {
    const value = JSON.parse(text) as NuGetVersionMetadata | null;
    return value && typeof value === "object" && typeof value.id === "string" && typeof value.version === "string" ? { ...value, listed: value.listed !== false } : null;
  } catch {
    return null;
  }
}

/** One hosted version as the documents need it. */
export interface StoredVersion {
  meta: NuGetVersionMetadata;
  /** Milliseconds. */
  published: number;
  size: number;
  sha512: string;
  downloads: number;
}

export interface StoredPackage {
  id: string;
  lowerId: string;
  /** Ascending version order. */
  versions: StoredVersion[];
}

/** Stored versions of one package from its file rows (newest copy of each lead file), in version order. */
export function storedPackageOf(name: string, rows: readonly PackageFileRow[]): StoredPackage | null {
  const versions = new Map<number, StoredVersion>();
  for (const { version, file, blob } of rows) {
    if (!file.isLead || versions.has(version.id)) continue;
    const meta = parseVersionMetadata(version.metadata);
    if (!meta) continue;
    versions.set(version.id, { meta, published: version.createdAt, size: blob.size, sha512: blob.sha512, downloads: version.downloadCount });
  }
  if (versions.size === 0) return null;
  const sorted = [...versions.values()].sort((a, b) => compareNuGetVersions(a.meta.version, b.meta.version));
  return { id: name, lowerId: name.toLowerCase(), versions: sorted };
}

/** A hosted package's versions (with their `.nupkg` blob facts) in version order; null when it has none. */
export async function loadStoredPackage(reader: PackageReader, lowerId: string): Promise<StoredPackage | null> {
  const found = await reader.listFilesOfPackage(lowerId);
  return found ? storedPackageOf(found.name, found.rows) : null;
}

/** Many packages at once (search, v2 feeds): at most `limit` whose lower-case id contains `query`. */
export async function loadStoredPackages(reader: PackageReader, query: string, limit: number): Promise<StoredPackage[]> {
  const summaries = await reader.listPackages({ limit, offset: 0, query: query || undefined });
  if (summaries.length === 0) return [];
  const rows = await reader.listFilesOfPackages(summaries.map((p) => p.id));
  const byPackage = new Map<number, PackageFileRow[]>();
  for (const row of rows) byPackage.set(row.packageId, [...(byPackage.get(row.packageId) ?? []), row]);
  return summaries.flatMap((p) => storedPackageOf(p.name, byPackage.get(p.id) ?? []) ?? []);
}
