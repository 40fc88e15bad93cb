// Render maven-metadata.xml the way Maven's MetadataXpp3Writer lays it out: UTF-8 declaration,
// two-space indent, empty/absent optional elements left out.
// Spec: https://maven.apache.org/ref/3.9.6/maven-repository-metadata/repository-metadata.html
import type { ArtifactMetadata, SnapshotMetadata } from "./metadata";

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
// Characters XML 1.0 cannot carry even when escaped; replaced rather than emitted.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Escape text for element content or a quoted attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML_CHARS, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** `<name>value</name>` at the given depth, or nothing when the value is absent or empty. */
function element(depth: number, name: string, value: string | number | undefined): string[] {
  if (value === undefined || value === "") return [];
  return [`${"  ".repeat(depth)}<${name}>${escapeXml(String(value))}</${name}>`];
}

function open(depth: number, name: string): string {
  return `${"  ".repeat(depth)}<${name}>`;
}

function close(depth: number, name: string): string {
  return `${"  ".repeat(depth)}</${name}>`;
}

/** `{group}/{artifactId}/maven-metadata.xml`. */
export function renderArtifactMetadata(m: ArtifactMetadata): string {
  const lines = [
    DECLARATION,
    "<metadata>",
    ...element(1, "groupId", m.groupId),
    ...element(1, "artifactId", m.artifactId),
    open(1, "versioning"),
    ...element(2, "latest", m.latest),
    ...element(2, "release", m.release),
  ];
  if (m.versions.length > 0) {
    lines.push(open(2, "versions"));
    for (const version of m.versions) lines.push(...element(3, "version", version));
    lines.push(close(2, "versions"));
  }
  lines.push(...element(2, "lastUpdated", m.lastUpdated), close(1, "versioning"), "</metadata>");
  return `${lines.join("\n")}\n`;
}

/** `{group}/{artifactId}/{version}/maven-metadata.xml` for a SNAPSHOT version (modelVersion 1.1.0). */
export function renderSnapshotMetadata(m: SnapshotMetadata): string {
  const lines = [
    DECLARATION,
    '<metadata modelVersion="1.1.0">',
    ...element(1, "groupId", m.groupId),
    ...element(1, "artifactId", m.artifactId),
    ...element(1, "version", m.version),
    open(1, "versioning"),
  ];
  if (m.snapshot) {
    lines.push(
      open(2, "snapshot"),
      ...element(3, "timestamp", m.snapshot.timestamp),
      ...element(3, "buildNumber", m.snapshot.buildNumber),
      close(2, "snapshot"),
    );
  }
  lines.push(...element(2, "lastUpdated", m.lastUpdated));
  if (m.snapshotVersions.length > 0) {
    lines.push(open(2, "snapshotVersions"));
    for (const sv of m.snapshotVersions) {
      lines.push(
        open(3, "snapshotVersion"),
        ...element(4, "classifier", sv.classifier),
        ...element(4, "extension", sv.extension),
        ...element(4, "value", sv.value),
        ...element(4, "updated", sv.updated),
        close(3, "snapshotVersion"),
      );
    }
    lines.push(close(2, "snapshotVersions"));
  }
  lines.push(close(1, "versioning"), "</metadata>");
  return `${lines.join("\n")}\n`;
}
