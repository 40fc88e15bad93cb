/**
 * How RubyGems content is kept in a hosted repository: package = gem (keyed by its lower-case
 * name, named as first published), version = the compact index's `number[-platform]`, whose
 * metadata is the GemSpec (./gemspec.ts) plus `yanked`; one file, the lead `{full name}.gem`
 * (the quick specification is rendered from the GemSpec when asked). A yanked version stays
 * stored (the management API can delete it) but leaves every index and answers 404, as on
 * rubygems.org. The compact index checksum is the `.gem`'s sha256, so it describes the bytes
 * served.
 */
import type { PackageFileRow, PackageReader } from "../../repositories/package-source";
import { type GemVersions, md5Hex, renderInfo, renderInfoLine } from "./compact-index";
import { type GemSpec, storedGemSpec } from "./gemspec";
import { fullVersion } from "./names";

export interface HostedGemVersion {
  spec: GemSpec;
  yanked: boolean;
  sha256: string;
  versionId: number;
}

/** A gem's versions (publish order) from its files' rows: the lead `.gem` of each version. */
export function gemVersionsOf(rows: readonly PackageFileRow[]): HostedGemVersion[] {
  const byVersion = new Map<number, HostedGemVersion>();
  for (const { version, file, blob } of rows) {
    if (!file.isLead || byVersion.has(version.id)) continue; // rows come newest copy first
    const spec = storedGemSpec(version.metadata);
    if (spec) byVersion.set(version.id, { spec, yanked: spec.yanked === true, sha256: blob.sha256, versionId: version.id });
  }
  return [...byVersion.values()].sort((a, b) => a.versionId - b.versionId);
}

/** The `/info` text of these versions (yanked ones left out). */
export const infoTextOf = (versions: readonly HostedGemVersion[]): string => renderInfo(versions.filter((v) => !v.yanked).map((v) => renderInfoLine(v.spec, v.sha256)));

/** The `/versions` state of one gem. */
export function gemVersionsState(versions: readonly HostedGemVersion[]): GemVersions {
  return { versions: versions.filter((v) => !v.yanked).map((v) => fullVersion(v.spec.number, v.spec.platform)), md5: md5Hex(infoTextOf(versions)) };
}

/** A hosted gem: its exact name and versions; null when the repository has no such gem. */
export async function hostedGem(reader: PackageReader, lowerName: string): Promise<{ name: string; versions: HostedGemVersion[] } | null> {
  const found = await reader.listFilesOfPackage(lowerName);
  return found ? { name: found.name, versions: gemVersionsOf(found.rows) } : null;
}

/** The `/info` text of a hosted gem (`---\n` alone when every version is yanked), or null. */
export async function hostedInfoText(reader: PackageReader, lowerName: string): Promise<string | null> {
  const gem = await hostedGem(reader, lowerName);
  return gem ? infoTextOf(gem.versions) : null;
}

const PAGE = 200;

/** Every gem of the repository with its `/versions` state, by exact name. */
export async function repositoryGemStates(reader: PackageReader): Promise<Map<string, GemVersions>> {
  const states = new Map<string, GemVersions>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await reader.listPackages({ limit: PAGE, offset });
    const rows = new Map<number, PackageFileRow[]>();
    for (const row of await reader.listFilesOfPackages(page.map((p) => p.id))) {
      const list = rows.get(row.packageId) ?? [];
      list.push(row);
      rows.set(row.packageId, list);
    }
    for (const pkg of page) states.set(pkg.name, gemVersionsState(gemVersionsOf(rows.get(pkg.id) ?? [])));
    if (page.length < PAGE) break;
  }
  return states;
}
