// parseMavenPath: artifact files, checksums, metadata, SNAPSHOT (plain and timestamped) files,
// and every class of bad input; plus path building and the parse/build round trip.
import { describe, expect, it } from "vitest";
import {
  isValidArtifactId,
  isValidGroupId,
  isValidVersion,
  mavenArtifactFilename,
  mavenArtifactPath,
  mavenMetadataPath,
  mavenPath,
  parseMavenPath,
} from "../../../src/formats/maven/coordinates";
import type { MavenCoordinates, MavenPathErrorReason } from "../../../src/formats/maven/coordinates";

function ok(path: string): MavenCoordinates {
  const result = parseMavenPath(path);
  if (!result.ok) throw new Error(`expected ${path} to parse, got ${result.reason}: ${result.message}`);
  return result.coordinates;
}

function reason(path: string): MavenPathErrorReason | "ok" {
  const result = parseMavenPath(path);
  return result.ok ? "ok" : result.reason;
}

describe("parseMavenPath: release artifacts", () => {
  it("parses a plain jar", () => {
    expect(ok("org/example/lib/1.0/lib-1.0.jar")).toEqual({
      kind: "artifact",
      groupId: "org.example",
      artifactId: "lib",
      version: "1.0",
      fileVersion: "1.0",
      extension: "jar",
      filename: "lib-1.0.jar",
    });
  });

  it("parses a classifier and a multi-dot extension", () => {
    expect(ok("io/netty/netty-tcnative/2.0.61.Final/netty-tcnative-2.0.61.Final-linux-x86_64.tar.gz")).toMatchObject({
      groupId: "io.netty",
      artifactId: "netty-tcnative",
      version: "2.0.61.Final",
      classifier: "linux-x86_64",
      extension: "tar.gz",
    });
  });

  it("keeps signatures as their own extension (jar.asc)", () => {
    expect(ok("g/a/1/a-1-sources.jar.asc")).toMatchObject({ classifier: "sources", extension: "jar.asc" });
  });

  it("accepts a single-segment groupId and ids with dots, dashes and underscores", () => {
    expect(ok("junit/junit/4.13.2/junit-4.13.2.pom")).toMatchObject({ groupId: "junit", extension: "pom" });
    expect(ok("com/my_co/my.lib-x/1.0/my.lib-x-1.0.jar")).toMatchObject({
      groupId: "com.my_co",
      artifactId: "my.lib-x",
    });
  });

  it.each([
    ["md5", "g/a/1.0/a-1.0.jar.md5"],
    ["sha1", "g/a/1.0/a-1.0.jar.sha1"],
    ["sha256", "g/a/1.0/a-1.0.jar.sha256"],
    ["sha512", "g/a/1.0/a-1.0.jar.sha512"],
  ])("recognises the %s checksum of an artifact", (checksum, path) => {
    expect(ok(path)).toMatchObject({ kind: "artifact", checksum, extension: "jar", filename: "a-1.0.jar" });
  });

  it("does not treat an unknown suffix as a checksum", () => {
    expect(ok("g/a/1.0/a-1.0.jar.sha3")).toMatchObject({ extension: "jar.sha3" });
    expect(ok("g/a/1.0/a-1.0.jar.sha3")).not.toHaveProperty("checksum");
  });
});

describe("parseMavenPath: SNAPSHOT artifacts", () => {
  it("parses a non-unique snapshot file", () => {
    const c = ok("g/a/1.0-SNAPSHOT/a-1.0-SNAPSHOT-sources.jar");
    expect(c).toMatchObject({ version: "1.0-SNAPSHOT", fileVersion: "1.0-SNAPSHOT", classifier: "sources" });
    expect(c).not.toHaveProperty("snapshot");
  });

  it("parses a timestamped snapshot file", () => {
    expect(ok("org/example/a/1.0-SNAPSHOT/a-1.0-20240101.120000-3.jar")).toEqual({
      kind: "artifact",
      groupId: "org.example",
      artifactId: "a",
      version: "1.0-SNAPSHOT",
      fileVersion: "1.0-20240101.120000-3",
      snapshot: { timestamp: "20240101.120000", buildNumber: 3 },
      extension: "jar",
      filename: "a-1.0-20240101.120000-3.jar",
    });
  });

  it("parses a timestamped file with a classifier and a checksum", () => {
    expect(ok("g/a/2.1-rc-SNAPSHOT/a-2.1-rc-20240101.120000-12-tests.jar.sha1")).toMatchObject({
      fileVersion: "2.1-rc-20240101.120000-12",
      snapshot: { timestamp: "20240101.120000", buildNumber: 12 },
      classifier: "tests",
      checksum: "sha1",
    });
  });

  it.each([
    "g/a/1.0-SNAPSHOT/a-1.1-20240101.120000-3.jar",
    "g/a/1.0-SNAPSHOT/a-1.0-2024010.120000-3.jar",
    "g/a/1.0-SNAPSHOT/a-1.0-20240101.120000-.jar",
    "g/a/1.0-SNAPSHOT/a-1.0-20240101.120000-3x.jar",
    "g/a/1.0-SNAPSHOT/a-1.0.jar",
    "g/a/1.0-SNAPSHOT/a-1.0-SNAPSHOTS.jar",
  ])("rejects %s as not matching its directory", (path) => {
    expect(reason(path)).toMatch(/filename-mismatch|invalid-filename/);
  });
});

