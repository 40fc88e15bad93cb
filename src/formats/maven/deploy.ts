/**
 * Deploying to a hosted Maven repository (`mvn deploy`, `deploy:deploy-file`, Gradle).
 *
 * - Artifact files use "create or add file to existing version": package `groupId:artifactId`,
 *   version = the directory version. A release file that already exists is a 409 unless the
 *   repository sets `allowRedeploy`; SNAPSHOT directories are always redeployable. A redeploy
 *   replaces the earlier copy (the new row lands first, then older copies are deleted).
 *   Timestamped snapshot files have distinct names and so are all kept.
 * - Checksum files (`x.jar.sha1`, …) are verified, never stored: the server serves the digests
 *   it computed itself. Match → 200; mismatch → 400; a checksum for a file that is not deployed
 *   → 404 (Maven and Gradle always upload a file before its checksums).
 * - maven-metadata.xml (and its checksums) from the client are read and discarded with a 200:
 *   the server computes metadata from what is stored, so a stale or racing client copy can
 *   never drop versions.
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { mavenPackageLowerName } from "./classify";
import { isSnapshotVersion, type MavenArtifactCoordinates, type MavenChecksum, type MavenCoordinates } from "./coordinates";
import { blobChecksum } from "./read";

/** Checksum files are tiny; some tools write "hash  filename". */
const MAX_CHECKSUM_BYTES = 4096;
/** Client metadata is discarded but read to the end so the client sees a clean response. */
const MAX_DISCARDED_BYTES = 16 * 1024 * 1024;
const HEX_LENGTH: Record<MavenChecksum, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

function declaredLength(request: Request): number | undefined {
  const header = request.headers.get("Content-Length");
  if (header === null) return undefined;
  if (!/^\d+$/.test(header)) throw new RegistryError("bad_request", "Content-Length is not a number");
  return Number(header);
}

function expectedSha256(request: Request): string | undefined {
  const header = request.headers.get("X-Checksum-Sha256");
  if (header === null) return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(header)) throw new RegistryError("bad_request", "X-Checksum-Sha256 must be 64 hex digits");
  return header;
}

/** Reads a request body up to `limit` bytes (a longer one is a 413). */
async function readBounded(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw new RegistryError("too_large", `body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const accepted = (): Response => new Response(null, { status: 200 });

async function verifyChecksum(source: HostedSource, coords: MavenArtifactCoordinates, checksum: MavenChecksum, request: Request): Promise<Response> {
  const text = new TextDecoder().decode(await readBounded(request.body, MAX_CHECKSUM_BYTES)).trim();
  const value = (text.split(/\s+/)[0] ?? "").toLowerCase();
  if (value.length !== HEX_LENGTH[checksum] || !/^[0-9a-f]+$/.test(value)) {
    throw new RegistryError("bad_request", `${coords.filename}.${checksum} is not a ${checksum} hex digest`);
  }
  const found = await source.findFile(mavenPackageLowerName(coords.groupId, coords.artifactId), coords.version.toLowerCase(), coords.filename.toLowerCase());
  if (!found) throw new RegistryError("not_found", `${coords.filename} is not deployed; upload it before its checksum`);
  const stored = blobChecksum(found.blob, checksum);
  if (stored !== value) throw new RegistryError("digest_mismatch", `${checksum} of ${coords.filename} is ${stored}, not ${value}`);
  return accepted();
}

async function deployFile(source: HostedSource, coords: MavenArtifactCoordinates, request: Request): Promise<Response> {
  const lowerName = mavenPackageLowerName(coords.groupId, coords.artifactId);
  const lowerVersion = coords.version.toLowerCase();
  const lowerFilename = coords.filename.toLowerCase();
  const redeployable = isSnapshotVersion(coords.version) || source.repository.settings.allowRedeploy;
  if (!redeployable && (await source.findFile(lowerName, lowerVersion, lowerFilename))) {
    throw new RegistryError("exists", `${coords.filename} already exists in ${coords.groupId}:${coords.artifactId}:${coords.version} and release redeploy is not allowed`);
  }
  const declaredSize = declaredLength(request);
  const sha256 = expectedSha256(request);
  const blob = await source.storeBlob(request.body, {
    ...(declaredSize === undefined ? {} : { declaredSize }),
    ...(sha256 === undefined ? {} : { expectedSha256: sha256 }),
  });
  const input = {
    packageName: `${coords.groupId}:${coords.artifactId}`,
    lowerName,
    version: coords.version,
    lowerVersion,
    file: { name: coords.filename, lowerName: lowerFilename, isLead: coords.extension === "pom" },
  };
  if (redeployable) await source.replaceFile(input, blob);
  else await source.addFile("create-or-add", input, blob);
  return new Response(null, { status: 201 });
}

/** Handles one PUT of a validated Maven path to a hosted repository the caller may write. */
export async function deployMaven(source: HostedSource, coords: MavenCoordinates, request: Request): Promise<Response> {
  if (coords.kind === "metadata") {
    await readBounded(request.body, MAX_DISCARDED_BYTES);
    return accepted();
  }
  if (coords.checksum !== undefined) return verifyChecksum(source, coords, coords.checksum, request);
  return deployFile(source, coords, request);
}
