// The hosted /versions file kept append-only (lines for what changed, a rewrite when a line
// cannot say it or the tail outgrows a fresh file), and the virtual merges: /info per gem
// (union, priority wins a version, one member's copy byte for byte, provenance) and /versions
// (members' lines hosted first, shielding by gem name, a stand-in MD5 for gems several list).
import { describe, expect, it } from "vitest";
import type { SourceDocument } from "../../../src/formats/types";
import { parseVersions } from "../../../src/formats/rubygems/compact-index";
import { mergeInfo, mergeVersions } from "../../../src/formats/rubygems/merge";
import { nextVersionsFile } from "../../../src/formats/rubygems/versions-file";

const T0 = Date.UTC(2024, 0, 1);
const state = (entries: Record<string, [string[], string]>) => new Map(Object.entries(entries).map(([name, [versions, md5]]) => [name, { versions, md5 }]));
const doc = (member: string, text: string, hosted = false): SourceDocument => ({ member, text, contentType: null, baseUrl: hosted ? "" : `https://up.test/${member}/versions`, minReleaseAgeHours: 0 });

describe("hosted /versions", () => {
  it("starts with created_at, then appends a line per changed gem", () => {
    const first = nextVersionsFile(null, state({ rack: [["1.0"], "a1"] }), T0, "empty");
    expect(first).toBe("created_at: 2024-01-01T00:00:00Z\n---\nrack 1.0 a1\n");
    expect(nextVersionsFile(first, state({ rack: [["1.0"], "a1"] }), T0 + 1000, "empty")).toBe(first);
    const second = nextVersionsFile(first, state({ rack: [["1.0", "1.1"], "a2"], puma: [["6.0-java"], "p1"] }), T0 + 1000, "empty");
    expect(second).toBe(`${first}puma 6.0-java p1\nrack 1.1 a2\n`);
    const yanked = nextVersionsFile(second, state({ rack: [["1.1"], "a3"], puma: [["6.0-java"], "p1"] }), T0 + 2000, "empty");
    expect(yanked).toBe(`${second}rack -1.0 a3\n`);
    const gone = nextVersionsFile(yanked, state({ rack: [["1.1"], "a3"] }), T0 + 3000, "empty");
    expect(gone).toBe(`${yanked}puma -6.0-java empty\n`);
    expect(parseVersions(gone).gems.get("puma")?.versions).toEqual([]);
  });

  it("rewrites when a line cannot express the change, or the tail outgrows a fresh file", () => {
    const first = nextVersionsFile(null, state({ rack: [["1.0"], "a1"] }), T0, "empty");
    // Same versions, another MD5 (deleted and pushed again between two builds).
    expect(nextVersionsFile(first, state({ rack: [["1.0"], "zz"] }), T0 + 60_000, "empty")).toBe("created_at: 2024-01-01T00:01:00Z\n---\nrack 1.0 zz\n");
    let text = first;
    const versions: string[] = ["1.0"];
    for (let i = 1; i < 400; i++) {
      versions.push(`1.${i}`);
      text = nextVersionsFile(text, state({ rack: [[...versions], `m${i}`] }), T0 + i * 1000, "empty");
    }
    expect(text.length).toBeLessThan(2 * `rack ${versions.join(",")} m399\n`.length + 4096 + 100);
    expect(parseVersions(text).gems.get("rack")).toEqual({ versions, md5: "m399" });
    expect(nextVersionsFile("garbage", state({}), T0, "empty")).toBe("created_at: 2024-01-01T00:00:00Z\n---\n");
  });
});

describe("virtual merges", () => {
  it("merges /info: union, the higher-priority member wins a version, provenance per version", () => {
    const merged = mergeInfo([doc("local", "---\n1.0.0 |checksum:aa\n", true), doc("up", "---\n0.9.0 |checksum:bb\n1.0.0 |checksum:cc\n")]);
    expect(merged?.text).toBe("---\n1.0.0 |checksum:aa\n0.9.0 |checksum:bb\n");
    expect(merged?.provenance).toEqual({ "1.0.0": { member: "local" }, "0.9.0": { member: "up" } });
    const single = "---\n2.0 dep:>= 0|checksum:dd\n";
    expect(mergeInfo([doc("up", single)])?.text).toBe(single);
    expect(mergeInfo([])).toBeNull();
  });

  it("merges /versions: hosted lines first, shielding by name, stand-in MD5s for shared gems", () => {
    const hosted = doc("local", "created_at: 2024-01-01T00:00:00Z\n---\nmine 1.0 h1\nshared 2.0 h2\n", true);
    const remote = doc("up", "created_at: 2023-01-01T00:00:00Z\n---\nrack 3.0 r1\nshared 9.9 r2\nmine 5.0 r3\n");
    const shielded = mergeVersions([remote, hosted], true)?.text ?? "";
    expect(shielded).toBe("created_at: 2024-01-01T00:00:00Z\n---\nmine 1.0 h1\nshared 2.0 h2\nrack 3.0 r1\n");
    const open = mergeVersions([hosted, remote], false)?.text ?? "";
    const lines = open.split("\n");
    expect(lines[3]).toMatch(/^shared 2\.0 [0-9a-f]{32}$/);
    expect(lines[3]).not.toContain("h2");
    expect(lines.find((l) => l.startsWith("shared 9.9"))?.split(" ")[2]).toBe(lines[3]?.split(" ")[2]);
    expect(parseVersions(open).gems.get("rack")).toEqual({ versions: ["3.0"], md5: "r1" });
    // A hosted member's append is an append of the merged file when it is the last block to change.
    const grown = mergeVersions([remote, doc("local", `${hosted.text}mine 1.1 h3\n`, true)], true)?.text ?? "";
    expect(grown.startsWith(shielded.slice(0, shielded.indexOf("rack")))).toBe(true);
    const only = doc("up", "created_at: x\n---\nrack 3.0 r1\n");
    expect(mergeVersions([only], true)?.text).toBe(only.text);
  });
});
