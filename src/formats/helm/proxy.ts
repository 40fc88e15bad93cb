/**
 * Helm under the remote/virtual engine. Paths are relative to `/helm/{repo}/`:
 *
 * | path                | target                                                                |
 * |---------------------|-----------------------------------------------------------------------|
 * | `index.yaml`        | metadata; precomputed document "helm-index" (./index-merge.ts) for every kind |
 * | `charts/{file}.tgz` | artifact decided by the index's provenance (the member, and the upstream URL on any host) |
 *
 * A hosted member's copy is its IndexBuilder document (./repository-index.ts), keyed on its
 * repository revision; a remote member's is the upstream `index.yaml`. Chart URLs in the
 * served index all point here.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { registerRecipe } from "../../virtual/derived-document";
import type { DocumentRecipe, ProxySpec, ProxyTarget } from "../types";
import { parseChartFilename } from "./chart-yaml";
import { mergeHelmIndexes } from "./index-merge";
import { INDEX_NAME } from "./repository-index";

const RECIPE = "helm-index";
export const INDEX_CONTENT_TYPE = "application/x-yaml";

async function hostedIndexText(source: HostedSource): Promise<string | null> {
  const index = await source.repositoryIndex(INDEX_NAME);
  const object = index ? await source.readBlob(index.blob) : null;
  return object ? object.text() : null;
}

const indexRecipe: DocumentRecipe = {
  precomputed: true,
  hostedText: (source) => hostedIndexText(source),
  merge: (documents, params, now) => mergeHelmIndexes(documents, String(params.base), now),
};
registerRecipe(RECIPE, indexRecipe);

function indexTarget(base: string): ProxyTarget {
  return {
    kind: "metadata",
    path: INDEX_NAME,
    packageKey: null,
    document: { recipe: RECIPE, key: `helm:index:${base}`, contentType: INDEX_CONTENT_TYPE, headers: { "Cache-Control": "no-cache" }, params: { base } },
  };
}

/** `charts/{file}` → the file name, decoded; null when it is not a chart archive name. */
export function chartPath(path: string): { filename: string; name: string; version: string } | null {
  const match = /^charts\/([^/]+)$/.exec(path);
  if (!match) return null;
  let filename: string;
  try {
    filename = decodeURIComponent(match[1] ?? "");
  } catch {
    return null;
  }
  const parsed = parseChartFilename(filename);
  return parsed && { filename, ...parsed };
}

export function classifyHelmPath(path: string, _request: Request, base: string): ProxyTarget | null {
  if (path === INDEX_NAME) return indexTarget(base);
  const chart = chartPath(path);
  if (!chart) return null;
  return {
    kind: "artifact",
    path,
    key: `charts/${chart.filename}`,
    packageKey: chart.name.toLowerCase(),
    indexedBy: { index: indexTarget(base), entry: chart.filename, upstreamFromIndex: true },
  };
}

export async function readHostedHelm(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null> {
  if (target.path === INDEX_NAME) {
    const text = await hostedIndexText(source);
    return text === null ? null : new Response(request.method === "HEAD" ? null : text, { headers: { "Content-Type": INDEX_CONTENT_TYPE } });
  }
  const chart = chartPath(target.path);
  if (!chart) return null;
  const found = await source.findFile(chart.name.toLowerCase(), chart.version.toLowerCase(), chart.filename.toLowerCase());
  return found ? source.serveFile(request, found, { contentType: "application/gzip", headers: { "X-Checksum-Sha256": found.blob.sha256 } }) : null;
}

export const helmProxy: ProxySpec = { classify: classifyHelmPath, readHosted: readHostedHelm };
