// SNAPSHOT version helpers: detecting snapshots and converting between the base version
// ("1.0-SNAPSHOT") and the timestamped file version ("1.0-20240101.120000-3").
// Spec: Maven 3.9.6 ArtifactUtils.isSnapshot / toSnapshotVersion and Artifact.VERSION_FILE_PATTERN,
// https://maven.apache.org/ref/3.9.6/maven-artifact/apidocs/org/apache/maven/artifact/ArtifactUtils.html
// and https://maven.apache.org/repositories/metadata.html

/** The suffix of a SNAPSHOT base version, and the directory name's suffix in a repository. */
export const SNAPSHOT_SUFFIX = "-SNAPSHOT";

/** Artifact.VERSION_FILE_PATTERN: `{base}-{yyyyMMdd.HHmmss}-{buildNumber}`. */
const TIMESTAMPED_VERSION = /^(.*)-(\d{8}\.\d{6})-(\d+)$/;

/** The unique (timestamped) part of a deployed snapshot file version. */
export interface SnapshotStamp {
  /** `yyyyMMdd.HHmmss` in UTC. */
  timestamp: string;
  buildNumber: number;
}

/**
 * True when Maven treats the version as a snapshot: it ends with "SNAPSHOT" (any case, as
 * ArtifactUtils.isSnapshot does) or is a timestamped snapshot file version.
 */
export function isSnapshotVersion(version: string): boolean {
  return version.toUpperCase().endsWith("SNAPSHOT") || TIMESTAMPED_VERSION.test(version);
}

/** Split "1.0-20240101.120000-3" into base "1.0" and its stamp; undefined if not timestamped. */
export function parseTimestampedVersion(
  version: string,
): { base: string; stamp: SnapshotStamp } | undefined {
  const match = TIMESTAMPED_VERSION.exec(version);
  const base = match?.[1];
  const timestamp = match?.[2];
  const build = match?.[3];
  if (base === undefined || timestamp === undefined || build === undefined || base === "") return undefined;
  const buildNumber = Number(build);
  if (!Number.isSafeInteger(buildNumber)) return undefined;
  return { base, stamp: { timestamp, buildNumber } };
}

/** "1.0-20240101.120000-3" -> "1.0-SNAPSHOT"; any other version is returned unchanged. */
export function toSnapshotBaseVersion(version: string): string {
  const parsed = parseTimestampedVersion(version);
  return parsed === undefined ? version : `${parsed.base}${SNAPSHOT_SUFFIX}`;
}

/** "1.0-SNAPSHOT" + stamp -> "1.0-20240101.120000-3". The base version must end in -SNAPSHOT. */
export function toTimestampedVersion(baseVersion: string, stamp: SnapshotStamp): string {
  if (!baseVersion.endsWith(SNAPSHOT_SUFFIX)) {
    throw new RangeError(`not a SNAPSHOT base version: ${baseVersion}`);
  }
  const base = baseVersion.slice(0, -SNAPSHOT_SUFFIX.length);
  return `${base}-${stamp.timestamp}-${stamp.buildNumber}`;
}
