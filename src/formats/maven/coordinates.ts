// Maven repository layout: parse a repository-relative path into coordinates (artifact files,
// their checksums, artifact-level and SNAPSHOT-version-level maven-metadata.xml).
// Spec: https://maven.apache.org/repositories/layout.html and
// https://maven.apache.org/repositories/metadata.html; id/version character rules follow
// Maven 3.9.6 DefaultModelValidator (ids `[A-Za-z0-9_.-]+`, versions without `\/:"<>|?*`).
// Input is the already percent-decoded path, with no leading slash.
import { parseTimestampedVersion, SNAPSHOT_SUFFIX } from "./snapshot-version";
import type { SnapshotStamp } from "./snapshot-version";

export {
  isSnapshotVersion,
  parseTimestampedVersion,
  toSnapshotBaseVersion,
  toTimestampedVersion,
} from "./snapshot-version";
export type { SnapshotStamp } from "./snapshot-version";
export { groupIdToPath, mavenArtifactFilename, mavenArtifactPath, mavenMetadataPath, mavenPath } from "./paths";

export type MavenChecksum = "md5" | "sha1" | "sha256" | "sha512";
export const MAVEN_CHECKSUMS: readonly MavenChecksum[] = ["md5", "sha1", "sha256", "sha512"];
export const MAVEN_METADATA_FILENAME = "maven-metadata.xml";
/** Longest path accepted; real Maven paths are far shorter. */
export const MAX_MAVEN_PATH_LENGTH = 1024;

export interface MavenArtifactCoordinates {
  kind: "artifact";
  groupId: string;
  artifactId: string;
  /** The directory version: "1.0" or "1.0-SNAPSHOT". */
  version: string;
  /** The version in the file name: equal to `version`, or timestamped ("1.0-20240101.120000-3"). */
  fileVersion: string;
  /** Present when the file version is timestamped. */
  snapshot?: SnapshotStamp;
  classifier?: string;
  /** Everything after the first dot that follows version/classifier: "jar", "tar.gz", "jar.asc". */
  extension: string;
  /** The artifact's file name, without any checksum suffix. */
  filename: string;
  /** Set when the path names a checksum file of the artifact. */
  checksum?: MavenChecksum;
}

export interface MavenMetadataCoordinates {
  kind: "metadata";
  groupId: string;
  artifactId: string;
  /** The SNAPSHOT directory ("1.0-SNAPSHOT") for version-level metadata; absent for artifact level. */
  version?: string;
  checksum?: MavenChecksum;
}

export type MavenCoordinates = MavenArtifactCoordinates | MavenMetadataCoordinates;

export type MavenPathErrorReason =
  | "too-long"
  | "unsafe-path"
  | "too-few-segments"
  | "invalid-group-id"
  | "invalid-artifact-id"
  | "invalid-version"
  | "filename-mismatch"
  | "invalid-filename";

export type MavenPathResult =
  | { ok: true; coordinates: MavenCoordinates }
  | { ok: false; reason: MavenPathErrorReason; message: string };

type Failure = Extract<MavenPathResult, { ok: false }>;

