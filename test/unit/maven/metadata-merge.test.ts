// Building artifact/snapshot metadata from stored records, and merging artifact metadata from
// several repositories: Maven version order, latest/release rules, lastUpdated = newest input.
import { describe, expect, it } from "vitest";
import {
  buildArtifactMetadata,
  buildSnapshotMetadata,
  mergeArtifactMetadata,
} from "../../../src/formats/maven/metadata";
import type { ArtifactMetadata } from "../../../src/formats/maven/metadata";

const t = (iso: string): number => Date.parse(iso);

describe("buildArtifactMetadata", () => {
  it("sorts in Maven order, latest = highest, release = highest non-SNAPSHOT, lastUpdated = newest", () => {
    const m = buildArtifactMetadata("org.example", "lib", [
      { version: "1.10", createdAt: t("2024-03-01T00:00:00Z") },
      { version: "1.9", createdAt: t("2024-05-01T10:20:30Z") },
      { version: "1.2-rc1", createdAt: t("2024-01-01T00:00:00Z") },
      { version: "1.2", createdAt: t("2024-02-01T00:00:00Z") },
      { version: "2.0-SNAPSHOT", createdAt: t("2024-04-01T00:00:00Z") },
    ]);
    expect(m).toEqual({
      groupId: "org.example",
      artifactId: "lib",
      versions: ["1.2-rc1", "1.2", "1.9", "1.10", "2.0-SNAPSHOT"],
      latest: "2.0-SNAPSHOT",
      release: "1.10",
      lastUpdated: "20240501102030",
    });
  });

  it("has no release when every version is a snapshot", () => {
    const m = buildArtifactMetadata("g", "a", [
      { version: "1.0-SNAPSHOT", createdAt: 1000 },
      { version: "1.1-SNAPSHOT", createdAt: 2000 },
    ]);
    expect(m.latest).toBe("1.1-SNAPSHOT");
    expect(m).not.toHaveProperty("release");
  });

  it("dedupes repeated versions and keeps Maven-equal spellings apart in a stable order", () => {
    const m = buildArtifactMetadata("g", "a", [
      { version: "1.0.0", createdAt: 1 },
      { version: "1.0", createdAt: 2 },
      { version: "1.0", createdAt: 3 },
      { version: "1", createdAt: 4 },
    ]);
    expect(m.versions).toEqual(["1", "1.0", "1.0.0"]);
  });

  it("handles no versions: nothing latest/release, epoch lastUpdated", () => {
    expect(buildArtifactMetadata("g", "a", [])).toEqual({
      groupId: "g",
      artifactId: "a",
      versions: [],
      lastUpdated: "19700101000000",
    });
  });
});

describe("mergeArtifactMetadata", () => {
  const hosted: ArtifactMetadata = {
    groupId: "g",
    artifactId: "a",
    versions: ["1.0", "1.1", "2.0-SNAPSHOT"],
    latest: "2.0-SNAPSHOT",
    release: "1.1",
    lastUpdated: "20240101000000",
  };
  const proxy: ArtifactMetadata = {
    groupId: "g",
    artifactId: "a",
    versions: ["0.9", "1.0", "1.2", "1.10"],
    latest: "1.10",
    release: "1.10",
    lastUpdated: "20240301000000",
  };

  it("unions versions in Maven order and recomputes latest/release", () => {
    expect(mergeArtifactMetadata([hosted, proxy])).toEqual({
      groupId: "g",
      artifactId: "a",
      versions: ["0.9", "1.0", "1.1", "1.2", "1.10", "2.0-SNAPSHOT"],
      latest: "2.0-SNAPSHOT",
      release: "1.10",
      lastUpdated: "20240301000000",
    });
  });

  it("is independent of member order (except the ids, taken from the first)", () => {
    const ab = mergeArtifactMetadata([hosted, proxy]);
    const ba = mergeArtifactMetadata([proxy, hosted]);
    expect(ba).toEqual(ab);
  });

  it("ignores members' own latest/release claims", () => {
    const liar: ArtifactMetadata = { ...proxy, versions: ["1.0"], latest: "9.9", release: "9.9" };
    expect(mergeArtifactMetadata([liar])).toMatchObject({ versions: ["1.0"], latest: "1.0", release: "1.0" });
  });

  it("takes the newest well-formed lastUpdated and ignores malformed ones", () => {
    const broken: ArtifactMetadata = { ...proxy, lastUpdated: "99999999999999x" };
    const empty: ArtifactMetadata = { ...proxy, lastUpdated: "" };
    expect(mergeArtifactMetadata([hosted, broken, empty])?.lastUpdated).toBe("20240101000000");
    expect(mergeArtifactMetadata([empty])?.lastUpdated).toBe("");
  });

  it("returns a single document unchanged apart from normalisation", () => {
    expect(mergeArtifactMetadata([hosted])).toEqual(hosted);
  });

  it("returns undefined for no documents and copes with empty ones", () => {
    expect(mergeArtifactMetadata([])).toBeUndefined();
    const none: ArtifactMetadata = { groupId: "g", artifactId: "a", versions: [], lastUpdated: "20230101000000" };
    expect(mergeArtifactMetadata([none, none])).toEqual(none);
  });

  it("does not mutate its inputs", () => {
    const copy = structuredClone(proxy);
    mergeArtifactMetadata([proxy, hosted]);
    expect(proxy).toEqual(copy);
  });
});