describe("parseMavenPath: metadata", () => {
  it("parses artifact-level metadata and its checksums", () => {
    expect(ok("org/example/lib/maven-metadata.xml")).toEqual({
      kind: "metadata",
      groupId: "org.example",
      artifactId: "lib",
    });
    expect(ok("org/example/lib/maven-metadata.xml.sha256")).toEqual({
      kind: "metadata",
      groupId: "org.example",
      artifactId: "lib",
      checksum: "sha256",
    });
  });

  it("parses snapshot version-level metadata", () => {
    expect(ok("org/example/lib/1.0-SNAPSHOT/maven-metadata.xml.md5")).toEqual({
      kind: "metadata",
      groupId: "org.example",
      artifactId: "lib",
      version: "1.0-SNAPSHOT",
      checksum: "md5",
    });
  });

  it("reads g/a/maven-metadata.xml with a one-segment group as artifact level", () => {
    expect(ok("g/a/maven-metadata.xml")).toEqual({ kind: "metadata", groupId: "g", artifactId: "a" });
  });

  it("rejects metadata paths that are too short", () => {
    expect(reason("a/maven-metadata.xml")).toBe("too-few-segments");
    expect(reason("maven-metadata.xml")).toBe("too-few-segments");
  });
});

describe("parseMavenPath: bad input", () => {
  it.each<[string, MavenPathErrorReason]>([
    ["g/../a/1.0/a-1.0.jar", "unsafe-path"],
    ["g/a/1.0/../a-1.0.jar", "unsafe-path"],
    ["g/./a/1.0/a-1.0.jar", "unsafe-path"],
    ["g//a/1.0/a-1.0.jar", "unsafe-path"],
    ["/g/a/1.0/a-1.0.jar", "unsafe-path"],
    ["g/a/1.0/a-1.0.jar/", "unsafe-path"],
    ["g\\a/1.0/a-1.0.jar", "unsafe-path"],
    ["g/a/1.0/a-1.0.jar\u0000", "unsafe-path"],
    ["g/a/1.0/a-1.0\n.jar", "unsafe-path"],
    ["g/a/1.0/a-1.0\u007f.jar", "unsafe-path"],
    ["", "unsafe-path"],
    ["a/1.0/a-1.0.jar", "too-few-segments"],
    ["a-1.0.jar", "too-few-segments"],
    [`g/a/1.0/a-1.0.${"x".repeat(1100)}`, "too-long"],
  ])("%j -> %s", (path, expected) => {
    expect(reason(path)).toBe(expected);
  });

  it.each<[string, MavenPathErrorReason]>([
    ["org.example/a/1.0/a-1.0.jar", "invalid-group-id"],
    ["org/ex ample/a/1.0/a-1.0.jar", "invalid-group-id"],
    ["org/ex@mple/a/1.0/a-1.0.jar", "invalid-group-id"],
    ["g/a b/1.0/a b-1.0.jar", "invalid-artifact-id"],
    ["g/a:b/1.0/a:b-1.0.jar", "invalid-artifact-id"],
    ["g/ä/1.0/ä-1.0.jar", "invalid-artifact-id"],
    ["g/a/1 0/a-1 0.jar", "invalid-version"],
    ["g/a/1:0/a-1:0.jar", "invalid-version"],
    ["g/a/1*0/a-1*0.jar", "invalid-version"],
    ["g/a/1\t0/a-1\t0.jar", "unsafe-path"],
    ["g/a/1.0-SNAPSHOT/maven metadata.xml", "filename-mismatch"],
    ["g/a/1 0-SNAPSHOT/maven-metadata.xml", "invalid-version"],
    ["g/a/1.0/b-1.0.jar", "filename-mismatch"],
    ["g/a/1.0/a-1.1.jar", "filename-mismatch"],
    ["g/a/1.0/a1.0.jar", "filename-mismatch"],
    ["g/a/1.0/a-1.0", "filename-mismatch"],
    ["g/a/1.0/a-1.0x.jar", "filename-mismatch"],
    ["g/a/1.0/_remote.repositories", "filename-mismatch"],
    ["g/a/1.0/a-1.0-sources", "invalid-filename"],
    ["g/a/1.0/a-1.0.", "invalid-filename"],
    ["g/a/1.0/a-1.0.jar..md5", "invalid-filename"],
    ["g/a/1.0/a-1.0-.jar", "invalid-filename"],
    ["g/a/1.0/a-1.0-we!rd.jar", "invalid-filename"],
    ["g/a/1.0/a-1.0.j@r", "invalid-filename"],
  ])("%j -> %s", (path, expected) => {
    expect(reason(path)).toBe(expected);
  });

  it("gives a human-readable message with each failure", () => {
    const result = parseMavenPath("g/a/1.0/b-1.0.jar");
    expect(result).toMatchObject({ ok: false, reason: "filename-mismatch" });
    expect(result.ok ? "" : result.message).toContain("a-1.0");
  });
});

