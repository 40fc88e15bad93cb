/**
 * OCI under the remote/virtual engine (src/virtual/engine.ts). Paths are relative to
 * `/v2/{repo}/`; a remote member asks its upstream at `v2/{upstream name}/…` (./remote/upstream-names.ts):
 *
 * | path                            | target                                                              | cache key |
 * |---------------------------------|---------------------------------------------------------------------|-----------|
 * | `{name}/manifests/{tag}`        | metadata; revalidated by a HEAD comparing `Docker-Content-Digest`    | the path  |
 * | `{name}/manifests/{digest}`     | artifact (immutable), bytes verified against the digest             | the path  |
 * | `{name}/blobs/{digest}`         | artifact (immutable), bytes verified; one entry per digest for every name | `blobs/{digest}` |
 * | `{name}/tags/list`              | metadata (the upstream's tag list)                                  | the path  |
 * | `{name}/referrers/{digest}`     | metadata (the upstream's referrers index)                           | the path  |
 *
 * The shielding and include/exclude key is the image name. Manifests are asked for with every
 * manifest media type in `Accept` (one cache entry per tag whatever the client accepts; the
 * route then checks the client's `Accept`), and the upstream's `Docker-Content-Digest` is kept.
 */
import type { ProxyTarget } from "../types";
import { MANIFEST_MEDIA_TYPES, OCI_INDEX } from "./manifest";
import { algorithmOf, isValidImageName, parseDigest, parseReference, type Reference } from "./names";
import { upstreamLocation } from "./remote/upstream-names";

export const DIGEST_HEADER = "Docker-Content-Digest";
export const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(", ");

const referenceText = (reference: Reference): string => (reference.kind === "tag" ? reference.tag : reference.digest);

function expectation(digest: string): { sha256: string } | { sha512: string } {
  const hex = digest.slice(digest.indexOf(":") + 1);
  return algorithmOf(digest) === "sha512" ? { sha512: hex } : { sha256: hex };
}

function located(name: string, endpoint: string): Pick<ProxyTarget, "packageKey" | "upstreamFor"> {
  return { packageKey: name, upstreamFor: (remoteUrl) => upstreamLocation(remoteUrl, name, endpoint) };
}

export function manifestTarget(name: string, reference: Reference): ProxyTarget {
  const endpoint = `manifests/${referenceText(reference)}`;
  const common = { path: `${name}/${endpoint}`, accept: MANIFEST_ACCEPT, keepHeaders: [DIGEST_HEADER], ...located(name, endpoint) };
  if (reference.kind === "digest") return { ...common, kind: "artifact", expectedDigest: expectation(reference.digest) };
  // A tag moves: never kept in the edge cache, revalidated upstream by digest.
  return { ...common, kind: "metadata", revalidateByHead: DIGEST_HEADER, noEdgeCache: true };
}

export function blobTarget(name: string, digest: string): ProxyTarget {
  const endpoint = `blobs/${digest}`;
  return { kind: "artifact", path: `${name}/${endpoint}`, key: endpoint, keepHeaders: [DIGEST_HEADER], expectedDigest: expectation(digest), ...located(name, endpoint) };
}

export function tagsTarget(name: string): ProxyTarget {
  return { kind: "metadata", path: `${name}/tags/list`, accept: "application/json", noEdgeCache: true, ...located(name, "tags/list") };
}

export function referrersTarget(name: string, digest: string): ProxyTarget {
  const endpoint = `referrers/${digest}`;
  return { kind: "metadata", path: `${name}/${endpoint}`, accept: OCI_INDEX, noEdgeCache: true, ...located(name, endpoint) };
}

type Parsed =
  | { kind: "manifest"; name: string; reference: Reference }
  | { kind: "blob"; name: string; digest: string }
  | { kind: "tags"; name: string }
  | { kind: "referrers"; name: string; digest: string };

/** A repository-relative read path; null when it is none of the above (or its name, digest or tag is invalid). */
export function parseProxyPath(path: string): Parsed | null {
  const match = /^(.+)\/(manifests|blobs|referrers)\/([^/]+)$/.exec(path) ?? /^(.+)\/(tags)\/(list)$/.exec(path);
  if (!match) return null;
  const [, name = "", endpoint, last = ""] = match;
  if (!isValidImageName(name)) return null;
  try {
    if (endpoint === "manifests") return { kind: "manifest", name, reference: parseReference(last) };
    if (endpoint === "blobs") return { kind: "blob", name, digest: parseDigest(last) };
    if (endpoint === "referrers") return { kind: "referrers", name, digest: parseDigest(last) };
    return { kind: "tags", name };
  } catch {
    return null;
  }
}

export function classifyOciPath(path: string): ProxyTarget | null {
  const parsed = parseProxyPath(path);
  if (!parsed) return null;
  switch (parsed.kind) {
    case "manifest":
      return manifestTarget(parsed.name, parsed.reference);
    case "blob":
      return blobTarget(parsed.name, parsed.digest);
    case "tags":
      return tagsTarget(parsed.name);
    case "referrers":
      return referrersTarget(parsed.name, parsed.digest);
  }
}
