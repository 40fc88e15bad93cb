/**
 * `.rpm` upload (`PUT /rpm/{repo}[/{group}]/upload`, as Gitea): the body streams into the blob
 * store while ./header.ts reads the lead and headers from the same bytes (lockstep). Then,
 * under the package lock, the package's metadata is recorded in the version's metadata under
 * `packages["{stored file name}"]` (first, so a file the IndexBuilder sees always has its
 * metadata) and the file is added (`create-or-add`: one version may be in several groups and
 * architectures). The same file again is a 409. The repodata follows after the debounce.
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { lockstepTee } from "../../storage/lockstep-tee";
import { checkDistribution } from "./dist-tag";
import { readRpmHeaders } from "./header";
import { rpmFilename, rpmPackageOf, type RpmPackage } from "./package";
import { storedName } from "./paths";

export interface RpmVersionMetadata extends Record<string, unknown> {
  /** Package metadata by lower-case stored file name (`{group}/{file}.rpm`). */
  packages?: Record<string, RpmPackage>;
}

export function parseVersionMetadata(text: string): RpmVersionMetadata {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as RpmVersionMetadata) : {};
  } catch {
    return {};
  }
}

export const rpmVersion = (p: Pick<RpmPackage, "version" | "release">): string => `${p.version}-${p.release}`;

export async function handleRpmUpload(source: HostedSource, group: string, body: ReadableStream<Uint8Array> | null, declaredSize: number | undefined): Promise<{ pkg: RpmPackage; filename: string }> {
  if (!body) throw new RegistryError("body_empty", "request body is empty: PUT the .rpm file");
  const { main, side, abortSide } = lockstepTee(body);
  const storing = source.storeBlob(main, declaredSize === undefined ? {} : { declaredSize }).catch((error: unknown) => {
    abortSide(error);
    throw error;
  });
  const [stored, inspected] = await Promise.allSettled([storing, readRpmHeaders(side)]);
  if (stored.status === "fulfilled" && stored.value.size === 0) throw new RegistryError("body_empty", "request body is empty: PUT the .rpm file");
  if (inspected.status === "rejected") throw inspected.reason;
  if (stored.status === "rejected") throw stored.reason;
  const pkg = rpmPackageOf(inspected.value);
  if (inspected.value.headerEnd > stored.value.size) throw new RegistryError("bad_request", "invalid .rpm package: the file is truncated");
  const filename = rpmFilename(pkg);
  checkDistribution(group, pkg.release, filename);
  const stored_ = storedName(group, filename);
  const version = rpmVersion(pkg);
  const lowerVersion = version.toLowerCase();
  await source.withPackageLock(pkg.name.toLowerCase(), async () => {
    if (await source.findFile(pkg.name.toLowerCase(), lowerVersion, stored_.toLowerCase())) {
      throw new RegistryError("exists", `${filename} already exists in ${group ? `group ${group}` : "the repository root"}`);
    }
    const row = await source.findPackageRow(pkg.name.toLowerCase());
    const versionRow = row && (await source.findVersionRow(row.id, lowerVersion));
    if (row && versionRow) {
      const metadata = parseVersionMetadata(versionRow.metadata);
      await source.updatePackageMetadata(row, { versions: [{ versionId: versionRow.id, metadata: { ...metadata, packages: { ...metadata.packages, [stored_.toLowerCase()]: pkg } } }] });
    }
    await source.addFile(
      "create-or-add",
      {
        packageName: pkg.name,
        lowerName: pkg.name.toLowerCase(),
        version,
        lowerVersion,
        metadata: { summary: pkg.summary, description: pkg.description, license: pkg.license, url: pkg.url, packages: { [stored_.toLowerCase()]: pkg } } satisfies RpmVersionMetadata,
        file: { name: stored_, lowerName: stored_.toLowerCase(), compositeKey: group, isLead: true },
      },
      stored.value,
    );
  });
  return { pkg, filename };
}
