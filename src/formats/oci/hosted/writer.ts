/**
 * Writes to a hosted OCI repository (layout in ./layout.ts): blobs recorded under a name,
 * manifests checked against what they reference, tags moved, deletes. Every change goes
 * through the PackageWriter, under the image name's package lock where several rows change.
 */
import { RegistryError } from "../../../errors";
import type { BlobRow, PackageWriter } from "../../../repositories/package-source";
import { OciError } from "../errors";
import { parseManifest, type ManifestFacts } from "../manifest";
import { algorithmOf, expectedDigest, type DigestAlgorithm, type Reference } from "../names";
import { BLOBS_VERSION, digestOfBlob, isManifestVersion, MANIFEST_FILE, TAG_PREFIX, tagVersion } from "./layout";

/** Records a stored blob under an image name (idempotent: pushing a blob twice is fine). */
export async function recordBlob(writer: PackageWriter, name: string, blob: BlobRow, algorithm: DigestAlgorithm = "sha256"): Promise<string> {
  const digest = digestOfBlob(blob, algorithm);
  if (await writer.findFile(name, BLOBS_VERSION, digest)) return digest;
  try {
    await writer.addFile("create-or-add", { packageName: name, lowerName: name, version: BLOBS_VERSION, lowerVersion: BLOBS_VERSION, file: { name: digest, lowerName: digest } }, blob);
  } catch (error) {
    // A concurrent push of the same blob recorded it first.
    if (!(error instanceof RegistryError && (error.code === "exists" || error.code === "conflict"))) throw error;
  }
  return digest;
}

async function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest(algorithm === "sha512" ? "SHA-512" : "SHA-256", bytes));
  return `${algorithm}:${Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Every blob and manifest digest the name already has (one query). */
async function contentOf(writer: PackageWriter, name: string): Promise<{ blobs: Set<string>; manifests: Set<string> }> {
  const listing = await writer.listFilesOfPackage(name);
  const blobs = new Set<string>();
  const manifests = new Set<string>();
  for (const row of listing?.rows ?? []) {
    if (row.version.lowerVersion === BLOBS_VERSION) blobs.add(row.file.lowerName);
    else if (isManifestVersion(row.version.lowerVersion)) manifests.add(row.version.lowerVersion);
  }
  return { blobs, manifests };
}

export interface PushedManifest {
  digest: string;
  facts: ManifestFacts;
}

/**
 * Stores a manifest pushed by tag or digest: the digest must match a digest reference
 * (DIGEST_INVALID), every blob and child manifest it names must be in this name
 * (MANIFEST_BLOB_UNKNOWN, with the digest in `detail`); nothing is stored otherwise.
 */
export async function putManifest(writer: PackageWriter, name: string, reference: Reference, bytes: Uint8Array, contentType: string | null): Promise<PushedManifest> {
  // A manifest pushed by a sha512 digest is named by its sha512; otherwise by its sha256.
  const digest = await digestOf(bytes, reference.kind === "digest" ? algorithmOf(reference.digest) : "sha256");
  if (reference.kind === "digest" && reference.digest !== digest) {
    throw new OciError("DIGEST_INVALID", `manifest digest is ${digest}, not ${reference.digest}`, { detail: { digest: reference.digest } });
  }
  const facts = parseManifest(bytes, contentType);
  return writer.withPackageLock(name, async () => {
    const have = await contentOf(writer, name);
    const missingBlob = facts.blobs.find((d) => !have.blobs.has(d));
    if (missingBlob) throw new OciError("MANIFEST_BLOB_UNKNOWN", `blob ${missingBlob} is not in ${name}`, { detail: { digest: missingBlob } });
    const missingManifest = facts.manifests.find((d) => !have.manifests.has(d) && d !== digest);
    if (missingManifest) throw new OciError("MANIFEST_BLOB_UNKNOWN", `manifest ${missingManifest} is not in ${name}`, { detail: { digest: missingManifest } });
    const blob = await writer.storeBlob(new Blob([bytes]).stream(), { declaredSize: bytes.byteLength, ...expectedDigest(digest) });
    const file = { name: facts.mediaType, lowerName: MANIFEST_FILE };
    if (!have.manifests.has(digest)) {
      await writer.addFile("create-or-add", { packageName: name, lowerName: name, version: digest, lowerVersion: digest, metadata: facts, file }, blob);
    }
    if (reference.kind === "tag") {
      const version = tagVersion(reference.tag);
      await writer.replaceFile({ packageName: name, lowerName: name, version, lowerVersion: version, file }, blob);
    }
    return { digest, facts };
  });
}

/** Deletes a manifest by digest, and every tag pointing at it; or one tag. */
export async function deleteManifest(writer: PackageWriter, name: string, reference: Reference): Promise<void> {
  await writer.withPackageLock(name, async () => {
    const listing = await writer.listFilesOfPackage(name);
    const pkg = await writer.findPackageRow(name);
    if (!listing || !pkg) throw new OciError("MANIFEST_UNKNOWN", `manifest ${referenceText(reference)} not found in ${name}`);
    const doomed = new Map<number, (typeof listing.rows)[number]["version"]>();
    for (const row of listing.rows) {
      const version = row.version.lowerVersion;
      const hit =
        reference.kind === "tag"
          ? version === tagVersion(reference.tag)
          : version === reference.digest || (version.startsWith(TAG_PREFIX) && row.file.lowerName === MANIFEST_FILE && digestOfBlob(row.blob, algorithmOf(reference.digest)) === reference.digest);
      if (hit) doomed.set(row.version.id, row.version);
    }
    if (doomed.size === 0) throw new OciError("MANIFEST_UNKNOWN", `manifest ${referenceText(reference)} not found in ${name}`);
    await writer.removeVersions(pkg, [...doomed.values()]);
  });
}

export async function deleteBlob(writer: PackageWriter, name: string, digest: string): Promise<void> {
  if (!(await writer.findFile(name, BLOBS_VERSION, digest))) throw new OciError("BLOB_UNKNOWN", `blob ${digest} not found in ${name}`);
  await writer.deleteFile(name, BLOBS_VERSION, digest, `${name}@${digest}`);
}

const referenceText = (reference: Reference): string => (reference.kind === "tag" ? reference.tag : reference.digest);
