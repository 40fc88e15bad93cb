// Merging members' index files: union, priority, provenance with the upstream `dl` (pure).
import { describe, expect, it } from "vitest";
import { configDl, downloadUrl, mergeIndexFiles } from "../../../src/formats/cargo/index-merge";
import type { SourceDocument } from "../../../src/formats/types";

const line = (vers: string, cksum: string, extra: Record<string, unknown> = {}) => JSON.stringify({ name: "demo", vers, deps: [], cksum, features: {}, yanked: false, links: null, ...extra });

function doc(member: string, lines: string[], remote?: { dl: string }, minReleaseAgeHours = 0): SourceDocument {
  return {
    member,
    text: lines.map((l) => `${l}\n`).join(""),
    contentType: "text/plain",
    baseUrl: remote ? "http://index.example/de/mo/demo" : "",
    minReleaseAgeHours,
    ...(remote ? { companion: JSON.stringify({ dl: remote.dl }) } : {}),
  };
}

describe("download URLs from dl", () => {
  it("appends /{crate}/{version}/download without markers, substitutes markers otherwise", () => {
    expect(downloadUrl("https://static.crates.io/crates", "serde", "1.0.0", "ff")).toBe("https://static.crates.io/crates/serde/1.0.0/download");
    expect(downloadUrl("https://h/{prefix}/{crate}/{crate}-{version}.crate", "Serde", "1.0.0", "ff")).toBe("https://h/Se/rd/Serde/Serde-1.0.0.crate");
    expect(downloadUrl("https://h/{lowerprefix}/{crate}?sum={sha256-checksum}", "Abc", "1.0.0", "ff")).toBe("https://h/3/a/Abc?sum=ff");
  });

  it("resolves a relative dl against config.json's URL and ignores junk", () => {
    expect(configDl('{"dl":"/crates/{crate}/{version}"}', "http://index.example/de/mo/demo")).toBe("http://index.example/crates/{crate}/{version}");
    expect(configDl("not json", "http://x/")).toBeNull();
    expect(configDl('{"api":"x"}', "http://x/")).toBeNull();
  });
});

describe("mergeIndexFiles", () => {
  it("unions versions, the first member wins a version, lines kept as written", () => {
    const merged = mergeIndexFiles(
      [doc("hosted", [line("1.0.0", "aa"), line("2.0.0", "bb")]), doc("remote", [line("0.9.0", "cc"), line("1.0.0", "dd"), line("10.0.0", "ee")], { dl: "http://files.example/crates" })],
      Date.now(),
    );
    expect(merged?.text.split("\n").filter(Boolean).map((l) => JSON.parse(l).cksum)).toEqual(["cc", "aa", "bb", "ee"]);
    expect(merged?.provenance).toEqual({
      "0.9.0": { member: "remote", url: "http://files.example/crates/demo/0.9.0/download" },
      "1.0.0": { member: "hosted" },
      "2.0.0": { member: "hosted" },
      "10.0.0": { member: "remote", url: "http://files.example/crates/demo/10.0.0/download" },
    });
  });

  it("hides entries younger than the member's release age when they carry pubtime", () => {
    const now = Date.parse("2026-06-01T12:00:00Z");
    const merged = mergeIndexFiles([doc("remote", [line("1.0.0", "aa", { pubtime: "2026-05-01T00:00:00Z" }), line("1.1.0", "bb", { pubtime: "2026-06-01T11:00:00Z" }), line("1.2.0", "cc")], { dl: "http://f/c" }, 24)], now);
    expect(Object.keys(merged?.provenance ?? {})).toEqual(["1.0.0", "1.2.0"]);
  });

  it("skips lines that are not index entries and answers null for an empty file", () => {
    expect(mergeIndexFiles([doc("remote", ["garbage", "{}", ""], { dl: "http://f/c" })], 0)).toBeNull();
  });
});
