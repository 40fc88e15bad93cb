/**
 * Upstream answers read back (pure but for hashing): a manifest response becomes the
 * route's ManifestAnswer (digest, media type and size of the served bytes), an upstream tag
 * list and referrers index become ours. Whatever an upstream sends, only well-formed
 * entries pass.
 */
import { MANIFEST_MEDIA_TYPES, MAX_MANIFEST_BYTES, type Descriptor } from "../manifest";
import { parseDigest, tagPattern, type Reference } from "../names";
import type { ManifestAnswer } from "../reader";
import { OciError } from "../errors";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

async function sha256Digest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return `sha256:${Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The manifest's media type: the served Content-Type when it is a manifest type, else the body's `mediaType`. */
export function manifestMediaType(contentType: string | null, bytes: Uint8Array): string {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (MANIFEST_MEDIA_TYPES.includes(type)) return type;
  const body = parseJson(new TextDecoder().decode(bytes));
  const declared = isRecord(body) && typeof body["mediaType"] === "string" ? body["mediaType"] : "";
  return declared || type || "application/octet-stream";
}

/**
 * A whole manifest response → the answer: a digest reference is its own digest (the fill
 * verified the bytes), a tag's digest is the sha256 of the bytes served.
 */
export async function manifestAnswer(response: Response, reference: Reference, head: boolean): Promise<ManifestAnswer> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > MAX_MANIFEST_BYTES) throw new OciError("MANIFEST_INVALID", `the upstream manifest exceeds ${MAX_MANIFEST_BYTES} bytes`);
  const digest = reference.kind === "digest" ? reference.digest : await sha256Digest(bytes);
  const mediaType = manifestMediaType(response.headers.get("Content-Type"), bytes);
  const headers = new Headers(response.headers);
  headers.set("Content-Type", mediaType);
  headers.set("Content-Length", String(bytes.byteLength));
  for (const name of ["Content-Range", "Accept-Ranges", "ETag", "Last-Modified", "Content-Encoding"]) headers.delete(name);
  return { digest, mediaType, size: bytes.byteLength, response: new Response(head ? null : bytes, { status: 200, headers }) };
}

/** An upstream `tags/list` body → its valid tags; null when it is not a tag list. */
export function parseTagList(text: string): string[] | null {
  const body = parseJson(text);
  if (!isRecord(body)) return null;
  const tags = body["tags"];
  // docker-distribution answers `"tags": null` for a name without tags.
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags)) return null;
  return tags.filter((t): t is string => typeof t === "string" && tagPattern.test(t));
}

/** An upstream referrers index → its well-formed descriptors; null when it is not an index. */
export function parseReferrers(text: string): Descriptor[] | null {
  const body = parseJson(text);
  if (!isRecord(body) || !Array.isArray(body["manifests"])) return null;
  const out: Descriptor[] = [];
  for (const entry of body["manifests"] as unknown[]) {
    if (!isRecord(entry)) continue;
    const { mediaType, digest, size, artifactType, annotations } = entry;
    if (typeof mediaType !== "string" || typeof digest !== "string" || typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) continue;
    try {
      parseDigest(digest);
    } catch {
      continue;
    }
    out.push({
      mediaType,
      digest,
      size,
      ...(typeof artifactType === "string" ? { artifactType } : {}),
      ...(isRecord(annotations) ? { annotations: annotations as Record<string, string> } : {}),
    });
  }
  return out;
}
