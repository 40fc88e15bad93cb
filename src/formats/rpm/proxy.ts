/**
 * RPM under the remote/virtual engine. Paths are relative to `/rpm/{repo}/`:
 *
 * | path | target | hosted answer |
 * |---|---|---|
 * | `repository.key`, `{group/}repodata/repomd.xml.key` | metadata | the repository's armored OpenPGP public key |
 * | `{group/}repodata/{repomd.xml,repomd.xml.asc,primary.xml.gz,…}` | metadata | the current generation's file |
 * | `{group/}repodata/{sha256}-{type}.xml.gz` | artifact (content-addressed) | this or the previous generation's file |
 * | `{group/}package/{name}/{file}.rpm` | artifact | the stored package |
 *
 * A remote repository mirrors an upstream tree (a Fedora mirror's `…/os/`): `repodata/*`
 * files are metadata (revalidated), signatures pass through unchanged, `.rpm` files anywhere
 * in the tree (`Packages/h/hello-….rpm`) are immutable artifacts. Hosted repodata is read
 * from the stored generation (./generation.ts), never built here.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { openpgpKind } from "../../signing/openpgp";
import type { ProxySpec, ProxyTarget } from "../types";
import { GENERATION_KEY, type Generation } from "./generation";
import { groupPrefix, parseRpmPath, splitFilename, storedName } from "./paths";

export const KEY_PATH = "repository.key";
const HASHED = /(^|\/)repodata\/[0-9a-f]{64}-[a-z_]+\.xml(\.gz|\.zst|\.xz|\.bz2)?$/;
const UPSTREAM_REPODATA = /^(?:[A-Za-z0-9._+~-]+\/){0,8}repodata\/[A-Za-z0-9._-]{1,200}$/;
const UPSTREAM_RPM = /^(?:[A-Za-z0-9._+~-]+\/){0,10}([A-Za-z0-9._+~^-]+)\.rpm$/;

// Repodata, the key and package files change without a revision bump (the IndexBuilder switches
// generations after its debounce, and a deleted package stays downloadable until then; a rotation
// replaces the key): never served from a revision-keyed cache. Hashed repodata is content-addressed.
export function classifyRpmPath(path: string, _request: Request, _base: string): ProxyTarget | null {
  if (path.includes("..")) return null;
  if (path === KEY_PATH) return { kind: "metadata", path, packageKey: null, changesWithoutRevision: true };
  if (HASHED.test(path)) return { kind: "artifact", path, packageKey: null };
  if (UPSTREAM_REPODATA.test(path)) return { kind: "metadata", path, packageKey: null, changesWithoutRevision: true };
  const parsed = parseRpmPath(path);
  if (parsed?.kind === "package") return { kind: "artifact", path, packageKey: parsed.name.toLowerCase(), changesWithoutRevision: true };
  const upstream = UPSTREAM_RPM.exec(path);
  // Upstream trees name packages by file only: the name is what precedes `-{version}-{release}.{arch}`.
  if (upstream) return { kind: "artifact", path, packageKey: /^(.+)-[^-]+-[^-]+\.[^.]+$/.exec(upstream[1] ?? "")?.[1]?.toLowerCase() ?? null, changesWithoutRevision: true };
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

export async function readHostedRpm(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null> {
  const { path } = target;
  const parsed = parseRpmPath(path);
  // `repodata/repomd.xml.key`: where zypper (and OBS-style trees) look for the repository's key.
  if (path === KEY_PATH || (parsed?.kind === "repodata" && parsed.file === "repomd.xml.key")) {
    const key = await source.signingKeys.publicKey(openpgpKind);
    return new Response(request.method === "HEAD" ? null : key.publicKey, {
      headers: { "Content-Type": "application/pgp-keys", "X-Key-Fingerprint": key.fingerprint, "Cache-Control": "no-cache" },
    });
  }
  if (parsed?.kind === "repodata") {
    const asset = (await currentGeneration(source))?.files[path];
    if (!asset) return null;
    return source.serveBlob(request, asset.blob, { contentType: asset.contentType, headers: { "Cache-Control": HASHED.test(path) ? "max-age=86400, immutable" : "no-cache" } });
  }
  if (parsed?.kind !== "package") return null;
  const split = splitFilename(parsed.name, parsed.filename);
  if (!split) return null;
  const options = { contentType: "application/x-rpm" };
  const found = await source.findFile(parsed.name.toLowerCase(), split.version.toLowerCase(), storedName(parsed.group, parsed.filename).toLowerCase());
  if (found) return source.serveFile(request, found, { ...options, headers: { "X-Checksum-Sha256": found.blob.sha256 } });
  // Deleted since the current generation was built: still served while its repodata lists it.
  const listed = (await currentGeneration(source))?.pool[`${groupPrefix(parsed.group)}package/${parsed.name}/${parsed.filename}`];
  return listed ? source.serveBlob(request, listed, { ...options, headers: { "X-Checksum-Sha256": listed.sha256 } }) : null;
}

export const rpmProxy: ProxySpec = { classify: classifyRpmPath, readHosted: readHostedRpm };
