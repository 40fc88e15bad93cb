// Gem names, versions, platforms and full names; Gem::Version order; the compact index
// lines (info, versions, names) as rubygems.org's compact_index writes them and Bundler reads them.
import { describe, expect, it } from "vitest";
import { bodyLines, namesOfVersions, parseVersions, renderInfoLine, renderVersions } from "../../../src/formats/rubygems/compact-index";
import type { GemSpec } from "../../../src/formats/rubygems/gemspec";
import { compareGemVersions, gemNameProblem, isPrerelease, normalisePlatform, splitFullName, splitFullVersion } from "../../../src/formats/rubygems/names";

const spec = (over: Partial<GemSpec> = {}): GemSpec => ({
  name: "demo",
  number: "1.0.0",
  platform: "ruby",
  summary: null,
  description: null,
  authors: [],
  email: null,
  homepage: null,
  licenses: [],
  metadata: {},
  date: "2024-01-02T00:00:00.000Z",
  requiredRubyVersion: [[">=", "0"]],
  requiredRubygemsVersion: [[">=", "0"]],
  dependencies: [],
  rubygemsVersion: "3.3.15",
  specificationVersion: 4,
  ...over,
});

describe("names", () => {
  it("accepts RubyGems names and explains refusals", () => {
    expect(gemNameProblem("net-http")).toBeNull();
    expect(gemNameProblem("Rack_2.x")).toBeNull();
    expect(gemNameProblem("")).toMatch(/empty/);
    expect(gemNameProblem("bad/name")).toMatch(/may contain only/);
    expect(gemNameProblem("1234")).toMatch(/at least one letter/);
  });

  it("splits full names at the version, keeping dashes in names and platforms", () => {
    expect(splitFullName("net-http-0.4.1")).toEqual({ name: "net-http", number: "0.4.1", platform: "ruby" });
    expect(splitFullName("nokogiri-1.16.0-x86_64-linux")).toEqual({ name: "nokogiri", number: "1.16.0", platform: "x86_64-linux" });
    expect(splitFullName("ruby-2fa-1.0.0")).toEqual({ name: "ruby-2fa", number: "1.0.0", platform: "ruby" });
    expect(splitFullName("nodash")).toBeNull();
    expect(splitFullVersion("1.0.0-java")).toEqual({ number: "1.0.0", platform: "java" });
    expect(splitFullVersion("1.0.0")).toEqual({ number: "1.0.0", platform: "ruby" });
    expect(normalisePlatform("")).toBe("ruby");
    expect(normalisePlatform("9bad")).toBeNull();
  });

  it("orders versions as Gem::Version does", () => {
    const sorted = ["1.0.0", "1.0.0.pre", "0.9", "1.0.1", "1.0.0.rc1", "1.10", "1.9"].sort(compareGemVersions);
    expect(sorted).toEqual(["0.9", "1.0.0.pre", "1.0.0.rc1", "1.0.0", "1.0.1", "1.9", "1.10"]);
    expect(compareGemVersions("1.0", "1.0.0")).toBe(0);
    expect(compareGemVersions("1.0.0.pre", "1.0.0")).toBe(-1);
    expect(compareGemVersions("1.0.a", "1.0.b")).toBe(-1);
    expect(compareGemVersions("2", "10")).toBe(-1);
    expect(isPrerelease("1.0.0.pre")).toBe(true);
    expect(isPrerelease("1.0.0")).toBe(false);
  });
});

describe("compact index lines", () => {
  it("renders info lines: runtime deps by name, requirements sorted and joined by &, ruby/rubygems only when set", () => {
    expect(renderInfoLine(spec(), "ab")).toBe("1.0.0 |checksum:ab");
    const full = spec({
      platform: "java",
      dependencies: [
        { name: "rake", requirement: [[">=", "1.0"], ["<", "14"]], type: "runtime" },
        { name: "minitest", requirement: [["~>", "5.0"]], type: "development" },
        { name: "activesupport", requirement: [["=", "7.0.0"]], type: "runtime" },
      ],
      requiredRubyVersion: [[">=", "2.7"]],
      requiredRubygemsVersion: [[">", "1.3.1"]],
    });
    expect(renderInfoLine(full, "ab")).toBe("1.0.0-java activesupport:= 7.0.0,rake:< 14&>= 1.0|checksum:ab,ruby:>= 2.7,rubygems:> 1.3.1");
  });

  it("reads /versions as Bundler does: later lines add versions, -V removes, the last MD5 wins", () => {
    const text = "created_at: 2024-01-01T00:00:00Z\n---\nrack 1.0,2.0 aaa\nrails 7.0 bbb\nrack 3.0,-1.0 ccc\n";
    const parsed = parseVersions(text);
    expect(parsed.createdAt).toBe("2024-01-01T00:00:00Z");
    expect(parsed.gems.get("rack")).toEqual({ versions: ["2.0", "3.0"], md5: "ccc" });
    expect(bodyLines(text)).toHaveLength(3);
    expect(renderVersions("T", parsed.gems)).toBe("created_at: T\n---\nrack 2.0,3.0 ccc\nrails 7.0 bbb\n");
    expect(namesOfVersions(`${text}rails -7.0 ddd\n`)).toBe("---\nrack\n");
  });
});
