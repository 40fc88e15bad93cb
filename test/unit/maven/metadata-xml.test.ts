// maven-metadata.xml rendering (exact layout, escaping), tolerant parsing of real-world shapes,
// rejection of non-metadata input, and render -> parse round trips.
import { describe, expect, it } from "vitest";
import {
  parseMavenMetadata,
  renderArtifactMetadata,
  renderSnapshotMetadata,
  toArtifactMetadata,
  toSnapshotMetadata,
} from "../../../src/formats/maven/metadata";
import type { ArtifactMetadata, ParsedMavenMetadata, SnapshotMetadata } from "../../../src/formats/maven/metadata";

function parsed(xml: string): ParsedMavenMetadata {
  const result = parseMavenMetadata(xml);
  if (!result.ok) throw new Error(`expected metadata, got: ${result.reason}`);
  return result.metadata;
}

const artifact: ArtifactMetadata = {
  groupId: "org.example",
  artifactId: "lib",
  versions: ["1.0", "1.1", "2.0-SNAPSHOT"],
  latest: "2.0-SNAPSHOT",
  release: "1.1",
  lastUpdated: "20240102030405",
};

const snapshot: SnapshotMetadata = {
  groupId: "org.example",
  artifactId: "lib",
  version: "2.0-SNAPSHOT",
  snapshot: { timestamp: "20240102.030405", buildNumber: 7 },
  lastUpdated: "20240102030406",
  snapshotVersions: [
    { extension: "pom", value: "2.0-20240102.030405-7", updated: "20240102030405" },
    { classifier: "sources", extension: "jar", value: "2.0-20240102.030405-7", updated: "20240102030406" },
  ],
};

describe("renderArtifactMetadata", () => {
  it("writes the layout Maven writes", () => {
    expect(renderArtifactMetadata(artifact)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<metadata>",
        "  <groupId>org.example</groupId>",
        "  <artifactId>lib</artifactId>",
        "  <versioning>",
        "    <latest>2.0-SNAPSHOT</latest>",
        "    <release>1.1</release>",
        "    <versions>",
        "      <version>1.0</version>",
        "      <version>1.1</version>",
        "      <version>2.0-SNAPSHOT</version>",
        "    </versions>",
        "    <lastUpdated>20240102030405</lastUpdated>",
        "  </versioning>",
        "</metadata>",
        "",
      ].join("\n"),
    );
  });

  it("leaves out absent latest/release and an empty version list", () => {
    const xml = renderArtifactMetadata({ groupId: "g", artifactId: "a", versions: [], lastUpdated: "20240101000000" });
    expect(xml).not.toContain("<latest>");
    expect(xml).not.toContain("<release>");
    expect(xml).not.toContain("<versions>");
    expect(xml).toContain("<lastUpdated>20240101000000</lastUpdated>");
  });

  it("escapes XML special characters and replaces characters XML cannot carry", () => {
    const xml = renderArtifactMetadata({ ...artifact, versions: [`1&<>"'\u0001`], latest: undefined, release: undefined });
    expect(xml).toContain("<version>1&amp;&lt;&gt;&quot;&apos;\ufffd</version>");
    expect(parsed(xml).versioning?.versions).toEqual([`1&<>"'\ufffd`]);
  });
});

describe("renderSnapshotMetadata", () => {
  it("writes modelVersion 1.1.0 with snapshot and snapshotVersions", () => {
    expect(renderSnapshotMetadata(snapshot)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<metadata modelVersion="1.1.0">',
        "  <groupId>org.example</groupId>",
        "  <artifactId>lib</artifactId>",
        "  <version>2.0-SNAPSHOT</version>",
        "  <versioning>",
        "    <snapshot>",
        "      <timestamp>20240102.030405</timestamp>",
        "      <buildNumber>7</buildNumber>",
        "    </snapshot>",
        "    <lastUpdated>20240102030406</lastUpdated>",
        "    <snapshotVersions>",
        "      <snapshotVersion>",
        "        <extension>pom</extension>",
        "        <value>2.0-20240102.030405-7</value>",
        "        <updated>20240102030405</updated>",
        "      </snapshotVersion>",
        "      <snapshotVersion>",
        "        <classifier>sources</classifier>",
        "        <extension>jar</extension>",
        "        <value>2.0-20240102.030405-7</value>",
        "        <updated>20240102030406</updated>",
        "      </snapshotVersion>",
        "    </snapshotVersions>",
        "  </versioning>",
        "</metadata>",
        "",
      ].join("\n"),
    );
  });

  it("leaves out <snapshot> when there is no timestamped build", () => {
    const xml = renderSnapshotMetadata({ ...snapshot, snapshot: undefined, snapshotVersions: [] });
    expect(xml).not.toContain("<snapshot>");
    expect(xml).not.toContain("<snapshotVersions>");
  });
});