describe("buildSnapshotMetadata", () => {
  const at = (s: string): number => t(`2024-01-02T${s}Z`);

  it("keeps the newest file per classifier+extension and the highest build as <snapshot>", () => {
    const m = buildSnapshotMetadata("g", "a", "1.0-SNAPSHOT", [
      { fileVersion: "1.0-20240102.010000-1", extension: "jar", createdAt: at("01:00:00") },
      { fileVersion: "1.0-20240102.010000-1", extension: "pom", createdAt: at("01:00:00") },
      { fileVersion: "1.0-20240102.020000-2", extension: "jar", createdAt: at("02:00:00") },
      { fileVersion: "1.0-20240102.020000-2", extension: "pom", createdAt: at("02:00:01") },
      { fileVersion: "1.0-20240102.020000-2", classifier: "sources", extension: "jar", createdAt: at("02:00:02") },
    ]);
    expect(m).toEqual({
      groupId: "g",
      artifactId: "a",
      version: "1.0-SNAPSHOT",
      snapshot: { timestamp: "20240102.020000", buildNumber: 2 },
      lastUpdated: "20240102020002",
      snapshotVersions: [
        { extension: "jar", value: "1.0-20240102.020000-2", updated: "20240102020000" },
        { extension: "pom", value: "1.0-20240102.020000-2", updated: "20240102020001" },
        { classifier: "sources", extension: "jar", value: "1.0-20240102.020000-2", updated: "20240102020002" },
      ],
    });
  });

  it("breaks createdAt ties by build number", () => {
    const m = buildSnapshotMetadata("g", "a", "1.0-SNAPSHOT", [
      { fileVersion: "1.0-20240102.010000-3", extension: "jar", createdAt: 5 },
      { fileVersion: "1.0-20240102.010000-2", extension: "jar", createdAt: 5 },
    ]);
    expect(m.snapshotVersions.map((s) => s.value)).toEqual(["1.0-20240102.010000-3"]);
    expect(m.snapshot?.buildNumber).toBe(3);
  });

  it("has no <snapshot> for non-unique snapshots", () => {
    const m = buildSnapshotMetadata("g", "a", "1.0-SNAPSHOT", [
      { fileVersion: "1.0-SNAPSHOT", extension: "jar", classifier: "", createdAt: at("03:00:00") },
    ]);
    expect(m.snapshot).toBeUndefined();
    expect(m.snapshotVersions).toEqual([{ extension: "jar", value: "1.0-SNAPSHOT", updated: "20240102030000" }]);
  });

  it("handles an empty directory", () => {
    expect(buildSnapshotMetadata("g", "a", "1.0-SNAPSHOT", [])).toEqual({
      groupId: "g",
      artifactId: "a",
      version: "1.0-SNAPSHOT",
      snapshot: undefined,
      lastUpdated: "19700101000000",
      snapshotVersions: [],
    });
  });
});
