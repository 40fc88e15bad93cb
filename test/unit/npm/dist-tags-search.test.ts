// Dist-tag rules (publish, removal, latest successor) and search query parsing/scoring.
import { describe, expect, it } from "vitest";
import { successorLatest, tagPropertyChanges, tagsAfterPublish, tagsAfterRemoval, tagsFromProperties } from "../../../src/formats/npm/dist-tags";
import { parseSearchText, scoreMatch } from "../../../src/formats/npm/search";

describe("dist-tag rules", () => {
  it("publish applies tags naming the version and gives a package without latest one", () => {
    expect(tagsAfterPublish({}, { next: "1.0.0-rc.1" }, "1.0.0-rc.1")).toEqual({ next: "1.0.0-rc.1", latest: "1.0.0-rc.1" });
    expect(tagsAfterPublish({ latest: "1.0.0" }, { beta: "2.0.0-b" }, "2.0.0-b")).toEqual({ latest: "1.0.0", beta: "2.0.0-b" });
    expect(tagsAfterPublish({ latest: "1.0.0" }, { latest: "1.1.0", other: "0.1.0" }, "1.1.0")).toEqual({ latest: "1.1.0" });
  });

  it("removal drops tags of removed versions and moves latest to the highest release", () => {
    expect(tagsAfterRemoval({ latest: "1.2.0", old: "1.2.0", beta: "2.0.0-b" }, new Set(["1.2.0"]), ["1.0.0", "1.10.0", "2.0.0-b"])).toEqual({ beta: "2.0.0-b", latest: "1.10.0" });
    expect(tagsAfterRemoval({ latest: "1.0.0" }, new Set(["1.0.0"]), ["2.0.0-a", "2.0.0-b"])).toEqual({ latest: "2.0.0-b" });
    expect(tagsAfterRemoval({ latest: "1.0.0", x: "0.1.0" }, new Set(["0.1.0"]), ["1.0.0"])).toEqual({ latest: "1.0.0" });
    expect(successorLatest([])).toBeUndefined();
  });

  it("tags round-trip through property changes", () => {
    expect(tagPropertyChanges({ latest: "1", a: "1", b: "2" }, { latest: "2", b: "2", c: "3" })).toEqual([
      { name: "npm.dist-tag:latest", value: "2" },
      { name: "npm.dist-tag:c", value: "3" },
      { name: "npm.dist-tag:a", value: null },
    ]);
    expect(tagsFromProperties([{ name: "npm.dist-tag:latest", value: "1" }, { name: "npm.state", value: "{}" }, { name: "npm.dist-tag:latest", value: "2" }])).toEqual({ latest: "2" });
  });
});

describe("search", () => {
  it("parses words and qualifiers", () => {
    expect(parseSearchText("  React  keywords:ui,hooks scope:@acme author:Bob not:deprecated ")).toEqual({ words: ["react"], keywords: ["ui", "hooks"], scope: "acme", user: "bob" });
  });

  it("scores exact > prefix > name contains > other fields; null when not matching", () => {
    const meta = { description: "Fast widgets", keywords: ["ui"], _npmUser: { name: "bob" }, author: "Ann <a@x>" };
    expect(scoreMatch(parseSearchText("widget"), "widget", meta)).toBe(4);
    expect(scoreMatch(parseSearchText("widget"), "@s/widget", meta)).toBe(4);
    expect(scoreMatch(parseSearchText("wid"), "widget-kit", meta)).toBe(3);
    expect(scoreMatch(parseSearchText("kit"), "widget-kit", meta)).toBe(2);
    expect(scoreMatch(parseSearchText("fast"), "widget-kit", meta)).toBe(1);
    expect(scoreMatch(parseSearchText("slow"), "widget-kit", meta)).toBeNull();
    expect(scoreMatch(parseSearchText("keywords:ui author:ann"), "w", meta)).toBe(1);
    expect(scoreMatch(parseSearchText("maintainer:bob"), "w", meta)).toBe(1);
    expect(scoreMatch(parseSearchText("keywords:cli"), "w", meta)).toBeNull();
    expect(scoreMatch(parseSearchText("scope:s"), "w", meta)).toBeNull();
  });
});
