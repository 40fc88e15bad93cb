// Build repository-relative Maven paths back from coordinates (the inverse of parseMavenPath).
// Spec: https://maven.apache.org/repositories/layout.html
// Inputs are trusted (e.g. produced by parseMavenPath); nothing here validates or escapes.
import type {
  MavenArtifactCoordinates,
  MavenChecksum,
  MavenCoordinates,
  MavenMetadataCoordinates,
} from "./coordinates";

/** "org.example" -> "org/example". */
export function groupIdToPath(groupId: string): string {
  return groupId.split(".").join("/");
}

function withChecksum(path: string, checksum: MavenChecksum | undefined): string {
  return checksum === undefined ? path : `${path}.${checksum}`;
}

/** `{artifactId}-{fileVersion}[-{classifier}].{extension}`. */
export function mavenArtifactFilename(c: {
  artifactId: string;
  fileVersion: string;
  classifier?: string | undefined;
  extension: string;
}): string {
  const classifier = c.classifier === undefined || c.classifier === "" ? "" : `-${c.classifier}`;
  return `${c.artifactId}-${c.fileVersion}${classifier}.${c.extension}`;
}

/** Path of an artifact file (or its checksum); `fileVersion` defaults to the directory version. */
export function mavenArtifactPath(
  c: Pick<MavenArtifactCoordinates, "groupId" | "artifactId" | "version" | "extension"> & {
    fileVersion?: string | undefined;
    classifier?: string | undefined;
    checksum?: MavenChecksum | undefined;
  },
): string {
  const filename = mavenArtifactFilename({
    artifactId: c.artifactId,
    fileVersion: c.fileVersion ?? c.version,
    classifier: c.classifier,
    extension: c.extension,
  });
  return withChecksum(`${groupIdToPath(c.groupId)}/${c.artifactId}/${c.version}/${filename}`, c.checksum);
}

/** Path of artifact-level (no version) or SNAPSHOT-version-level maven-metadata.xml. */
export function mavenMetadataPath(c: Omit<MavenMetadataCoordinates, "kind">): string {
  const dir = c.version === undefined ? "" : `/${c.version}`;
  return withChecksum(`${groupIdToPath(c.groupId)}/${c.artifactId}${dir}/maven-metadata.xml`, c.checksum);
}

/** Path for any parsed coordinates; `parseMavenPath(mavenPath(c))` gives `c` back. */
export function mavenPath(c: MavenCoordinates): string {
  return c.kind === "artifact" ? mavenArtifactPath(c) : mavenMetadataPath(c);
}
