/**
 * Uploading a package (`PUT /composer/{repo}` or `POST`, raw zip body, optional
 * `?version=`; Gitea's API — Composer itself has no publish command). The zip streams into
 * the blob store while, in lockstep, the same bytes are scanned for composer.json
 * (./archive-manifest.ts); only when the archive is a whole zip with a valid composer.json
 * (./composer-json.ts) is the version written, under "create version" (an existing version
 * is a 409). The write hook renders the package's p2 documents before the request answers,
 * so the next `composer update` sees the version.
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { lockstepTee } from "../../storage/lockstep-tee";
import { readArchiveComposerJson } from "./archive-manifest";
import { readComposerJson, type ComposerManifest } from "./composer-json";
import { archiveFilename } from "./names";
import { findVersionByNormalized, type ComposerVersionMetadata } from "./stored";

/** Packagist has no limit of its own; GitHub's zipballs of large packages reach tens of MiB. */
export const MAX_PACKAGE_BYTES = 64 * 1024 * 1024;

export interface Uploaded {
  manifest: ComposerManifest;
  sha1: string;
}

export async function handleUpload(source: HostedSource, body: ReadableStream<Uint8Array> | null, declaredSize: number | undefined, queryVersion: string | undefined): Promise<Uploaded> {
  if (!body || declaredSize === 0) throw new RegistryError("body_empty", "request body is empty: PUT the package's zip archive");
  const { main, side, abortSide } = lockstepTee(body);
  const storing = source.storeBlob(main, { maxSize: MAX_PACKAGE_BYTES, ...(declaredSize === undefined ? {} : { declaredSize }) }).catch((error: unknown) => {
    abortSide(error);
    throw error;
  });
  const [stored, inspected] = await Promise.allSettled([storing, readArchiveComposerJson(side)]);
  if (inspected.status === "rejected") throw inspected.reason;
  if (stored.status === "rejected") throw stored.reason;
  const manifest = readComposerJson(inspected.value, queryVersion, Date.now());
  const blob = stored.value;
  const filename = archiveFilename(manifest.name, manifest.version);
  const metadata: ComposerVersionMetadata = { entry: manifest.entry };
  // Held so that two spellings of one version (`v1.0`, `1.0.0`) cannot both pass the check.
  await source.withPackageLock(manifest.name, async () => {
    const existing = await findVersionByNormalized(source, manifest.name, manifest.normalizedVersion);
    const label = `${manifest.name} ${existing?.version ?? manifest.version}`;
    if (existing) throw new RegistryError("exists", `${label} already exists: delete it first to upload it again`);
    try {
      await source.addFile(
        "create-version",
        { packageName: manifest.name, lowerName: manifest.name, version: manifest.version, lowerVersion: manifest.version.toLowerCase(), metadata, file: { name: filename, lowerName: filename.toLowerCase(), isLead: true } },
        blob,
      );
    } catch (error) {
      if (error instanceof RegistryError && error.code === "exists") throw new RegistryError("exists", `${label} already exists: delete it first to upload it again`);
      throw error;
    }
  });
  return { manifest, sha1: blob.sha1 };
}
