/**
 * `DELETE {publish}/{id}/{version}` (`dotnet nuget delete`, `nuget delete`) unlists, as
 * NuGet.org does: the version leaves search and the v2 feed's listings but stays in the flat
 * container and registration (`listed: false`), so existing restores keep working.
 * `POST {publish}/{id}/{version}` relists (NuGet.org's relist). Removing a version for good
 * is the management API's `DELETE /api/v1/repositories/{repo}/packages/{id}/versions/{version}`.
 */
import { RegistryError } from "../../errors";
import type { PackageWriter } from "../../repositories/package-source";
import { parseVersionMetadata } from "./stored";
import { lowerNuGetVersion } from "./versions";

export async function setListed(source: PackageWriter, id: string, version: string, listed: boolean): Promise<void> {
  const lowerName = id.toLowerCase();
  await source.withPackageLock(lowerName, async () => {
    const pkg = await source.findPackageRow(lowerName);
    const row = pkg ? await source.findVersionRow(pkg.id, lowerNuGetVersion(version)) : null;
    const meta = row ? parseVersionMetadata(row.metadata) : null;
    if (!pkg || !row || !meta) throw new RegistryError("not_found", `package ${id} ${version} not found`);
    if (meta.listed === listed) return;
    await source.updatePackageMetadata(pkg, { versions: [{ versionId: row.id, metadata: { ...meta, listed } }] });
  });
}