describe("id and version validators", () => {
  it("validate groupIds, artifactIds and versions", () => {
    expect(isValidGroupId("org.example.sub_pkg-1")).toBe(true);
    expect(isValidGroupId("org..example")).toBe(false);
    expect(isValidGroupId(".org")).toBe(false);
    expect(isValidArtifactId("my.lib-x_1")).toBe(true);
    expect(isValidArtifactId("..")).toBe(false);
    expect(isValidArtifactId("a/b")).toBe(false);
    expect(isValidVersion("1.0-RC1+build.5")).toBe(true);
    expect(isValidVersion("")).toBe(false);
    for (const bad of ["1/0", "1\\0", "1:0", "1 0", '1"0', "1<0", "1>0", "1|0", "1?0", "1*0", "1\u00000"]) {
      expect(isValidVersion(bad), bad).toBe(false);
    }
  });
});

describe("building paths", () => {
  it("builds artifact file names and paths", () => {
    expect(mavenArtifactFilename({ artifactId: "a", fileVersion: "1.0", extension: "jar" })).toBe("a-1.0.jar");
    expect(mavenArtifactFilename({ artifactId: "a", fileVersion: "1.0", classifier: "", extension: "jar" })).toBe(
      "a-1.0.jar",
    );
    expect(
      mavenArtifactPath({ groupId: "org.example", artifactId: "a", version: "1.0", classifier: "sources", extension: "jar" }),
    ).toBe("org/example/a/1.0/a-1.0-sources.jar");
    expect(
      mavenArtifactPath({
        groupId: "g",
        artifactId: "a",
        version: "1.0-SNAPSHOT",
        fileVersion: "1.0-20240101.120000-3",
        extension: "pom",
        checksum: "sha1",
      }),
    ).toBe("g/a/1.0-SNAPSHOT/a-1.0-20240101.120000-3.pom.sha1");
  });

  it("builds metadata paths", () => {
    expect(mavenMetadataPath({ groupId: "org.example", artifactId: "a" })).toBe("org/example/a/maven-metadata.xml");
    expect(mavenMetadataPath({ groupId: "g", artifactId: "a", version: "1-SNAPSHOT", checksum: "md5" })).toBe(
      "g/a/1-SNAPSHOT/maven-metadata.xml.md5",
    );
  });

  it.each([
    "org/example/lib/1.0/lib-1.0.jar",
    "org/example/lib/1.0/lib-1.0-sources.jar.asc.sha512",
    "io/netty/netty-tcnative/2.0.61.Final/netty-tcnative-2.0.61.Final-linux-x86_64.tar.gz",
    "g/a/1.0-SNAPSHOT/a-1.0-SNAPSHOT.pom",
    "g/a/1.0-SNAPSHOT/a-1.0-20240101.120000-3-tests.jar.md5",
    "org/example/lib/maven-metadata.xml",
    "org/example/lib/maven-metadata.xml.sha1",
    "org/example/lib/1.0-SNAPSHOT/maven-metadata.xml",
  ])("round trips %s", (path) => {
    const coordinates = ok(path);
    expect(mavenPath(coordinates)).toBe(path);
    expect(ok(mavenPath(coordinates))).toEqual(coordinates);
  });
});
