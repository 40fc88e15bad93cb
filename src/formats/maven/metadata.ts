// maven-metadata.xml model: the artifact-level document (list of versions) and the
// SNAPSHOT-version-level document (timestamped builds). Rendering, parsing, building and
// merging live in the metadata-*.ts modules and are re-exported here.
// Spec: https://maven.apache.org/ref/3.9.6/maven-repository-metadata/repository-metadata.html

/** `{group}/{artifactId}/maven-metadata.xml`. */
export interface ArtifactMetadata {
  groupId: string;
  artifactId: string;
  /** Ascending in Maven version order. */
  versions: string[];
  /** Highest version, snapshots included. */
  latest?: string;
  /** Highest non-SNAPSHOT version. */
  release?: string;
  /** yyyyMMddHHmmss, UTC. */
  lastUpdated: string;
}

/** The `<snapshot>` element: the newest timestamped build. */
export interface SnapshotInfo {
  /** yyyyMMdd.HHmmss, UTC. */
  timestamp: string;
  buildNumber: number;
}

/** One `<snapshotVersion>`: the newest file for a classifier + extension. */
export interface SnapshotVersionEntry {
  classifier?: string;
  extension: string;
  /** The file version, e.g. "1.0-20240101.120000-3". */
  value: string;
  /** yyyyMMddHHmmss, UTC. */
  updated: string;
}

/** `{group}/{artifactId}/{version}-SNAPSHOT/maven-metadata.xml` (modelVersion 1.1.0). */
export interface SnapshotMetadata {
  groupId: string;
  artifactId: string;
  /** The base version, ending in -SNAPSHOT. */
  version: string;
  snapshot: SnapshotInfo | undefined;
  /** yyyyMMddHHmmss, UTC. */
  lastUpdated: string;
  snapshotVersions: SnapshotVersionEntry[];
}

export {
  formatMavenTimestamp,
  formatSnapshotTimestamp,
  parseMavenTimestamp,
  parseSnapshotTimestamp,
} from "./metadata-timestamp";
export { renderArtifactMetadata, renderSnapshotMetadata } from "./metadata-render";
export { parseMavenMetadata, toArtifactMetadata, toSnapshotMetadata } from "./metadata-parse";
export type {
  MavenMetadataParseResult,
  ParsedMavenMetadata,
  ParsedPlugin,
  ParsedSnapshotVersion,
  ParsedVersioning,
} from "./metadata-parse";
export { buildArtifactMetadata, buildSnapshotMetadata, mergeArtifactMetadata } from "./metadata-merge";
export type { SnapshotFile, VersionRecord } from "./metadata-merge";
