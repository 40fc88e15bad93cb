/**
 * RubyGems under the remote/virtual engine. Paths are relative to `/rubygems/{repo}/`:
 *
 * | path | target | shielding key |
 * |---|---|---|
 * | `info/{name}` | metadata; precomputed document "rubygems-info" (./merge.ts), never edge-cached | gem name (lower case) |
 * | `versions` | metadata; precomputed "rubygems-versions" over every member's `/versions` | none (the merge shields by gem name) |
 * | `names` | metadata; precomputed "rubygems-names", derived from the members' `/versions` | none |
 * | `gems/{full name}.gem`, `quick/Marshal.4.8/{full name}.gemspec.rz` | artifact served by the member whose `/info` line won | gem name |
 * | `specs.4.8.gz` & co. (remote repositories) | metadata relayed from the upstream | none |
 *
 * A remote member's upstream is a rubygems.org-style root (`https://rubygems.org/`): the
 * compact index at `versions` and `info/{name}`, files at `gems/…` and `quick/…`. Compact
 * index documents are served with ETag = quoted MD5 of the body and `Repr-Digest`, and
 * ranges, as Bundler's append-and-verify update expects.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import { registerRecipe } from "../../virtual/derived-document";
import type { DocumentRecipe, DocumentTarget, ProxySpec, ProxyTarget } from "../types";
import { namesOfVersions } from "./compact-index";
import { storedGemSpec } from "./gemspec";
import { hostedInfoDocumentText } from "./hosted-documents";
import { quickSpecBytes } from "./legacy-specs";
import { mergeInfo, mergeVersions } from "./merge";
import { fullVersion, type FullName } from "./names";
import { parseRubygemsPath } from "./paths";

const INFO_RECIPE = "rubygems-info";
const VERSIONS_RECIPE = "rubygems-versions";
const NAMES_RECIPE = "rubygems-names";
export const COMPACT_INDEX_CONTENT_TYPE = "text/plain; charset=utf-8";
/** How Bundler's compact index client needs the documents served. */
export const COMPACT_INDEX_SERVED = { etag: "md5", representationDigest: true, wholeWhenUnsatisfiable: true } as const;
/** rubygems.org lets caches keep the compact index a minute; Bundler revalidates with its own ETag check. */
export const COMPACT_HEADERS = { "Cache-Control": "max-age=60, must-revalidate" };

async function hostedVersionsText(source: HostedSource): Promise<string | null> {
  const index = await source.repositoryIndex("versions");
  const object = index ? await source.readBlob(index.blob) : null;
  return object ? object.text() : null;
}

registerRecipe(INFO_RECIPE, {
  precomputed: true,
  hostedText: (source, _target, params) => hostedInfoDocumentText(source, String(params.name)),
  merge: (documents) => mergeInfo(documents),
} satisfies DocumentRecipe);

registerRecipe(VERSIONS_RECIPE, {
  precomputed: true,
  hostedText: (source) => hostedVersionsText(source),
  merge: (documents, params) => mergeVersions(documents, params.shielding !== false),
} satisfies DocumentRecipe);

registerRecipe(NAMES_RECIPE, {
  precomputed: true,
  hostedText: (source) => hostedVersionsText(source),
  merge: (documents, params) => {
    const merged = mergeVersions(documents, params.shielding !== false);
    return merged && { text: namesOfVersions(merged.text) };
  },
} satisfies DocumentRecipe);

function compactDocument(recipe: string, key: string, params: Record<string, unknown>, source?: DocumentTarget["source"]): DocumentTarget {
  return { recipe, key, contentType: COMPACT_INDEX_CONTENT_TYPE, headers: COMPACT_HEADERS, params, served: COMPACT_INDEX_SERVED, ...(source ? { source } : {}) };
}

export function infoTarget(name: string): ProxyTarget {
  const path = `info/${encodeURIComponent(name)}`;
  return { kind: "metadata", path, packageKey: name.toLowerCase(), noEdgeCache: true, document: compactDocument(INFO_RECIPE, `rubygems:info:${name}`, { name }) };
}

/** `/versions` or `/names` of the repository; `shielding` is the virtual repository's setting. */
export function wholeIndexTarget(kind: "versions" | "names", shielding: boolean): ProxyTarget {
  const versions = { path: "versions" };
  const document = kind === "versions" ? compactDocument(VERSIONS_RECIPE, "rubygems:versions", { shielding }) : compactDocument(NAMES_RECIPE, "rubygems:names", { shielding }, versions);
  // Rebuilt by the IndexBuilder just after the write that bumps the revision: not revision-keyed.
  return { kind: "metadata", path: kind, packageKey: null, noEdgeCache: true, changesWithoutRevision: true, document };
}

function fileTarget(path: string, file: FullName): ProxyTarget {
  return {
    kind: "artifact",
    path,
    packageKey: file.name.toLowerCase(),
    indexedBy: { index: infoTarget(file.name), entry: fullVersion(file.number, file.platform) },
  };
}

export function classifyRubygemsPath(path: string): ProxyTarget | null {
  const parsed = parseRubygemsPath(path);
  switch (parsed?.kind) {
    case "info":
      return infoTarget(parsed.name);
    case "versions":
    case "names":
      return wholeIndexTarget(parsed.kind, true);
    case "gem":
    case "quick-spec":
      return fileTarget(path, parsed.file);
    case "legacy":
      return { kind: "metadata", path, packageKey: null };
    default:
      return null;
  }
}

/** A hosted member's `.gem` (its stored file) or quick specification (rendered from the stored GemSpec). */
export async function readHostedRubygems(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null> {
  const parsed = parseRubygemsPath(target.path);
  if (parsed?.kind === "gem") {
    const { name, number, platform } = parsed.file;
    const found = await source.findFile(name.toLowerCase(), fullVersion(number, platform).toLowerCase(), parsed.filename.toLowerCase());
    return found?.file.isLead ? source.serveFile(request, found, { contentType: "application/octet-stream", headers: { "X-Checksum-Sha256": found.blob.sha256 } }) : null;
  }
  if (parsed?.kind !== "quick-spec") return null;
  const { name, number, platform } = parsed.file;
  const pkg = await source.findPackageRow(name.toLowerCase());
  const row = pkg ? await source.findVersionRow(pkg.id, fullVersion(number, platform).toLowerCase()) : null;
  const spec = row ? storedGemSpec(row.metadata) : null;
  if (!spec || spec.name !== name) return null;
  const bytes = quickSpecBytes(spec);
  return new Response(request.method === "HEAD" ? null : bytes, { headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.length) } });
}

export const rubygemsProxy: ProxySpec = {
  classify: (path) => classifyRubygemsPath(path),
  readHosted: readHostedRubygems,
};
