/**
 * maven-metadata.xml computed from what a hosted repository stores: the artifact level from
 * the package's versions in D1, the SNAPSHOT-version level from the files of that version.
 * The document is a pure function of stored rows (timestamps included), so a client that
 * fetches the XML and then its .sha1 in two requests gets matching bytes.
 */
import type { FileWithBlob } from "../../repositories/package-source";
import type { HostedSource } from "../../repositories/hosted-source";
import { mavenPackageLowerName } from "./classify";
import { groupIdToPath, parseMavenPath, type MavenMetadataCoordinates } from "./coordinates";
import { buildArtifactMetadata, buildSnapshotMetadata, renderArtifactMetadata, renderSnapshotMetadata, type SnapshotFile } from "./metadata";

/** "groupId:artifactId" as stored → its ids in their deployed spelling. */
function splitPackageName(name: string, fallback: MavenMetadataCoordinates): { groupId: string; artifactId: string } {
  const colon = name.lastIndexOf(":");
  if (colon <= 0) return { groupId: fallback.groupId, artifactId: fallback.artifactId };
  return { groupId: name.slice(0, colon), artifactId: name.slice(colon + 1) };
}

/** The artifact files of a SNAPSHOT directory as the metadata builder wants them. */
function snapshotFiles(groupId: string, artifactId: string, version: string, files: readonly FileWithBlob[]): SnapshotFile[] {
  const dir = `${groupIdToPath(groupId)}/${artifactId}/${version}`;
  const out: SnapshotFile[] = [];
  for (const { file } of files) {
    const parsed = parseMavenPath(`${dir}/${file.name}`);
    if (!parsed.ok || parsed.coordinates.kind !== "artifact" || parsed.coordinates.checksum !== undefined) continue;
    const c = parsed.coordinates;
    out.push({ fileVersion: c.fileVersion, classifier: c.classifier, extension: c.extension, createdAt: file.createdAt });
  }
  return out;
}

/** The rendered document, or null when the artifact (or SNAPSHOT version) is unknown. */
export async function renderHostedMetadata(source: HostedSource, coords: MavenMetadataCoordinates): Promise<string | null> {
  const lowerName = mavenPackageLowerName(coords.groupId, coords.artifactId);
  if (coords.version === undefined) {
    const found = await source.listPackageVersions(lowerName);
    if (!found || found.versions.length === 0) return null;
    const ids = splitPackageName(found.pkg.name, coords);
    const versions = found.versions.map((v) => ({ version: v.version, createdAt: v.lastUploadAt }));
    return renderArtifactMetadata(buildArtifactMetadata(ids.groupId, ids.artifactId, versions));
  }
  const found = await source.listVersionFiles(lowerName, coords.version.toLowerCase());
  if (!found) return null;
  const ids = splitPackageName(found.pkg.name, coords);
  const files = snapshotFiles(ids.groupId, ids.artifactId, coords.version, found.files);
  if (files.length === 0) return null;
  return renderSnapshotMetadata(buildSnapshotMetadata(ids.groupId, ids.artifactId, coords.version, files));
}
