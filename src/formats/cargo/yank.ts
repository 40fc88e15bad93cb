/**
 * `cargo yank` / `cargo yank --undo`: the version stays downloadable (lockfiles that name it
 * keep building) but its index line says `"yanked": true`, so cargo picks it for no new
 * lockfile. The state is the version's metadata; the package revision moves, so the index
 * file is rebuilt at the next read.
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { crateNameProblem, lowerCrateName, lowerCrateVersion, parseCrateVersion } from "./names";
import { parseCargoMetadata } from "./stored";

export async function setYanked(source: HostedSource, name: string, version: string, yanked: boolean): Promise<void> {
  const problem = crateNameProblem(name);
  if (problem) throw new RegistryError("name_invalid", `invalid crate name: ${problem}`);
  if (!parseCrateVersion(version)) throw new RegistryError("version_invalid", `invalid version \`${version.slice(0, 100)}\``);
  const pkg = await source.findPackageRow(lowerCrateName(name));
  const row = pkg ? await source.findVersionRow(pkg.id, lowerCrateVersion(version)) : null;
  const metadata = row ? parseCargoMetadata(row.metadata) : null;
  if (!pkg || !row || !metadata) throw new RegistryError("not_found", `crate \`${name}@${version}\` does not exist`);
  if ((metadata.yanked === true) === yanked) return;
  await source.withPackageLock(pkg.lowerName, async () => {
    await source.updatePackageMetadata(pkg, { versions: [{ versionId: row.id, metadata: { ...metadata, yanked } }] });
  });
  await source.auditEvent(yanked ? "version.yank" : "version.unyank", `${pkg.name}/${row.version}`);
}
