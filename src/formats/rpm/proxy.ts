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
 * from the stored generation (./generation.ts), never built here; a virtual's own generation
 * is served with the same helpers (./virtual.ts).
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { openpgpKind } from "../../signing/openpgp";
import type { ProxySpec, ProxyTarget } from "../types";
import { currentGeneration, type Generation } from "./generation";
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

/** The repository's armored OpenPGP public key. */
export async function keyResponse(source: HostedSource, request: Request): Promise<Response> {
  const key = await source.signingKeys.publicKey(openpgpKind);
  return new Response(request.method === "HEAD" ? null : key.publicKey, {
    headers: { "Content-Type": "application/pgp-keys", "X-Key-Fingerprint": key.fingerprint, "Cache-Control": "no-cache" },
  });
}

/** A stored generation's repodata file `path` (`{group/}repodata/…`), or null when it names none. */
export function repodataResponse(source: HostedSource, generation: Generation | null, path: string, request: Request): Promise<Response> | null {
  const asset = generation?.files[path];
  if (!asset) return null;
  return source.serveBlob(request, asset.blob, { contentType: asset.contentType, headers: { "Cache-Control": HASHED.test(path) ? "max-age=86400, immutable" : "no-cache" } });
}

/** A package a stored generation lists at `path` (`{group/}package/…`), or null. */
export function pooledPackageResponse(source: HostedSource, generation: Generation | null, path: string, request: Request): Promise<Response> | null {
  const blob = generation?.pool[path];
  return blob ? source.serveBlob(request, blob, { contentType: "application/x-rpm", headers: { "X-Checksum-Sha256": blob.sha256 } }) : null;
}

export async function readHostedRpm(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null> {
  const { path } = target;
  const parsed = parseRpmPath(path);
  // `repodata/repomd.xml.key`: where zypper (and OBS-style trees) look for the repository's key.
  if (path === KEY_PATH || (parsed?.kind === "repodata" && parsed.file === "repomd.xml.key")) return keyResponse(source, request);
  if (parsed?.kind === "repodata") return repodataResponse(source, await currentGeneration(source), path, request);
  if (parsed?.kind !== "package") return null;
  const split = splitFilename(parsed.name, parsed.filename);
  if (!split) return null;
  const found = await source.findFile(parsed.name.toLowerCase(), split.version.toLowerCase(), storedName(parsed.group, parsed.filename).toLowerCase());
  if (found) return source.serveFile(request, found, { contentType: "application/x-rpm", headers: { "X-Checksum-Sha256": found.blob.sha256 } });
  // Deleted since the current generation was built: still served while its repodata lists it.
  return pooledPackageResponse(source, await currentGeneration(source), `${groupPrefix(parsed.group)}package/${parsed.name}/${parsed.filename}`, request);
}

export const rpmProxy: ProxySpec = { classify: classifyRpmPath, readHosted: readHostedRpm };
