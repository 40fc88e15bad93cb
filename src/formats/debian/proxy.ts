/**
 * Debian under the remote/virtual engine. Paths are relative to `/debian/{repo}/`:
 *
 * | path | target | hosted answer |
 * |---|---|---|
 * | `repository.key` | metadata | the repository's armored OpenPGP public key |
 * | `dists/{dist}/{Release,InRelease,Release.gpg}` | metadata | the current generation's file |
 * | `dists/{dist}/{comp}/binary-{arch}/Packages{,.gz,.xz}` | metadata | the current generation's file |
 * | `dists/…/by-hash/{SHA256,SHA512}/{hash}` | artifact (content-addressed) | this or the previous generation's index file |
 * | `pool/{dist}/{comp}/{file}.deb` | artifact | the stored package |
 *
 * A remote repository mirrors its upstream tree as is: indexes are metadata (revalidated),
 * signatures pass through unchanged, pool files and by-hash files are immutable artifacts.
 * Hosted index files are read from the stored generation (./generation.ts), never built here.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { PublicSigningKey } from "../../signing/key-store";
import { openpgpKind } from "../../signing/openpgp";
import type { ProxySpec, ProxyTarget } from "../types";
import { type AssetRef, GENERATION_KEY, type Generation } from "./generation";
import { parsePoolPath, storedName } from "./paths";

export const KEY_PATH = "repository.key";
const DISTS = /^dists\/[a-zA-Z0-9][a-zA-Z0-9._+~-]{0,63}\/(?:Release|InRelease|Release\.gpg|[a-zA-Z0-9][a-zA-Z0-9._+~-]{0,63}\/binary-[a-z0-9-]+\/Packages(?:\.gz|\.xz)?)$/;
const BY_HASH = /^dists\/[a-zA-Z0-9][a-zA-Z0-9._+~/-]{0,200}\/by-hash\/(SHA256|SHA512)\/([0-9a-f]{64}|[0-9a-f]{128})$/;
/** Other upstream index paths a mirror passes through (i18n, Contents, source indexes). */
const UPSTREAM_DISTS = /^dists\/[A-Za-z0-9._+~/-]{1,300}$/;

// Index files, the key and pool files change without a revision bump (the IndexBuilder switches
// generations after its debounce, and a deleted file stays downloadable until then; a rotation
// replaces the key): never served from a revision-keyed cache. by-hash files are content-addressed.
export function classifyDebianPath(path: string, _request: Request, _base: string): ProxyTarget | null {
  if (path === KEY_PATH) return { kind: "metadata", path, packageKey: null, changesWithoutRevision: true };
  if (BY_HASH.test(path)) return { kind: "artifact", path, packageKey: null };
  if (DISTS.test(path) || (UPSTREAM_DISTS.test(path) && !path.includes(".."))) return { kind: "metadata", path, packageKey: null, changesWithoutRevision: true };
  const pool = parsePoolPath(path);
  if (pool) return { kind: "artifact", path, packageKey: pool.name, changesWithoutRevision: true };
  // Upstream pools are laid out by source package (pool/main/h/hello/…): artifacts too.
  if (/^pool\/[A-Za-z0-9._+~/-]{1,300}\.(?:deb|udeb|dsc|tar\.[a-z0-9]+|diff\.gz|buildinfo|changes)$/.test(path) && !path.includes("..")) {
    return { kind: "artifact", path, packageKey: /\/([a-z0-9][a-z0-9+.-]+)_[^/]*$/.exec(path)?.[1] ?? null, changesWithoutRevision: true };
  }
  return null;
}

// Parsed generations by the sha256 of their document: a warm read parses nothing.
const generations = new Map<string, Generation>();

export async function currentGeneration(source: HostedSource): Promise<Generation | null> {
  const stored = await source.findDerivedDocument(GENERATION_KEY);
  if (!stored) return null;
  const cached = generations.get(stored.blob.sha256);
  if (cached) return cached;
  const object = await source.readBlob(stored.blob);
  if (!object) return null;
  const generation = JSON.parse(await object.text()) as Generation;
  if (generations.size >= 32) generations.clear();
  generations.set(stored.blob.sha256, generation);
  return generation;
}

function assetFor(generation: Generation, path: string): AssetRef | null {
  const byHash = BY_HASH.exec(path);
  if (byHash) return generation.byHash[byHash[2] ?? ""] ?? null;
  return generation.files[path] ?? null;
}

export function keyResponse(request: Request, key: PublicSigningKey): Response {
  return new Response(request.method === "HEAD" ? null : key.publicKey, {
    headers: { "Content-Type": "application/pgp-keys", "X-Key-Fingerprint": key.fingerprint, "Cache-Control": "no-cache" },
  });
}

/** A `dists/…` file of a generation (by path or by hash), or null. */
export async function assetResponse(source: HostedSource, generation: Generation, path: string, request: Request): Promise<Response | null> {
  const asset = assetFor(generation, path);
  if (!asset) return null;
  return source.serveBlob(request, asset.blob, { contentType: asset.contentType, headers: { "Cache-Control": BY_HASH.test(path) ? "max-age=86400, immutable" : "no-cache" } });
}

export async function readHostedDebian(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null> {
  const { path } = target;
  if (path === KEY_PATH) return keyResponse(request, await source.signingKeys.publicKey(openpgpKind));
  if (path.startsWith("dists/")) {
    const generation = await currentGeneration(source);
    return generation ? assetResponse(source, generation, path, request) : null;
  }
  const pool = parsePoolPath(path);
  if (!pool) return null;
  const stored = storedName(pool.distribution, pool.component, pool.name, pool.version, pool.architecture);
  const found = await source.findFile(pool.name, pool.version.toLowerCase(), stored.toLowerCase());
  const options = { contentType: "application/vnd.debian.binary-package" };
  if (found) return source.serveFile(request, found, { ...options, headers: { "X-Checksum-Sha256": found.blob.sha256 } });
  // Deleted since the current generation was built: still served while an index lists it.
  const listed = (await currentGeneration(source))?.pool?.[`pool/${pool.distribution}/${pool.component}/${stored.split("/").pop()}`];
  return listed ? source.serveBlob(request, listed, { ...options, headers: { "X-Checksum-Sha256": listed.sha256 } }) : null;
}

export const debianProxy: ProxySpec = { classify: classifyDebianPath, readHosted: readHostedDebian };
