/**
 * How a hosted OCI repository maps onto the format-neutral model (docs/formats/oci.md):
 * package = image name; version `blobs` holds one file per blob (named by digest); each
 * manifest is a version named by its digest with one file (lookup name `manifest`, display
 * name its media type, version metadata its `ManifestFacts`); each tag is a version
 * `tag:{tag}` (case kept) whose file shares the manifest's blob — so a read by tag or by
 * digest is one query, and the digest is the blob's sha256.
 */
export const BLOBS_VERSION = "blobs";
export const MANIFEST_FILE = "manifest";
export const TAG_PREFIX = "tag:";

export const tagVersion = (tag: string): string => `${TAG_PREFIX}${tag}`;
export const isManifestVersion = (version: string): boolean => version.startsWith("sha256:") || version.startsWith("sha512:");
/** A stored blob's digest in the algorithm the client used. */
export const digestOfBlob = (blob: { sha256: string; sha512: string }, algorithm: "sha256" | "sha512" = "sha256"): string => `${algorithm}:${blob[algorithm]}`;
