import { describe, expect, it } from "vitest";
import { abbreviatePackumentText } from "../../../src/formats/npm/virtual/abbreviate";
import { joinMembers, objectMembers } from "../../../src/formats/npm/virtual/json-scan";
import { mergePackuments } from "../../../src/formats/npm/virtual/packument-merge";
import { applyReleaseAge } from "../../../src/formats/npm/virtual/release-age";

const version = (v: string, from: string, extra: Record<string, unknown> = {}) => ({
  name: "pkg", version: v, dist: { tarball: `https://${from}.test/pkg/-/pkg-${v}.tgz`, integrity: `sha512-${from}${v}`, shasum: "ab" }, ...extra,
});

function packument(from: string, versions: string[], distTags: Record<string, string>, time: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    _id: "pkg", _rev: "1-x", name: "pkg", "dist-tags": distTags,
    versions: Object.fromEntries(versions.map((v) => [v, version(v, from)])), time, ...extra,
  });
}

const BASE = "https://edge.test/npm/all/";
type Doc = { "dist-tags": Record<string, string>; versions: Record<string, { dist: { tarball: string; integrity: string } }>; time: Record<string, string>; description?: string; _rev?: string };

describe("json-scan", () => {
  it("splits an object into raw members and joins them back", () => {
    const text = ' { "a" : {"x":[1,{"y":"}"}]}, "b":"q\\"uote", "c": -1.5e3, "d": null } ';
    const members = objectMembers(text);
    expect(members.map(([k]) => k)).toEqual(["a", "b", "c", "d"]);
    expect(JSON.parse(joinMembers(members))).toEqual(JSON.parse(text));
  });

  it("rejects what is not one object", () => {
    expect(() => objectMembers("[1]")).toThrow();
    expect(() => objectMembers('{"a":1} x')).toThrow();
    expect(() => objectMembers('{"a":"unterminated}')).toThrow();
  });
});

describe("mergePackuments", () => {
  it("takes conflicting versions whole from the higher-priority member and re-points tarballs", () => {
    const high = packument("high", ["1.0.0", "2.0.0"], { latest: "2.0.0" });
    const low = packument("low", ["1.0.0", "1.5.0"], { latest: "1.5.0", beta: "1.5.0" });
    const merged = JSON.parse(mergePackuments("pkg", [{ member: "h", text: high }, { member: "l", text: low }], BASE)?.text ?? "") as Doc;
    expect(Object.keys(merged.versions).sort()).toEqual(["1.0.0", "1.5.0", "2.0.0"]);
    expect(merged.versions["1.0.0"]?.dist.integrity).toBe("sha512-high1.0.0");
    expect(merged.versions["1.5.0"]?.dist.tarball).toBe(`${BASE}pkg/-/pkg-1.5.0.tgz`);
    expect(merged["dist-tags"]).toEqual({ latest: "2.0.0", beta: "1.5.0" });
    expect(merged._rev).toBeUndefined();
  });

  it("never invents latest when the winner lacks it, and drops tags naming missing versions", () => {
    const high = packument("high", ["3.0.0"], { next: "3.0.0" });
    const low = packument("low", ["1.0.0"], { latest: "1.0.0", gone: "9.9.9" });
    const merged = JSON.parse(mergePackuments("pkg", [{ member: "h", text: high }, { member: "l", text: low }], BASE)?.text ?? "") as Doc;
    expect(merged["dist-tags"]).toEqual({ next: "3.0.0", latest: "1.0.0" });
    const alone = JSON.parse(mergePackuments("pkg", [{ member: "h", text: high }], BASE)?.text ?? "") as Doc;
    expect(alone["dist-tags"].latest).toBeUndefined();
  });

  it("merges time: created earliest, modified latest, per version highest priority", () => {
    const high = packument("high", ["1.0.0"], {}, { created: "2024-02-01T00:00:00Z", modified: "2024-03-01T00:00:00Z", "1.0.0": "2024-02-01T00:00:00Z" });
    const low = packument("low", ["1.0.0"], {}, { created: "2023-01-01T00:00:00Z", modified: "2025-01-01T00:00:00Z", "1.0.0": "2023-01-01T00:00:00Z" });
    const merged = JSON.parse(mergePackuments("pkg", [{ member: "h", text: high }, { member: "l", text: low }], BASE)?.text ?? "") as Doc;
    expect(merged.time).toEqual({ created: "2023-01-01T00:00:00Z", modified: "2025-01-01T00:00:00Z", "1.0.0": "2024-02-01T00:00:00Z" });
  });

  it("keeps other fields from the first member that has them, including deprecations inside versions", () => {
    const high = JSON.stringify({ name: "pkg", versions: { "1.0.0": { ...version("1.0.0", "high"), deprecated: "use 2" } }, "dist-tags": {} });
    const low = packument("low", ["1.0.0"], {}, {}, { description: "from low" });
    const merged = JSON.parse(mergePackuments("pkg", [{ member: "h", text: high }, { member: "l", text: low }], BASE)?.text ?? "") as Doc & { versions: Record<string, { deprecated?: string }> };
    expect(merged.description).toBe("from low");
    expect(merged.versions["1.0.0"]?.deprecated).toBe("use 2");
  });

  it("merges a 4,000-version packument without parsing it whole", () => {
    const many = Array.from({ length: 4000 }, (_, i) => `1.0.${i}`);
    const big = packument("up", many, { latest: "1.0.3999" });
    const merged = mergePackuments("pkg", [{ member: "u", text: big }, { member: "h", text: packument("h", ["2.0.0"], {}) }], BASE);
    expect(Object.keys((JSON.parse(merged?.text ?? "") as Doc).versions)).toHaveLength(4001);
    expect(merged?.winners.get("2.0.0")).toBe("h");
    expect(merged?.winners.get("1.0.7")).toBe("u");
  });
});

