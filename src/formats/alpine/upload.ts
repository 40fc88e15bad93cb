/**
 * `.apk` upload (`PUT /alpine/{repo}/{branch}/{repository}`, raw body, as Gitea): the body
 * streams into the blob store while ./apk-archive.ts reads the same bytes in lockstep
 * (control segment checksum, `.PKGINFO`). Stored as package `{pkgname}`, version `{pkgver}`,
 * file `{pkgname}-{pkgver}.apk` with composite key `{branch}|{repository}|{arch}`: one
 * version can hold builds for several branches, repositories and architectures. What the
 * APKINDEX stanza needs is kept in the version's metadata under `files[{composite key}]`
 * (with the blob's sha256, so it can never describe another copy); it is written before the
 * file, under the package lock, so an index build never lists a file without its stanza.
 * The same file in the same place again is a 409.
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { lockstepTee } from "../../storage/lockstep-tee";
import { ApkInspector } from "./apk-archive";
import { apkFilename, parsePkgInfo, type PkgInfo } from "./pkginfo";
import { compositeKey } from "./index-document";

export const MAX_APK_BYTES = 512 * 1024 * 1024;
export const PATH_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** What one stored file contributes to its APKINDEX. */
export interface StoredApk {
  checksum: string;
  sha256: string;
  info: PkgInfo;
}

interface VersionMetadata {
  description?: string;
  license?: string;
  projectUrl?: string;
  maintainer?: string;
  files?: Record<string, StoredApk>;
}

async function inspect(side: ReadableStream<Uint8Array>) {
  const inspector = new ApkInspector();
  const reader = side.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    try {
      inspector.push(value);
    } catch (error) {
      await reader.cancel(error).catch(() => {});
      throw error;
    }
  }
  return inspector.finish();
}

export function checkPlace(branch: string, repository: string): void {
  if (!PATH_SEGMENT.test(branch)) throw new RegistryError("bad_request", `invalid branch "${branch.slice(0, 80)}"`, { field: "branch" });
  if (!PATH_SEGMENT.test(repository)) throw new RegistryError("bad_request", `invalid repository "${repository.slice(0, 80)}"`, { field: "repository" });
}

export async function handleApkUpload(source: HostedSource, branch: string, repository: string, body: ReadableStream<Uint8Array> | null, declaredSize: number | undefined): Promise<PkgInfo> {
  checkPlace(branch, repository);
  if (!body || declaredSize === 0) throw new RegistryError("body_empty", "request body is empty: PUT the .apk file");
  const { main, side, abortSide } = lockstepTee(body);
  const storing = source.storeBlob(main, { maxSize: MAX_APK_BYTES, ...(declaredSize === undefined ? {} : { declaredSize }) }).catch((error: unknown) => {
    abortSide(error);
    throw error;
  });
  const [stored, inspected] = await Promise.allSettled([storing, inspect(side)]);
  if (inspected.status === "rejected") throw inspected.reason;
  if (stored.status === "rejected") throw stored.reason;
  const info = parsePkgInfo(inspected.value.pkginfo);
  const blob = stored.value;
  const key = compositeKey(branch, repository, info.arch);
  // The stored name carries the place, so a download is one lookup by name (as Debian's pool paths).
  const filename = `${branch}/${repository}/${info.arch}/${apkFilename(info.name, info.version)}`;
  const lowerName = info.name.toLowerCase();
  const lowerVersion = info.version.toLowerCase();
  const entry: StoredApk = { checksum: inspected.value.checksum, sha256: blob.sha256, info };
  const input = {
    packageName: info.name,
    lowerName,
    version: info.version,
    lowerVersion,
    file: { name: filename, lowerName: filename.toLowerCase(), compositeKey: key, isLead: true },
  };
  await source.withPackageLock(lowerName, async () => {
    const existing = await source.listVersionFiles(lowerName, lowerVersion);
    if (existing?.files.some((f) => f.file.compositeKey === key && f.file.lowerName === input.file.lowerName)) {
      throw new RegistryError("exists", `${filename}: file already exists`);
    }
    const version = existing ? await source.findVersionRow(existing.pkg.id, lowerVersion) : null;
    if (!existing || !version) {
      const metadata: VersionMetadata = { description: info.description, license: info.license, projectUrl: info.url, maintainer: info.maintainer, files: { [key]: entry } };
      await source.addFile("create-version", { ...input, metadata }, blob);
      return;
    }
    let metadata: VersionMetadata;
    try {
      metadata = JSON.parse(version.metadata) as VersionMetadata;
    } catch {
      metadata = {};
    }
    await source.updatePackageMetadata(existing.pkg, { versions: [{ versionId: version.id, metadata: { ...metadata, files: { ...metadata.files, [key]: entry } } }] });
    await source.addFile("add-to-version", input, blob);
  });
  return info;
}
