/**
 * Maven under the remote/virtual engine (DESIGN §5): the format's ProxySpec. Paths are
 * repository-relative and still percent-encoded. Metadata merge: artifact level is the union of versions with
 * latest/release recomputed (mergeArtifactMetadata); SNAPSHOT level is the member document
 * with the newest build (its files resolve through normal artifact resolution); group-level
 * plugin metadata and anything unparseable fall back to the first member's bytes.
 */
import type { DocumentRecipe, ProxySpec, ProxyTarget } from "../types";
import { registerRecipe } from "../../virtual/derived-document";
import { classifyMavenPath, mavenPackageKey, parseRawMavenPath } from "./classify";
import type { MavenChecksum } from "./coordinates";
import { mergeArtifactMetadata, parseMavenMetadata, renderArtifactMetadata, toArtifactMetadata, type ArtifactMetadata, type ParsedMavenMetadata } from "./metadata";
import { digestHex, readHostedMaven } from "./read";

/** One member's copy of a maven-metadata.xml, in member priority order. */
export interface MemberDocument {
  member: string;
  body: Uint8Array;
}
/** A metadata checksum path → the document it sums and the algorithm; null for anything else. */
export function mavenMetadataChecksumOf(path: string): { base: string; algorithm: MavenChecksum } | null {
  const coords = parseRawMavenPath(path);
  if (!coords || coords.kind !== "metadata" || coords.checksum === undefined) return null;
  return { base: path.slice(0, -(coords.checksum.length + 1)), algorithm: coords.checksum };
}

function parsed(documents: readonly MemberDocument[]): ParsedMavenMetadata[] {
  const out: ParsedMavenMetadata[] = [];
  for (const document of documents) {
    const result = parseMavenMetadata(new TextDecoder().decode(document.body));
    if (result.ok) out.push(result.metadata);
  }
  return out;
}

/** "yyyyMMdd.HHmmss" + build number, or lastUpdated, as one comparable key. */
function snapshotRank(doc: ParsedMavenMetadata): string {
  const snapshot = doc.versioning?.snapshot;
  const build = String(snapshot?.buildNumber ?? 0).padStart(12, "0");
  return `${snapshot?.timestamp ?? ""}|${build}|${doc.versioning?.lastUpdated ?? ""}`;
}

/** Combines members' maven-metadata.xml (in priority order); null only when there is none. */
export function mergeMavenMetadata(path: string, documents: readonly MemberDocument[]): Uint8Array | null {
  const first = documents[0];
  if (!first) return null;
  const coords = parseRawMavenPath(path);
  if (!coords || coords.kind !== "metadata" || coords.checksum !== undefined) return first.body;
  if (coords.version !== undefined) {
    // Newest build wins; on a tie the higher-priority member (earlier in the list) stays.
    let best: { rank: string; body: Uint8Array } | undefined;
    for (const document of documents) {
      const result = parseMavenMetadata(new TextDecoder().decode(document.body));
      if (!result.ok) continue;
      const rank = snapshotRank(result.metadata);
      if (best === undefined || rank > best.rank) best = { rank, body: document.body };
    }
    return best?.body ?? first.body;
  }
  const docs = parsed(documents);
  if (docs.some((d) => d.plugins.length > 0 && (d.versioning?.versions.length ?? 0) === 0)) return first.body;
  const ids = { groupId: coords.groupId, artifactId: coords.artifactId };
  const artifactDocs = docs.map((d) => toArtifactMetadata(d, ids)).filter((d): d is ArtifactMetadata => d !== undefined);
  const merged = mergeArtifactMetadata(artifactDocs);
  return merged ? new TextEncoder().encode(renderArtifactMetadata(merged)) : first.body;
}

const RECIPE = "maven-metadata";

/**
 * Merged per request, not precomputed: the documents are small, and a hosted member's is
 * rendered from D1 with no revision to key a stored copy on. A checksum path is the digest
 * of the merged bytes, so it always matches what the client downloaded.
 */
const mavenMetadataRecipe: DocumentRecipe = {
  precomputed: false,
  async hostedText(source, _target, params) {
    const response = await readHostedMaven(source, String(params.path), new Request("https://internal/", { method: "GET" }));
    return response?.ok ? response.text() : null;
  },
  async merge(documents, params) {
    const bodies = documents.map((d) => ({ member: d.member, body: new TextEncoder().encode(d.text) }));
    const merged = bodies.length > 1 ? mergeMavenMetadata(String(params.path), bodies) : (bodies[0]?.body ?? null);
    if (!merged) return null;
    const checksum = params.checksum as MavenChecksum | undefined;
    return { text: checksum ? await digestHex(checksum, merged) : new TextDecoder().decode(merged) };
  },
};
registerRecipe(RECIPE, mavenMetadataRecipe);

/** A Maven path as the engine sees it: metadata (and its checksums) merged across members, the rest artifacts. */
export function classifyMavenTarget(path: string): ProxyTarget | null {
  const kind = classifyMavenPath(path);
  if (!kind) return null;
  const packageKey = mavenPackageKey(path);
  if (kind === "artifact") return { kind, path, packageKey };
  const checksum = mavenMetadataChecksumOf(path);
  const document = checksum
    ? { recipe: RECIPE, key: path, contentType: "text/plain", params: { path: checksum.base, checksum: checksum.algorithm }, source: { path: checksum.base } }
    : { recipe: RECIPE, key: path, contentType: "text/xml; charset=utf-8", params: { path } };
  return { kind, path, packageKey, document };
}

export const mavenProxy: ProxySpec = {
  classify: classifyMavenTarget,
  readHosted: (source, target, request) => readHostedMaven(source, target.path, request),
};