describe("round trip render -> parse", () => {
  it("artifact metadata", () => {
    expect(toArtifactMetadata(parsed(renderArtifactMetadata(artifact)))).toEqual(artifact);
  });

  it("snapshot metadata", () => {
    const back = parsed(renderSnapshotMetadata(snapshot));
    expect(back.modelVersion).toBe("1.1.0");
    expect(toSnapshotMetadata(back)).toEqual(snapshot);
  });

  it("keeps numeric-looking strings as strings", () => {
    const m = { ...artifact, versions: ["1.0", "1.10", "010"], latest: "1.10", release: "1.10" };
    expect(toArtifactMetadata(parsed(renderArtifactMetadata(m)))).toEqual(m);
  });
});

describe("parseMavenMetadata: tolerant reading", () => {
  it("turns a single <version> into an array and allows missing fields", () => {
    const m = parsed("<metadata><versioning><versions><version>1.0</version></versions></versioning></metadata>");
    expect(m).toEqual({ plugins: [], versioning: { versions: ["1.0"], snapshotVersions: [] } });
    expect(toArtifactMetadata(m)).toBeUndefined();
    expect(toArtifactMetadata(m, { groupId: "g", artifactId: "a" })).toEqual({
      groupId: "g",
      artifactId: "a",
      versions: ["1.0"],
      lastUpdated: "",
    });
  });

  it("reads namespaced documents, BOMs, comments, CDATA and attributes on elements", () => {
    const xml =
      '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- generated -->\n' +
      '<metadata xmlns="http://maven.apache.org/METADATA/1.1.0" modelVersion="1.1.0">' +
      '<groupId x="y">g</groupId><artifactId><![CDATA[a]]></artifactId>' +
      "<versioning><latest/><versions><version> 1.0 </version><version/><version>2.0</version></versions>" +
      "</versioning></metadata>";
    expect(parsed(xml)).toEqual({
      modelVersion: "1.1.0",
      groupId: "g",
      artifactId: "a",
      plugins: [],
      versioning: { versions: ["1.0", "2.0"], snapshotVersions: [] },
    });
  });

  it("reads snapshot fields tolerantly (localCopy, bad buildNumber, incomplete entries)", () => {
    const m = parsed(
      "<metadata><groupId>g</groupId><artifactId>a</artifactId><version>1-SNAPSHOT</version><versioning>" +
        "<snapshot><localCopy>true</localCopy><buildNumber>x</buildNumber></snapshot>" +
        "<snapshotVersions><snapshotVersion><extension>jar</extension></snapshotVersion>" +
        "<snapshotVersion><extension>pom</extension><value>1-SNAPSHOT</value></snapshotVersion>" +
        "</snapshotVersions></versioning></metadata>",
    );
    expect(m.versioning?.snapshot).toEqual({ localCopy: true });
    expect(toSnapshotMetadata(m)).toEqual({
      groupId: "g",
      artifactId: "a",
      version: "1-SNAPSHOT",
      snapshot: undefined,
      lastUpdated: "",
      snapshotVersions: [{ extension: "pom", value: "1-SNAPSHOT", updated: "" }],
    });
    expect(toSnapshotMetadata(parsed("<metadata><groupId>g</groupId></metadata>"))).toBeUndefined();
  });

  it("reads group-level plugin metadata", () => {
    const m = parsed(
      "<metadata><plugins><plugin><name>Compiler</name><prefix>compiler</prefix>" +
        "<artifactId>maven-compiler-plugin</artifactId></plugin></plugins></metadata>",
    );
    expect(m.plugins).toEqual([{ name: "Compiler", prefix: "compiler", artifactId: "maven-compiler-plugin" }]);
  });

  it("accepts an empty <metadata/>", () => {
    expect(parsed("<metadata/>")).toEqual({ plugins: [] });
  });
});

describe("parseMavenMetadata: rejects non-metadata", () => {
  it.each([
    ["empty input", ""],
    ["plain text", "hello"],
    ["JSON", '{"versions":["1.0"]}'],
    ["another root", "<project><groupId>g</groupId></project>"],
    ["two roots", "<metadata/><metadata/>"],
    ["extra root", "<metadata/><other/>"],
    ["truncated", "<metadata><groupId>g</groupId><versioning>"],
    ["mismatched tags", "<metadata><groupId>g</metadata></groupId>"],
    ["a DOCTYPE", '<!DOCTYPE metadata [<!ENTITY x "y">]><metadata><groupId>&x;</groupId></metadata>'],
    ["an HTML error page", "<html><body>404 Not Found</body></html>"],
  ])("%s", (_label, xml) => {
    const result = parseMavenMetadata(xml);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).not.toBe("");
  });

  it("does not throw on prototype-polluting element names", () => {
    const result = parseMavenMetadata("<metadata><__proto__>x</__proto__></metadata>");
    expect(result.ok).toBe(false);
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
  });
});
