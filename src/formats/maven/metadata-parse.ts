// Parse maven-metadata.xml (any of the three kinds: group, artifact, SNAPSHOT version) into a
// tolerant structure: every field may be missing, repeated lists are always arrays.
// Spec: https://maven.apache.org/ref/3.9.6/maven-repository-metadata/repository-metadata.html
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { ArtifactMetadata, SnapshotMetadata, SnapshotVersionEntry } from "./metadata";

export interface ParsedSnapshotVersion {
  classifier?: string;
  extension?: string;
  value?: string;
  updated?: string;
}

export interface ParsedVersioning {
  latest?: string;
  release?: string;
  /** In document order; a single `<version>` still gives a one-element array. */
  versions: string[];
  lastUpdated?: string;
  snapshot?: { timestamp?: string; buildNumber?: number; localCopy?: boolean };
  snapshotVersions: ParsedSnapshotVersion[];
}

/** Group-level metadata lists plugin prefixes. */
export interface ParsedPlugin {
  name?: string;
  prefix?: string;
  artifactId?: string;
}

export interface ParsedMavenMetadata {
  modelVersion?: string;
  groupId?: string;
  artifactId?: string;
  version?: string;
  versioning?: ParsedVersioning;
  plugins: ParsedPlugin[];
}

export type MavenMetadataParseResult =
  | { ok: true; metadata: ParsedMavenMetadata }
  | { ok: false; reason: string };

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Text of an element (first occurrence); an element with attributes keeps text in "#text". */
function text(value: unknown): string | undefined {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  const raw = isNode(first) ? first["#text"] : first;
  if (typeof raw !== "string" && typeof raw !== "number") return undefined;
  const trimmed = String(raw).trim();
  return trimmed === "" ? undefined : trimmed;
}

/** First occurrence of a child element, as a node ("" for `<x/>` becomes an empty node). */
function child(node: Node, name: string): Node | undefined {
  const first = asList(node[name])[0];
  if (first === "") return {};
  return isNode(first) ? first : undefined;
}

/** Set an optional property only when there is a value, so absent fields stay absent. */
function optional<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function parseVersioning(node: Node): ParsedVersioning {
  const versions = asList(child(node, "versions")?.["version"])
    .map(text)
    .filter((v): v is string => v !== undefined);
  const snapshotVersions = asList(child(node, "snapshotVersions")?.["snapshotVersion"])
    .filter(isNode)
    .map((sv) => {
      const out: ParsedSnapshotVersion = {};
      for (const key of ["classifier", "extension", "value", "updated"] as const) optional(out, key, text(sv[key]));
      return out;
    });
  const out: ParsedVersioning = { versions, snapshotVersions };
  optional(out, "latest", text(node["latest"]));
  optional(out, "release", text(node["release"]));
  optional(out, "lastUpdated", text(node["lastUpdated"]));
  const snapshot = child(node, "snapshot");
  if (snapshot) {
    const parsed: NonNullable<ParsedVersioning["snapshot"]> = {};
    optional(parsed, "timestamp", text(snapshot["timestamp"]));
    const build = text(snapshot["buildNumber"]);
    if (build !== undefined && /^\d+$/.test(build)) parsed.buildNumber = Number(build);
    const localCopy = text(snapshot["localCopy"]);
    if (localCopy !== undefined) parsed.localCopy = localCopy === "true";
    out.snapshot = parsed;
  }
  return out;
}

/** Parse maven-metadata.xml; fails on malformed XML, a DOCTYPE, or a root other than `<metadata>`. */
export function parseMavenMetadata(xml: string): MavenMetadataParseResult {
  const source = xml.startsWith("\ufeff") ? xml.slice(1) : xml;
  if (/<!DOCTYPE/i.test(source)) return { ok: false, reason: "DOCTYPE is not allowed in maven-metadata.xml" };
  const valid = XMLValidator.validate(source);
  if (valid !== true) return { ok: false, reason: `malformed XML: ${valid.err.msg}` };
  let doc: unknown;
  try {
    doc = parser.parse(source);
  } catch (error) {
    return { ok: false, reason: `malformed XML: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isNode(doc)) return { ok: false, reason: "not XML" };
  const roots = Object.keys(doc);
  if (roots.length !== 1 || roots[0] !== "metadata") {
    return { ok: false, reason: `root element is not <metadata> (found ${roots.join(", ") || "nothing"})` };
  }
  const root = doc["metadata"] === "" ? {} : doc["metadata"];
  if (!isNode(root)) return { ok: false, reason: "<metadata> must appear once" };

  const plugins = asList(child(root, "plugins")?.["plugin"])
    .filter(isNode)
    .map((p) => {
      const out: ParsedPlugin = {};
      for (const key of ["name", "prefix", "artifactId"] as const) optional(out, key, text(p[key]));
      return out;
    });
  const metadata: ParsedMavenMetadata = { plugins };
  optional(metadata, "modelVersion", text(root["@_modelVersion"]));
  optional(metadata, "groupId", text(root["groupId"]));
  optional(metadata, "artifactId", text(root["artifactId"]));
  optional(metadata, "version", text(root["version"]));
  const versioning = child(root, "versioning");
  if (versioning) metadata.versioning = parseVersioning(versioning);
  return { ok: true, metadata };
}

/**
 * Artifact-level view of parsed metadata. groupId/artifactId fall back to `ids` (e.g. from the
 * request path); undefined if neither has them. Missing lastUpdated becomes "".
 */
export function toArtifactMetadata(
  parsed: ParsedMavenMetadata,
  ids?: { groupId: string; artifactId: string },
): ArtifactMetadata | undefined {
  const groupId = parsed.groupId ?? ids?.groupId;
  const artifactId = parsed.artifactId ?? ids?.artifactId;
  if (groupId === undefined || artifactId === undefined) return undefined;
  const v = parsed.versioning;
  const out: ArtifactMetadata = { groupId, artifactId, versions: [...(v?.versions ?? [])], lastUpdated: v?.lastUpdated ?? "" };
  optional(out, "latest", v?.latest);
  optional(out, "release", v?.release);
  return out;
}

/**
 * SNAPSHOT-version view of parsed metadata; undefined without groupId, artifactId and version.
 * Entries without extension or value are dropped; a snapshot needs timestamp and buildNumber.
 */
export function toSnapshotMetadata(parsed: ParsedMavenMetadata): SnapshotMetadata | undefined {
  const { groupId, artifactId, version } = parsed;
  if (groupId === undefined || artifactId === undefined || version === undefined) return undefined;
  const v = parsed.versioning;
  const snapshotVersions: SnapshotVersionEntry[] = [];
  for (const sv of v?.snapshotVersions ?? []) {
    if (sv.extension === undefined || sv.value === undefined) continue;
    const entry: SnapshotVersionEntry = { extension: sv.extension, value: sv.value, updated: sv.updated ?? "" };
    optional(entry, "classifier", sv.classifier);
    snapshotVersions.push(entry);
  }
  const s = v?.snapshot;
  const snapshot =
    s?.timestamp !== undefined && s.buildNumber !== undefined
      ? { timestamp: s.timestamp, buildNumber: s.buildNumber }
      : undefined;
  return { groupId, artifactId, version, snapshot, lastUpdated: v?.lastUpdated ?? "", snapshotVersions };
}
