/**
 * Reading a hosted Maven repository: artifact files (with ranges and conditional GET via
 * blobResponse), their .md5/.sha1/.sha256/.sha512 from the blob's stored digests, and
 * server-computed maven-metadata.xml with checksums of the rendered bytes.
 * `readHostedMaven` is also the hook the virtual engine calls for hosted members.
 */
import { toHex } from "../../auth/crypto";
import type { BlobRow } from "../../repositories/package-source";
import type { HostedSource } from "../../repositories/hosted-source";
import { decodeMavenPath, mavenCoordinates, mavenPackageLowerName } from "./classify";
import type { MavenArtifactCoordinates, MavenChecksum, MavenMetadataCoordinates } from "./coordinates";
import { renderHostedMetadata } from "./metadata-source";

const subtleAlgorithm: Record<MavenChecksum, string> = { md5: "MD5", sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" };

/** The stored hex digest of a blob for a Maven checksum suffix. */
export function blobChecksum(blob: BlobRow, checksum: MavenChecksum): string {
  return blob[checksum];
}

export async function digestHex(checksum: MavenChecksum, data: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest(subtleAlgorithm[checksum], data));
}

function contentTypeOf(extension: string): string {
  if (extension === "pom" || extension === "xml") return "text/xml";
  if (extension === "jar" || extension === "war" || extension === "ear") return "application/java-archive";
  if (extension.endsWith(".asc")) return "text/plain";
  return "application/octet-stream";
}

/** A small in-memory body; HEAD gets the same headers without it. 304 on a matching If-None-Match. */
function textResponse(request: Request, body: string, contentType: string, etag: string): Response {
  const bytes = new TextEncoder().encode(body);
  const headers = new Headers({ "Content-Type": contentType, "Content-Length": String(bytes.byteLength), ETag: etag });
  const ifNoneMatch = request.headers.get("If-None-Match");
  if (ifNoneMatch?.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(request.method === "HEAD" ? null : bytes, { status: 200, headers });
}

async function readArtifact(source: HostedSource, coords: MavenArtifactCoordinates, request: Request): Promise<Response | null> {
  const found = await source.findFile(
    mavenPackageLowerName(coords.groupId, coords.artifactId),
    coords.version.toLowerCase(),
    coords.filename.toLowerCase(),
  );
  if (!found) return null;
  const { blob } = found;
  if (coords.checksum !== undefined) {
    return textResponse(request, blobChecksum(blob, coords.checksum), "text/plain; charset=utf-8", `"${coords.checksum}-${blob.sha256}"`);
  }
  return source.serveFile(request, found, {
    contentType: contentTypeOf(coords.extension),
    headers: { "X-Checksum-Sha1": blob.sha1, "X-Checksum-Md5": blob.md5, "X-Checksum-Sha256": blob.sha256 },
  });
}

async function readMetadata(source: HostedSource, coords: MavenMetadataCoordinates, request: Request): Promise<Response | null> {
  const xml = await renderHostedMetadata(source, coords);
  if (xml === null) return null;
  const bytes = new TextEncoder().encode(xml);
  const sha1 = await digestHex("sha1", bytes);
  if (coords.checksum === undefined) return textResponse(request, xml, "text/xml; charset=utf-8", `"${sha1}"`);
  const value = coords.checksum === "sha1" ? sha1 : await digestHex(coords.checksum, bytes);
  return textResponse(request, value, "text/plain; charset=utf-8", `"${coords.checksum}-${sha1}"`);
}

/**
 * Serves one repository-relative Maven path, still percent-encoded as in the URL
 * ("org/example/lib/1.0/lib-1.0.jar", a checksum of it, or a maven-metadata.xml at either
 * level), from a hosted source, for GET or HEAD. Returns null when nothing is stored there;
 * throws a 400 RegistryError for an invalid path (callers may check `classifyMavenPath`
 * first). Authorisation is the caller's job.
 */
export async function readHostedMaven(source: HostedSource, path: string, request: Request): Promise<Response | null> {
  const coords = mavenCoordinates(decodeMavenPath(path.startsWith("/") ? path.slice(1) : path));
  return coords.kind === "metadata" ? readMetadata(source, coords, request) : readArtifact(source, coords, request);
}
