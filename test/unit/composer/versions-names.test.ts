// Composer version normalisation, stability, ordering and package names (pure).
import { describe, expect, it } from "vitest";
import { distEntry, distPath, isValidPackageName, packageNameProblem, parseDistPath, parseMetadataPath } from "../../../src/formats/composer/names";
import { compareNormalizedDescending, isDevVersion, normalizeVersion } from "../../../src/formats/composer/versions";

describe("normalizeVersion (composer/semver VersionParser::normalize)", () => {
  it.each([
    ["1.0.0", "1.0.0.0"],
    ["v1.2", "1.2.0.0"],
    ["1.2.3.4", "1.2.3.4"],
    ["2.0.0-beta1", "2.0.0.0-beta1"],
    ["2.0.0-b.2", "2.0.0.0-beta2"],
    ["1.0.0-RC1", "1.0.0.0-RC1"],
    ["1.0.0-alpha", "1.0.0.0-alpha"],
    ["1.0.0-pl3", "1.0.0.0-patch3"],
    ["1.0.0-stable", "1.0.0.0"],
    ["1.0.0+build.5", "1.0.0.0"],
    ["1.x-dev", "1.9999999.9999999.9999999-dev"],
    ["2.3.x-dev", "2.3.9999999.9999999-dev"],
    ["1.0.0-dev", "1.0.0.0-dev"],
    ["dev-main", "dev-main"],
    ["dev-feature/x", "dev-feature/x"],
    ["master", "dev-master"],
    ["20230101", "20230101"],
    ["2023.01.02", "2023.01.02.0"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeVersion(input)).toBe(expected);
  });

  it.each(["", "not a version", "1.0.0 as 2.0.0", "foo-dev", "dev-", "1.0.0-gamma"])("refuses %j", (input) => {
    expect(normalizeVersion(input)).toBeNull();
  });
});

describe("stability and order", () => {
  it("splits dev versions from releases as packagist's ~dev files do", () => {
    expect(isDevVersion("dev-main")).toBe(true);
    expect(isDevVersion("1.x-dev")).toBe(true);
    expect(isDevVersion("1.0.0")).toBe(false);
    expect(isDevVersion("1.0.0-beta1")).toBe(false);
  });

  it("orders newest first: numbers, then stable > RC > beta > alpha > dev, named branches last", () => {
    const versions = ["1.0.0.0-beta1", "dev-main", "1.0.0.0", "1.0.0.0-RC1", "2.0.0.0", "1.0.0.0-alpha2", "1.0.0.0-alpha10", "1.9999999.9999999.9999999-dev"];
    expect([...versions].sort(compareNormalizedDescending)).toEqual([
      "2.0.0.0",
      "1.9999999.9999999.9999999-dev",
      "1.0.0.0",
      "1.0.0.0-RC1",
      "1.0.0.0-beta1",
      "1.0.0.0-alpha10",
      "1.0.0.0-alpha2",
      "dev-main",
    ]);
  });
});

describe("package names", () => {
  it.each(["acme/tools", "acme-corp/my_lib", "a1/b.c", "vendor/name--double"])("accepts %s", (name) => {
    expect(isValidPackageName(name)).toBe(true);
  });

  it.each([
    ["Acme/Tools", "upper case"],
    ["acme", "vendor/project"],
    ["acme/-tools", "vendor/project"],
    ["acme/tools/x", "vendor/project"],
    ["acme//tools", "vendor/project"],
    ["", "empty"],
  ])("refuses %j (%s)", (name, why) => {
    expect(packageNameProblem(name)).toContain(why);
  });

  it("builds and parses dist and metadata paths", () => {
    const path = distPath("acme/tools", "dev-feature/x", "abc123", "zip");
    expect(path).toBe("dists/acme/tools/dev-feature%2Fx/abc123.zip");
    expect(parseDistPath(path)).toEqual({ name: "acme/tools", version: "dev-feature/x", reference: "abc123", type: "zip" });
    expect(distEntry("1.0.0-RC1", "abc")).toBe("1.0.0-rc1/abc");
    expect(parseDistPath("dists/Acme/tools/1.0.0/abc.zip")).toBeNull();
    expect(parseDistPath("dists/acme/tools/1.0.0/a%20b.zip")).toBeNull();
    expect(parseMetadataPath("p2/acme/tools.json")).toEqual({ name: "acme/tools", dev: false });
    expect(parseMetadataPath("p2/acme/tools~dev.json")).toEqual({ name: "acme/tools", dev: true });
    expect(parseMetadataPath("p2/acme.json")).toBeNull();
    expect(parseMetadataPath("p2/ACME/tools.json")).toBeNull();
  });
});
