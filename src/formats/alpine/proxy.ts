/**
 * Alpine under the remote/virtual engine. Paths are relative to `/alpine/{repo}/`:
 *
 * | path | target |
 * |---|---|
 * | `{branch}/{repository}/{arch}/APKINDEX.tar.gz` | metadata: hosted, the IndexBuilder's signed archive; remote, the upstream's (its signature passed through) |
 * | `{branch}/{repository}/{arch}/{name}-{version}.apk` | artifact (immutable) |
 *
 * A virtual repository serves its own stored index document (./virtual.ts); the engine only
 * serves it packages for a caller who may not read every hosted member.
 *
 * A hosted repository serves `noarch` packages from every arch directory, and the `noarch`
 * index for an arch that has no packages of its own.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { ProxySpec, ProxyTarget } from "../types";
import { indexOf, type ListedFiles, type Place, readStoredJson, storedIndexes } from "./index-document";
import { ARCHITECTURE, parseApkFilename } from "./pkginfo";
import { PATH_SEGMENT } from "./upload";

export const INDEX_FILE = "APKINDEX.tar.gz";
const INDEX_PATH = /^([^/]+)\/([^/]+)\/([^/]+)\/APKINDEX\.tar\.gz$/;
const APK_PATH = /^([^/]+)\/([^/]+)\/([^/]+)\/([^/]+\.apk)$/;

const validPlace = (branch: string, repository: string, arch: string): boolean => PATH_SEGMENT.test(branch) && PATH_SEGMENT.test(repository) && ARCHITECTURE.test(arch);

export function indexPlace(path: string): Place | null {
  const match = INDEX_PATH.exec(path);
  if (!match) return null;
  const [, branch = "", repository = "", arch = ""] = match;
  return validPlace(branch, repository, arch) ? { branch, repository, arch } : null;
}

export function apkPlace(path: string): (Place & { filename: string; name: string; version: string }) | null {
  const match = APK_PATH.exec(path);
  if (!match) return null;
  const [, branch = "", repository = "", arch = "", filename = ""] = match;
  const parsed = parseApkFilename(filename);
  return parsed && validPlace(branch, repository, arch) ? { branch, repository, arch, filename, ...parsed } : null;
}

/** The index target: the repository's own copy (a key rotation re-signs it without a revision bump: never from a revision-keyed cache). */
export function indexTarget(place: Place): ProxyTarget {
  return { kind: "metadata", path: `${place.branch}/${place.repository}/${place.arch}/${INDEX_FILE}`, packageKey: null, changesWithoutRevision: true };
}

/** A package: a deleted one stays served while the stored index lists it (no revision marks the build that drops it). */
export function apkTarget(path: string): ProxyTarget | null {
  const place = apkPlace(path);
  return place ? { kind: "artifact", path, packageKey: place.name.toLowerCase(), changesWithoutRevision: true } : null;
}

function classifyAlpinePath(path: string): ProxyTarget | null {
  const place = indexPlace(path);
  return place ? indexTarget(place) : apkTarget(path);
}

/** The blob the stored index of the package's place lists under its file name, if any. */
async function listedBlob(source: HostedSource, apk: Place & { filename: string }) {
  const stored = indexOf(await storedIndexes(source), apk);
  const files = stored?.files ? await readStoredJson<ListedFiles>(source, stored.files) : null;
  return files?.[apk.filename] ?? null;
}

async function readHostedAlpine(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null> {
  const index = indexPlace(target.path);
  if (index) {
    const stored = indexOf(await storedIndexes(source), index);
    return stored ? source.serveBlob(request, stored.archive, { contentType: "application/gzip" }) : null;
  }
  const apk = apkPlace(target.path);
  if (!apk) return null;
  const options = { contentType: "application/octet-stream" };
  // Its own arch, noarch and the index's listing asked at once.
  const stored = (arch: string) => source.findFile(apk.name.toLowerCase(), apk.version.toLowerCase(), `${apk.branch}/${apk.repository}/${arch}/${apk.filename}`.toLowerCase());
  const [own, noarch, listed] = await Promise.all([stored(apk.arch), apk.arch === "noarch" ? null : stored("noarch"), listedBlob(source, apk)]);
  const found = own ?? noarch;
  // The stored file when it is the copy the index describes (or the index does not list it yet);
  // else the listed bytes (deleted, or replaced, since the build), which the index's C: matches.
  if (found && (!listed || listed.sha256 === found.blob.sha256)) return source.serveFile(request, found, options);
  return listed ? source.serveBlob(request, listed, options) : null;
}

export const alpineProxy: ProxySpec = { classify: classifyAlpinePath, readHosted: readHostedAlpine };
