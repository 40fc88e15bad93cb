// The Maven ProxySpec functions: metadata checksum paths, and the merge of members'
// maven-metadata.xml (artifact level: union + latest/release recomputed; SNAPSHOT level:
// newest build wins; unparseable or plugin-group documents: first member's bytes).
import { describe, expect, it } from "vitest";
import { parseMavenMetadata, renderArtifactMetadata, renderSnapshotMetadata } from "../../src/formats/maven/metadata";
import { mavenMetadataChecksumOf, mavenProxy, mergeMavenMetadata } from "../../src/formats/maven/proxy";

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array | null) => (bytes === null ? "" : new TextDecoder().decode(bytes));
const artifactDoc = (versions: string[], lastUpdated: string) =>
  enc(renderArtifactMetadata({ groupId: "org.example", artifactId: "lib", versions, latest: versions.at(-1), release: versions.at(-1), lastUpdated }));
const snapshotDoc = (build: number, timestamp: string) =>
  enc(renderSnapshotMetadata({
    groupId: "org.example", artifactId: "lib", version: "1.0-SNAPSHOT", snapshot: { timestamp, buildNumber: build },
    lastUpdated: "20240101000000", snapshotVersions: [{ extension: "jar", value: `1.0-${timestamp}-${build}`, updated: "20240101000000" }],
  }));

describe("mavenMetadataChecksumOf", () => {
  it("names the document and algorithm of metadata checksums only", () => {
    expect(mavenMetadataChecksumOf("org/example/lib/maven-metadata.xml.sha256")).toEqual({ base: "org/example/lib/maven-metadata.xml", algorithm: "sha256" });
    expect(mavenMetadataChecksumOf("org/example/lib/1.0-SNAPSHOT/maven-metadata.xml.md5")).toEqual({ base: "org/example/lib/1.0-SNAPSHOT/maven-metadata.xml", algorithm: "md5" });
    expect(mavenMetadataChecksumOf("org/example/lib/maven-metadata.xml")).toBeNull();
    expect(mavenMetadataChecksumOf("org/example/lib/1.0/lib-1.0.jar.sha1")).toBeNull();
    expect(mavenMetadataChecksumOf("nonsense")).toBeNull();
  });
});

describe("mergeMavenMetadata", () => {
  it("unions artifact-level versions and recomputes latest and release", () => {
    const merged = mergeMavenMetadata("org/example/lib/maven-metadata.xml", [
      { member: "a", body: artifactDoc(["1.0", "1.10"], "20240101000000") },
      { member: "b", body: artifactDoc(["1.9", "2.0-SNAPSHOT"], "20240202000000") },
    ]);
    const parsed = parseMavenMetadata(dec(merged));
    expect(parsed.ok && parsed.metadata.versioning).toMatchObject({
      versions: ["1.0", "1.9", "1.10", "2.0-SNAPSHOT"], latest: "2.0-SNAPSHOT", release: "1.10", lastUpdated: "20240202000000",
    });
  });

  it("picks the SNAPSHOT document with the newest build, the earlier member on a tie", () => {
    const older = snapshotDoc(3, "20240101.100000");
    const newer = snapshotDoc(4, "20240102.100000");
    const path = "org/example/lib/1.0-SNAPSHOT/maven-metadata.xml";
    expect(mergeMavenMetadata(path, [{ member: "a", body: older }, { member: "b", body: newer }])).toBe(newer);
    const twin = snapshotDoc(4, "20240102.100000");
    expect(mergeMavenMetadata(path, [{ member: "a", body: twin }, { member: "b", body: newer }])).toBe(twin);
  });

  it("falls back to the first member for unparseable documents and plugin groups", () => {
    const junk = enc("<html>oops</html>");
    expect(mergeMavenMetadata("org/example/lib/maven-metadata.xml", [{ member: "a", body: junk }, { member: "b", body: enc("also junk") }])).toBe(junk);
    const plugins = enc('<?xml version="1.0"?><metadata><plugins><plugin><name>X</name><prefix>x</prefix><artifactId>x-maven-plugin</artifactId></plugin></plugins></metadata>');
    expect(mergeMavenMetadata("org/example/maven-metadata.xml", [{ member: "a", body: plugins }, { member: "b", body: artifactDoc(["1.0"], "20240101000000") }])).toBe(plugins);
    expect(mergeMavenMetadata("org/example/lib/maven-metadata.xml", [])).toBeNull();
  });

  it("is exposed with the other engine hooks", () => {
    const request = new Request("https://registry.test/maven/r/");
    const checksum = mavenProxy.classify("org/example/lib/maven-metadata.xml.sha1", request, "https://registry.test/maven/r/");
    expect(checksum).toMatchObject({ kind: "metadata", packageKey: "org.example:lib", document: { params: { path: "org/example/lib/maven-metadata.xml", checksum: "sha1" } } });
    expect(mavenProxy.classify("org/example/lib/1.0/lib-1.0.jar", request, "")).toEqual({ kind: "artifact", path: "org/example/lib/1.0/lib-1.0.jar", packageKey: "org.example:lib" });
    expect(mavenProxy.classify("org/example/lib/maven-metadata.xml", request, "")?.document?.contentType).toContain("text/xml");
  });
});