describe("release age", () => {
  const now = Date.parse("2026-01-10T00:00:00Z");
  const text = packument("up", ["1.0.0", "1.1.0", "2.0.0-rc.1", "2.0.0"], { latest: "2.0.0", next: "2.0.0-rc.1" }, {
    created: "2025-01-01T00:00:00Z", modified: "2026-01-09T23:00:00Z",
    "1.0.0": "2025-01-01T00:00:00Z", "1.1.0": "2025-06-01T00:00:00Z", "2.0.0-rc.1": "2026-01-09T20:00:00Z", "2.0.0": "2026-01-09T23:00:00Z",
  });

  it("hides young versions and moves dist-tags to the newest visible version", () => {
    const { text: filtered, hidden } = applyReleaseAge(text, 24, now);
    expect([...hidden].sort()).toEqual(["2.0.0", "2.0.0-rc.1"]);
    const doc = JSON.parse(filtered) as Doc;
    expect(Object.keys(doc.versions)).toEqual(["1.0.0", "1.1.0"]);
    expect(doc["dist-tags"]).toEqual({ latest: "1.1.0", next: "1.1.0" });
    expect(doc.time["2.0.0"]).toBeUndefined();
  });

  it("leaves the packument untouched when nothing is young enough", () => {
    expect(applyReleaseAge(text, 1, now).text).toBe(text);
  });
});

describe("abbreviatePackumentText", () => {
  it("keeps only install fields and modified", () => {
    const text = packument("up", ["1.0.0"], { latest: "1.0.0" }, { modified: "2025-01-01T00:00:00Z" }, { readme: "long" });
    const abbreviated = JSON.parse(abbreviatePackumentText(text)) as Record<string, unknown>;
    expect(Object.keys(abbreviated).sort()).toEqual(["dist-tags", "modified", "name", "versions"]);
    expect(abbreviated.modified).toBe("2025-01-01T00:00:00Z");
  });
});
