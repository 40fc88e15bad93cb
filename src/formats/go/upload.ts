/**
 * Hosted upload of a module zip (`PUT /go/{repo}/upload`, as Gitea; or
 * `PUT /go/{repo}/{module}/@v/{version}.zip`, whose path must then name the zip's module and
 * version). The body streams into the blob store while the same bytes, in lockstep, are
 * checked as the go command checks a module zip (./module-zip.ts). Only when everything
 * agrees are the version and its two files written: `{version}.zip` (create-version: a
 * version is immutable, a second upload is a 409, as on proxy.golang.org and Gitea) and
 * `{version}.mod` (the top-level go.mod, or `module {path}` when the zip has none). A
 * rejected upload leaves at most an unreferenced blob, which blob GC collects.
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { lockstepTee } from "../../storage/lockstep-tee";
import { escapeCase } from "./module-path";
import { inspectModuleZip, MAX_ZIP_FILE, type InspectedModuleZip } from "./module-zip";

export interface GoUploadExpectation {
  module: string;
  version: string;
}

/** The stored coordinates of a module version: the escaped path and version are the keys. */
export function moduleKeys(module: string, version: string): { lowerName: string; lowerVersion: string } {
  return { lowerName: escapeCase(module) ?? module, lowerVersion: escapeCase(version) ?? version };
}

export async function handleGoUpload(source: HostedSource, body: ReadableStream<Uint8Array> | null, declaredSize: number | undefined, expected: GoUploadExpectation | null): Promise<InspectedModuleZip & { sha256: string }> {
  if (!body) throw new RegistryError("body_empty", "request body is empty: PUT the module zip");
  const { main, side, abortSide } = lockstepTee(body);
  const storing = source.storeBlob(main, { maxSize: MAX_ZIP_FILE, ...(declaredSize === undefined ? {} : { declaredSize }) }).catch((error: unknown) => {
    abortSide(error);
    throw error;
  });
  const [stored, inspected] = await Promise.allSettled([storing, inspectModuleZip(side)]);
  if (stored.status === "rejected") throw stored.reason;
  if (inspected.status === "rejected") throw inspected.reason;
  const zip = inspected.value;
  if (expected && (expected.module !== zip.module || expected.version !== zip.version)) {
    throw new RegistryError("bad_request", `invalid module zip: the path says ${expected.module}@${expected.version}, the zip holds ${zip.module}@${zip.version}`);
  }
  const { lowerName, lowerVersion } = moduleKeys(zip.module, zip.version);
  const base = { packageName: zip.module, lowerName, version: zip.version, lowerVersion };
  try {
    await source.addFile("create-version", { ...base, file: { name: `${zip.version}.zip`, lowerName: `${lowerVersion}.zip`, isLead: true } }, stored.value);
  } catch (error) {
    if (error instanceof RegistryError && error.code === "exists") throw new RegistryError("exists", `${zip.module}@${zip.version} already exists: module versions are immutable`);
    throw error;
  }
  const goMod = new TextEncoder().encode(zip.goMod);
  const modBlob = await source.storeBlob(new Blob([goMod]).stream(), { declaredSize: goMod.length });
  try {
    await source.addFile("add-to-version", { ...base, file: { name: `${zip.version}.mod`, lowerName: `${lowerVersion}.mod`, isLead: false } }, modBlob);
  } catch (error) {
    await source.deleteFile(lowerName, lowerVersion, `${lowerVersion}.zip`, `${zip.module}@${zip.version}`).catch(() => {});
    throw error;
  }
  return { ...zip, sha256: stored.value.sha256 };
}
