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
import { indexOf, type Place } from "./index-document";
import { ARCHITECTURE, parseApkFilename } from "./pkginfo";
import { hostedIndexes } from "./repository-index";
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

export function apkTarget(path: string): ProxyTarget | null {
  const place = apkPlace(path);
  return place ? { kind: "artifact", path, packageKey: place.name.toLowerCase() } : null;
}

function classifyAlpinePath(path: string): ProxyTarget | null {
  const place = indexPlace(path);
  return place ? indexTarget(place) : apkTarget(path);
}

async function readHostedAlpine(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null> {
  const index = indexPlace(target.path);
  if (index) {
    const stored = indexOf(await hostedIndexes(source), index);
    return stored ? source.serveBlob(request, stored.archive, { contentType: "application/gzip" }) : null;
  }
  const apk = apkPlace(target.path);
  if (!apk) return null;
  // Its own arch and noarch asked at once (one D1 round trip).
  const stored = (arch: string) => source.findFile(apk.name.toLowerCase(), apk.version.toLowerCase(), `${apk.branch}/${apk.repository}/${arch}/${apk.filename}`.toLowerCase());
  const [own, noarch] = await Promise.all([stored(apk.arch), apk.arch === "noarch" ? null : stored("noarch")]);
  const found = own ?? noarch;
  return found ? source.serveFile(request, found, { contentType: "application/octet-stream" }) : null;
}

export const alpineProxy: ProxySpec = { classify: classifyAlpinePath, readHosted: readHostedAlpine };
