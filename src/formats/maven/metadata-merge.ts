// Build maven-metadata.xml models from stored versions/files, and merge artifact-level
// documents from several repositories (group/virtual repositories, as Nexus does).
// Spec: https://maven.apache.org/ref/3.9.6/maven-repository-metadata/repository-metadata.html
// Ordering: ComparableVersion (./version-order). latest = highest version, release = highest
// non-SNAPSHOT, lastUpdated = newest input.
import type { ArtifactMetadata, SnapshotInfo, SnapshotMetadata, SnapshotVersionEntry } from "./metadata";
import { formatMavenTimestamp, parseMavenTimestamp } from "./metadata-timestamp";
import { isSnapshotVersion, parseTimestampedVersion } from "./snapshot-version";
import { compareMavenVersions } from "./version-order";

/** A published version and when it was created (epoch ms). */
export interface VersionRecord {
  version: string;
  createdAt: number;
}

/** A stored file in a SNAPSHOT directory (checksum files excluded by the caller). */
export interface SnapshotFile {
  /** "1.0-20240101.120000-3", or "1.0-SNAPSHOT" for non-unique snapshots. */
  fileVersion: string;
  classifier?: string | undefined;
  extension: string;
  createdAt: number;
}

/** Plain code-unit order (locale independent). */
function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distinct versions, ascending in Maven order; Maven-equal spellings ("1.0", "1") by string. */
function sortedUnique(versions: Iterable<string>): string[] {
  return [...new Set(versions)].sort((a, b) => compareMavenVersions(a, b) || byString(a, b));
}

/** latest/release from a list already in ascending Maven order. */
function latestAndRelease(sorted: readonly string[]): Pick<ArtifactMetadata, "latest" | "release"> {
  const out: Pick<ArtifactMetadata, "latest" | "release"> = {};
  const latest = sorted[sorted.length - 1];
  if (latest !== undefined) out.latest = latest;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const version = sorted[i];
    if (version !== undefined && !isSnapshotVersion(version)) {
      out.release = version;
      break;
    }
  }
  return out;
}

function newestMs(records: readonly { createdAt: number }[]): number {
  return records.reduce((max, r) => Math.max(max, r.createdAt), 0);
}

/**
 * Artifact-level metadata for a set of stored versions. With no versions, latest/release are
 * absent and lastUpdated is the epoch ("19700101000000").
 */
export function buildArtifactMetadata(
  groupId: string,
  artifactId: string,
  versions: readonly VersionRecord[],
): ArtifactMetadata {
  const sorted = sortedUnique(versions.map((v) => v.version));
  return {
    groupId,
    artifactId,
    versions: sorted,
    ...latestAndRelease(sorted),
    lastUpdated: formatMavenTimestamp(newestMs(versions)),
  };
}

/**
 * Merge documents for the same groupId:artifactId (ids are taken from the first): union of
 * versions, latest/release recomputed, lastUpdated = newest well-formed input value (or the
 * first document's when none is well-formed). Undefined when there is nothing to merge.
 */
export function mergeArtifactMetadata(docs: readonly ArtifactMetadata[]): ArtifactMetadata | undefined {
  const first = docs[0];
  if (first === undefined) return undefined;
  const sorted = sortedUnique(docs.flatMap((d) => d.versions));
  const stamps = docs.map((d) => d.lastUpdated).filter((s) => parseMavenTimestamp(s) !== undefined);
  const lastUpdated = stamps.reduce((max, s) => (s > max ? s : max), stamps[0] ?? first.lastUpdated);
  return {
    groupId: first.groupId,
    artifactId: first.artifactId,
    versions: sorted,
    ...latestAndRelease(sorted),
    lastUpdated,
  };
}

/** Newer file first: later createdAt, then the higher build number / Maven-higher version. */
function isNewer(a: SnapshotFile, b: SnapshotFile): boolean {
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt;
  const ba = parseTimestampedVersion(a.fileVersion)?.stamp.buildNumber ?? -1;
  const bb = parseTimestampedVersion(b.fileVersion)?.stamp.buildNumber ?? -1;
  if (ba !== bb) return ba > bb;
  return compareMavenVersions(a.fileVersion, b.fileVersion) > 0;
}

/**
 * SNAPSHOT-version-level metadata for the files stored under `{version}` (e.g. "1.0-SNAPSHOT"):
 * one snapshotVersion per classifier+extension (its newest file), `snapshot` = the highest
 * build number among timestamped files (absent if none), lastUpdated = newest file.
 */
export function buildSnapshotMetadata(
  groupId: string,
  artifactId: string,
  version: string,
  files: readonly SnapshotFile[],
): SnapshotMetadata {
  const newest = new Map<string, SnapshotFile>();
  let snapshot: SnapshotInfo | undefined;
  for (const file of files) {
    const key = `${file.classifier ?? ""}:${file.extension}`;
    const current = newest.get(key);
    if (current === undefined || isNewer(file, current)) newest.set(key, file);
    const stamp = parseTimestampedVersion(file.fileVersion)?.stamp;
    if (
      stamp !== undefined &&
      (snapshot === undefined ||
        stamp.buildNumber > snapshot.buildNumber ||
        (stamp.buildNumber === snapshot.buildNumber && stamp.timestamp > snapshot.timestamp))
    ) {
      snapshot = { timestamp: stamp.timestamp, buildNumber: stamp.buildNumber };
    }
  }
  const snapshotVersions = [...newest.values()]
    .sort((a, b) => byString(a.classifier ?? "", b.classifier ?? "") || byString(a.extension, b.extension))
    .map((file) => {
      const entry: SnapshotVersionEntry = {
        extension: file.extension,
        value: file.fileVersion,
        updated: formatMavenTimestamp(file.createdAt),
      };
      if (file.classifier !== undefined && file.classifier !== "") entry.classifier = file.classifier;
      return entry;
    });
  return {
    groupId,
    artifactId,
    version,
    snapshot,
    lastUpdated: formatMavenTimestamp(newestMs(files)),
    snapshotVersions,
  };
}
