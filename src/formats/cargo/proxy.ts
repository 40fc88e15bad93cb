/**
 * Cargo under the remote/virtual engine (src/virtual/engine.ts). Paths are relative to
 * `/cargo/{repo}/`:
 *
 * | path                                     | target                                                   | shielding key |
 * |------------------------------------------|----------------------------------------------------------|---------------|
 * | `index/{prefix}/{name}`                  | metadata; precomputed document "cargo-index", never edge-cached | crate name (lower case) |
 * | `api/v1/crates/{name}/{version}/download`| artifact decided by the index file's provenance          | crate name    |
 *
 * A remote member's upstream is a sparse index root (`https://index.crates.io/`): index
 * files at `{prefix}/{name}`, and `config.json`, the document's companion, whose `dl` says
 * where `.crate` files are (another host for crates.io). The merged index file records, per
 * version, the member that won it and the `.crate`'s upstream URL; a download is served by
 * that member only, at that URL — so the bytes always match the `cksum` cargo was shown.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { registerRecipe } from "../../virtual/derived-document";
import type { DocumentRecipe, ProxySpec, ProxyTarget } from "../types";
import { mergeIndexFiles } from "./index-merge";
import { crateFilename, crateOfIndexPath, indexPathOf, isValidCrateName, lowerCrateName, lowerCrateVersion, parseCrateVersion } from "./names";
import { hostedIndexFile } from "./stored";

export type CargoPath = { kind: "index"; name: string } | { kind: "download"; name: string; version: string };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Parses a repository-relative, still percent-encoded read path; null when it is none of ours. */
export function parseCargoPath(path: string): CargoPath | null {
  if (path.startsWith("index/")) {
    const name = crateOfIndexPath(path.slice("index/".length));
    return name ? { kind: "index", name } : null;
  }
  const match = /^api\/v1\/crates\/([^/]+)\/([^/]+)\/download$/.exec(path);
  if (!match) return null;
  const name = decode(match[1] ?? "");
  const version = decode(match[2] ?? "");
  if (!name || !version || !isValidCrateName(name) || !parseCrateVersion(version)) return null;
  return { kind: "download", name, version };
}

const INDEX_RECIPE = "cargo-index";
const INDEX_CONTENT_TYPE = "text/plain; charset=utf-8";
const INDEX_HEADERS = { "Cache-Control": "max-age=0, must-revalidate" };

export async function readHostedCargo(source: HostedSource, path: string, request: Request): Promise<Response | null> {
  const parsed = parseCargoPath(path);
  if (!parsed) return null;
  const lower = lowerCrateName(parsed.name);
  if (parsed.kind === "index") {
    const text = await hostedIndexFile(source, lower);
    return text === null ? null : new Response(request.method === "HEAD" ? null : text, { headers: { ...INDEX_HEADERS, "Content-Type": INDEX_CONTENT_TYPE } });
  }
  const found = await source.findFile(lower, lowerCrateVersion(parsed.version), crateFilename(lower, parsed.version).toLowerCase());
  if (!found?.file.isLead) return null;
  return source.serveFile(request, found, { contentType: "application/gzip", headers: { "X-Checksum-Sha256": found.blob.sha256 } });
}

const indexRecipe: DocumentRecipe = {
  precomputed: true,
  hostedText: (source, _target, params) => hostedIndexFile(source, String(params.name)),
  merge: (documents, _params, now) => mergeIndexFiles(documents, now),
};
registerRecipe(INDEX_RECIPE, indexRecipe);

export function indexTarget(name: string): ProxyTarget {
  const lower = lowerCrateName(name);
  const upstream = indexPathOf(lower);
  return {
    kind: "metadata",
    path: `index/${upstream}`,
    upstream,
    packageKey: lower,
    noEdgeCache: true,
    document: {
      recipe: INDEX_RECIPE,
      key: `cargo:index:${lower}`,
      contentType: INDEX_CONTENT_TYPE,
      headers: INDEX_HEADERS,
      params: { name: lower },
      companion: { path: "index/config.json", upstream: "config.json" },
    },
  };
}

export function classifyCargoPath(path: string): ProxyTarget | null {
  const parsed = parseCargoPath(path);
  if (!parsed) return null;
  if (parsed.kind === "index") return indexTarget(parsed.name);
  const lower = lowerCrateName(parsed.name);
  return {
    kind: "artifact",
    path,
    key: `crates/${lower}/${crateFilename(lower, parsed.version).toLowerCase()}`,
    packageKey: lower,
    indexedBy: { index: indexTarget(lower), entry: lowerCrateVersion(parsed.version), upstreamFromIndex: true },
  };
}

export const cargoProxy: ProxySpec = {
  classify: (path) => classifyCargoPath(path),
  readHosted: (source, target, request) => readHostedCargo(source, target.path, request),
};
