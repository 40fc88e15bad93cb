/**
 * Alpine under the remote/virtual engine. Paths are relative to `/alpine/{repo}/`:
 *
 * | path | target |
 * |---|---|
 * | `{branch}/{repository}/{arch}/APKINDEX.tar.gz` | metadata: hosted, the IndexBuilder's signed archive; remote, the upstream's (its signature passed through); virtual, the precomputed `alpine-apkindex` document (./virtual-index.ts) |
 * | `{branch}/{repository}/{arch}/{name}-{version}.apk` | artifact (immutable); in a virtual, from the member its index lists it from |
 *
 * A hosted repository serves `noarch` packages from every arch directory, and the `noarch`
 * index for an arch that has no packages of its own.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { ProxySpec, ProxyTarget } from "../types";
import type { Place } from "./repository-index";
import { ARCHITECTURE, parseApkFilename } from "./pkginfo";
import { hostedIndexes, indexOf } from "./repository-index";
import { PATH_SEGMENT } from "./upload";
import { VIRTUAL_RECIPE } from "./virtual-index";

export const INDEX_FILE = "APKINDEX.tar.gz";
const INDEX_PATH = /^([^/]+)\/([^/]+)\/([^/]+)\/APKINDEX\.tar\.gz$/;
const APK_PATH = /^([^/]+)\/([^/]+)\/([^/]+)\/([^/]+\.apk)$/;

export type { Place } from "./repository-index";

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

/**
 * The index target. `virtual` (the virtual repository's current key fingerprint) makes it
 * the merged, re-signed document; hosted and remote repositories serve their own copy.
 */
export function indexTarget(place: Place, virtual?: { repository: string; keyFingerprint: string }): ProxyTarget {
  const path = `${place.branch}/${place.repository}/${place.arch}/${INDEX_FILE}`;
  // A key rotation re-signs the index without a revision bump: never from a revision-keyed cache.
  const target: ProxyTarget = { kind: "metadata", path, packageKey: null, changesWithoutRevision: true };
  if (!virtual) return target;
  return {
    ...target,
    // Not kept in the edge cache: a member's delete or a key rotation shows at once.
    noEdgeCache: true,
    document: { recipe: VIRTUAL_RECIPE, key: `alpine:${path}`, contentType: "application/gzip", params: { place: `${place.branch}/${place.repository}/${place.arch}`, ...virtual } },
  };
}

export function apkTarget(path: string, virtual?: { repository: string; keyFingerprint: string }): ProxyTarget | null {
  const place = apkPlace(path);
  if (!place) return null;
  return {
    kind: "artifact",
    path,
    packageKey: place.name.toLowerCase(),
    ...(virtual ? { indexedBy: { index: indexTarget(place, virtual), entry: place.filename } } : {}),
  };
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
