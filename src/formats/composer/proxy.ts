/**
 * Composer under the remote/virtual engine (src/virtual/engine.ts). Paths are relative to
 * `/composer/{repo}/`:
 *
 * | path                                         | target                                                       | shielding key |
 * |----------------------------------------------|--------------------------------------------------------------|---------------|
 * | `p2/{vendor}/{project}.json`, `…~dev.json`   | metadata; precomputed document "composer-p2" for every kind, never edge-cached (read-your-writes) | `vendor/project` |
 * | `dists/{vendor}/{project}/{version}/{ref}.{type}` | artifact decided by the p2 document's provenance (member, and the upstream URL on any host) | `vendor/project` |
 *
 * A remote member's upstream is a Composer repository root (`https://repo.packagist.org/`):
 * its p2 documents are read at `p2/{vendor}/{project}.json` (packagist's `metadata-url`), and
 * their dist URLs, on whatever host, are recorded in the provenance. A hosted member's copy
 * is its stored document (./stored.ts).
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { registerRecipe } from "../../virtual/derived-document";
import type { DocumentRecipe, ProxySpec, ProxyTarget } from "../types";
import { archiveFilename, distEntry, parseDistPath, parseMetadataPath } from "./names";
import { mergeP2Documents, type P2Params } from "./p2-merge";
import { hostedP2Text, P2_CONTENT_TYPE } from "./stored";
import { isDevVersion } from "./versions";

const RECIPE = "composer-p2";

const p2Recipe: DocumentRecipe = {
  precomputed: true,
  hostedText: (source, _target, params) => hostedP2Text(source, String(params.name), params.dev === true),
  merge: (documents, params, now) => mergeP2Documents(documents, params as unknown as P2Params, now),
};
registerRecipe(RECIPE, p2Recipe);

export function p2Target(name: string, dev: boolean, base: string): ProxyTarget {
  const path = `p2/${name}${dev ? "~dev" : ""}.json`;
  const params: P2Params = { base, name, dev };
  return {
    kind: "metadata",
    path,
    packageKey: name,
    noEdgeCache: true,
    document: {
      recipe: RECIPE,
      key: `composer:p2${dev ? "~dev" : ""}:${base}:${name}`,
      contentType: P2_CONTENT_TYPE,
      headers: { "Cache-Control": "no-cache" },
      params: { ...params },
    },
  };
}

export function classifyComposerPath(path: string, base: string): ProxyTarget | null {
  const metadata = parseMetadataPath(path);
  if (metadata) return p2Target(metadata.name, metadata.dev, base);
  const dist = parseDistPath(path);
  if (!dist) return null;
  return {
    kind: "artifact",
    path,
    packageKey: dist.name,
    indexedBy: { index: p2Target(dist.name, isDevVersion(dist.version), base), entry: distEntry(dist.version, dist.reference), upstreamFromIndex: true },
  };
}

/** A hosted dist: the version's archive, only while its sha1 is the reference in the URL. */
export async function readHostedComposer(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null> {
  const dist = parseDistPath(target.path);
  if (!dist || dist.type !== "zip") return null;
  const found = await source.findFile(dist.name, dist.version.toLowerCase(), archiveFilename(dist.name, dist.version).toLowerCase());
  if (!found?.file.isLead || found.blob.sha1 !== dist.reference) return null;
  return source.serveFile(request, found, { contentType: "application/zip" });
}

export const composerProxy: ProxySpec = {
  classify: (path, _request, base) => classifyComposerPath(path, base),
  readHosted: readHostedComposer,
};
