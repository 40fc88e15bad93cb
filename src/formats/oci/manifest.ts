/**
 * Manifest parsing and validation (OCI image-spec v1.1 manifest and index; Docker image
 * manifest v2 schema 2 and manifest list): what a pushed manifest refers to, and the
 * descriptor facts the referrers API lists. Pure: no bindings.
 */
import { OciError } from "./errors";
import { parseDigest } from "./names";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const MANIFEST_MEDIA_TYPES: readonly string[] = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST];
const INDEX_TYPES = new Set([OCI_INDEX, DOCKER_LIST]);

/** Largest manifest accepted (the spec asks registries to take at least 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** What we keep of a stored manifest (version metadata in the hosted layout). */
export interface ManifestFacts {
  mediaType: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  /** The manifest this one refers to (OCI 1.1 `subject`). */
  subject?: string;
  /** Blobs it needs: config and layers (image manifests). */
  blobs: string[];
  /** Manifests it lists (indexes). */
  manifests: string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function invalid(message: string): OciError {
  return new OciError("MANIFEST_INVALID", message);
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isRecord(value)) throw invalid(`${where} is not a descriptor`);
  const { mediaType, digest, size, artifactType, annotations } = value;
  if (typeof mediaType !== "string" || mediaType === "") throw invalid(`${where}.mediaType is missing`);
  if (typeof digest !== "string") throw invalid(`${where}.digest is missing`);
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) throw invalid(`${where}.size is not a size`);
  let checked: string;
  try {
    checked = parseDigest(digest);
  } catch {
    throw invalid(`${where}.digest ${JSON.stringify(digest.slice(0, 100))} is not a sha256 digest`);
  }
  return {
    mediaType,
    digest: checked,
    size,
    ...(typeof artifactType === "string" ? { artifactType } : {}),
    ...(isRecord(annotations) ? { annotations: annotations as Record<string, string> } : {}),
  };
}

/** A layer the registry does not hold: OCI non-distributable or Docker foreign media types. */
const isForeign = (d: Descriptor): boolean => d.mediaType.includes("nondistributable") || d.mediaType.includes(".foreign.");

function descriptors(value: unknown, where: string): Descriptor[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${where} is not a list`);
  return value.map((item, i) => descriptor(item, `${where}[${i}]`));
}

/**
 * Parses a pushed manifest. `contentType` is the request's Content-Type (parameters
 * dropped); it must agree with the body's `mediaType` when both are given.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | null): ManifestFacts {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw invalid("manifest is not valid JSON");
  }
  if (!isRecord(json)) throw invalid("manifest is not a JSON object");
  const declared = typeof json.mediaType === "string" ? json.mediaType : undefined;
  const header = contentType?.split(";")[0]?.trim().toLowerCase() || undefined;
  if (declared && header && declared !== header) throw invalid(`Content-Type ${header} does not match the manifest's mediaType ${declared}`);
  const mediaType = declared ?? header ?? (Array.isArray(json.manifests) ? OCI_INDEX : OCI_MANIFEST);
  if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) throw invalid(`unsupported manifest media type ${mediaType}`);
  if (json.schemaVersion !== 2) throw invalid("schemaVersion must be 2");
  const subject = json.subject === undefined ? undefined : descriptor(json.subject, "subject").digest;
  const facts: ManifestFacts = {
    mediaType,
    size: bytes.byteLength,
    blobs: [],
    manifests: [],
    ...(subject ? { subject } : {}),
    ...(isRecord(json.annotations) ? { annotations: json.annotations as Record<string, string> } : {}),
  };
  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(json.manifests)) throw invalid("an index needs a manifests list");
    facts.manifests = descriptors(json.manifests, "manifests").map((d) => d.digest);
    if (typeof json.artifactType === "string") facts.artifactType = json.artifactType;
    return facts;
  }
  const config = descriptor(json.config, "config");
  const layers = descriptors(json.layers, "layers");
  if (json.layers === undefined && mediaType === DOCKER_MANIFEST) throw invalid("layers are missing");
  // Non-distributable (foreign) layers live elsewhere (`urls`): they need not be pushed here.
  const local = layers.filter((l) => !isForeign(l));
  facts.blobs = [...new Set([config.digest, ...local.map((l) => l.digest)])];
  // OCI 1.1: artifactType, else the config's media type when it is not the image config.
  facts.artifactType = typeof json.artifactType === "string" ? json.artifactType : config.mediaType;
  return facts;
}

/** Content negotiation: whether a manifest of `mediaType` may answer this `Accept` header. */
export function accepts(accept: string | null, mediaType: string): boolean {
  if (!accept) return true;
  const types = accept.split(",").map((t) => t.split(";")[0]?.trim().toLowerCase() ?? "");
  return types.some((t) => t === mediaType || t === "*/*" || t === "application/*" || t === "") ;
}