const GROUP_SEGMENT = /^[A-Za-z0-9_-]+$/;
const ARTIFACT_ID = /^[A-Za-z0-9_.-]+$/;
const ILLEGAL_VERSION_CHARS = /[\\/:"<>|?*\s]/;
const CLASSIFIER = /^[A-Za-z0-9_-]+$/;
const EXTENSION = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const TIMESTAMP_AND_BUILD = /^(\d{8}\.\d{6})-(\d+)(?=[.-])/;

function fail(reason: MavenPathErrorReason, message: string): Failure {
  return { ok: false, reason, message };
}

export function isValidGroupId(groupId: string): boolean {
  return groupId.split(".").every((part) => GROUP_SEGMENT.test(part));
}

export function isValidArtifactId(artifactId: string): boolean {
  return ARTIFACT_ID.test(artifactId) && artifactId !== "." && artifactId !== "..";
}

export function isValidVersion(version: string): boolean {
  return (
    version.length > 0 &&
    version !== "." &&
    version !== ".." &&
    !ILLEGAL_VERSION_CHARS.test(version) &&
    !CONTROL_CHARS.test(version)
  );
}

/** Strip a trailing checksum extension (".sha1" etc.) from a file name. */
function splitChecksum(name: string): { name: string; checksum?: MavenChecksum } {
  for (const checksum of MAVEN_CHECKSUMS) {
    const suffix = `.${checksum}`;
    if (name.length > suffix.length && name.endsWith(suffix)) {
      return { name: name.slice(0, -suffix.length), checksum };
    }
  }
  return { name };
}

/** Validate the group path segments, artifactId and (optional) version directory. */
function checkIds(groupSegments: string[], artifactId: string, version?: string): Failure | undefined {
  if (!groupSegments.every((s) => GROUP_SEGMENT.test(s))) {
    return fail("invalid-group-id", `invalid groupId path: ${groupSegments.join("/")}`);
  }
  if (!isValidArtifactId(artifactId)) return fail("invalid-artifact-id", `invalid artifactId: ${artifactId}`);
  if (version !== undefined && !isValidVersion(version)) {
    return fail("invalid-version", `invalid version: ${version}`);
  }
  return undefined;
}

/** Find the file version at the start of `rest` (the file name after "artifactId-"). */
function matchFileVersion(
  version: string,
  rest: string,
): { fileVersion: string; snapshot?: SnapshotStamp } | undefined {
  if (rest.startsWith(version)) return { fileVersion: version };
  if (!version.endsWith(SNAPSHOT_SUFFIX) || version.length === SNAPSHOT_SUFFIX.length) return undefined;
  const base = version.slice(0, -SNAPSHOT_SUFFIX.length);
  if (!rest.startsWith(`${base}-`)) return undefined;
  const match = TIMESTAMP_AND_BUILD.exec(rest.slice(base.length + 1));
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  const fileVersion = `${base}-${match[1]}-${match[2]}`;
  const parsed = parseTimestampedVersion(fileVersion);
  return parsed === undefined ? undefined : { fileVersion, snapshot: parsed.stamp };
}

function parseArtifact(segments: string[], name: string, checksum?: MavenChecksum): MavenPathResult {
  const n = segments.length;
  if (n < 4) return fail("too-few-segments", "artifact paths need group/artifactId/version/file");
  const version = segments[n - 2] ?? "";
  const artifactId = segments[n - 3] ?? "";
  const groupSegments = segments.slice(0, n - 3);
  const bad = checkIds(groupSegments, artifactId, version);
  if (bad) return bad;

  const prefix = `${artifactId}-`;
  const matched = name.startsWith(prefix) ? matchFileVersion(version, name.slice(prefix.length)) : undefined;
  if (matched === undefined) {
    return fail("filename-mismatch", `file name ${name} does not start with ${artifactId}-${version}`);
  }
  const tail = name.slice(prefix.length + matched.fileVersion.length);
  let classifier: string | undefined;
  let extension: string;
  if (tail.startsWith(".")) {
    extension = tail.slice(1);
  } else if (tail.startsWith("-")) {
    const dot = tail.indexOf(".");
    if (dot < 0) return fail("invalid-filename", `file name ${name} has no extension`);
    classifier = tail.slice(1, dot);
    extension = tail.slice(dot + 1);
    if (!CLASSIFIER.test(classifier)) return fail("invalid-filename", `invalid classifier in ${name}`);
  } else {
    return fail("filename-mismatch", `file name ${name} does not start with ${artifactId}-${version}`);
  }
  if (!EXTENSION.test(extension)) return fail("invalid-filename", `invalid extension in ${name}`);

  const coordinates: MavenArtifactCoordinates = {
    kind: "artifact",
    groupId: groupSegments.join("."),
    artifactId,
    version,
    fileVersion: matched.fileVersion,
    extension,
    filename: name,
  };
  if (matched.snapshot) coordinates.snapshot = matched.snapshot;
  if (classifier !== undefined) coordinates.classifier = classifier;
  if (checksum) coordinates.checksum = checksum;
  return { ok: true, coordinates };
}

/**
 * `g/a/maven-metadata.xml` is artifact level; `g/a/{x}-SNAPSHOT/maven-metadata.xml` is version
 * level (that shape is never read as artifact level with artifactId `{x}-SNAPSHOT`).
 */
function parseMetadata(segments: string[], checksum?: MavenChecksum): MavenPathResult {
  const n = segments.length;
  if (n < 3) return fail("too-few-segments", "metadata paths need group/artifactId/maven-metadata.xml");
  const parent = segments[n - 2] ?? "";
  const versionLevel = n >= 4 && parent.endsWith(SNAPSHOT_SUFFIX) && parent.length > SNAPSHOT_SUFFIX.length;
  const artifactId = versionLevel ? (segments[n - 3] ?? "") : parent;
  const groupSegments = segments.slice(0, versionLevel ? n - 3 : n - 2);
  const version = versionLevel ? parent : undefined;
  const bad = checkIds(groupSegments, artifactId, version);
  if (bad) return bad;
  const coordinates: MavenMetadataCoordinates = { kind: "metadata", groupId: groupSegments.join("."), artifactId };
  if (version !== undefined) coordinates.version = version;
  if (checksum) coordinates.checksum = checksum;
  return { ok: true, coordinates };
}

/** Parse a repository-relative Maven path ("org/example/lib/1.0/lib-1.0.jar.sha1"). */
export function parseMavenPath(path: string): MavenPathResult {
  if (path.length > MAX_MAVEN_PATH_LENGTH) return fail("too-long", "path is too long");
  if (path.includes("\\") || CONTROL_CHARS.test(path)) {
    return fail("unsafe-path", "path contains a backslash or control character");
  }
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    return fail("unsafe-path", "path has an empty, '.' or '..' segment");
  }
  const { name, checksum } = splitChecksum(segments[segments.length - 1] ?? "");
  return name === MAVEN_METADATA_FILENAME
    ? parseMetadata(segments, checksum)
    : parseArtifact(segments, name, checksum);
}
