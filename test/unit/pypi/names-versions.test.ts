// PEP 503 names, distribution filenames and PEP 440 versions (pure functions, no bindings).
import { describe, expect, it } from "vitest";
import { filenameMatches, isValidProjectName, normalizeName, parseDistributionFilename, projectOfFilename } from "../../../src/formats/pypi/names";
import { compareVersions, isPrerelease, isValidVersion, normalizeVersion } from "../../../src/formats/pypi/versions";

describe("project names", () => {
  it("normalises runs of - _ . to one dash, lower-cased (PEP 503)", () => {
    expect(normalizeName("Foo.Bar__baz")).toBe("foo-bar-baz");
    expect(normalizeName("zope.interface")).toBe("zope-interface");
    expect(normalizeName("A-_.-B")).toBe("a-b");
  });

  it("accepts PEP 508 names and rejects others", () => {
    for (const name of ["a", "Flask", "zope.interface", "my_pkg-2"]) expect(isValidProjectName(name)).toBe(true);
    for (const name of ["", "-a", "a-", "a b", "a/b", "ä", "x".repeat(201)]) expect(isValidProjectName(name)).toBe(false);
  });
});

describe("distribution filenames", () => {
  it("parses wheels with and without a build tag", () => {
    expect(parseDistributionFilename("my_pkg-1.0.0-py3-none-any.whl")).toEqual({ kind: "wheel", name: "my_pkg", version: "1.0.0", archive: "zip" });
    expect(parseDistributionFilename("pkg-2.0-1-cp311-cp311-manylinux_2_17_x86_64.whl")?.version).toBe("2.0");
    expect(parseDistributionFilename("pkg-2.0-x-cp311-cp311-any.whl")).toBeNull();
    expect(parseDistributionFilename("pkg-2.0-py3-none.whl")).toBeNull();
  });

  it("parses sdists, legacy dashes in names included", () => {
    expect(parseDistributionFilename("my_pkg-1.0.tar.gz")).toEqual({ kind: "sdist", name: "my_pkg", version: "1.0", archive: "tar.gz" });
    expect(parseDistributionFilename("foo-bar-1.0rc1.zip")).toEqual({ kind: "sdist", name: "foo-bar", version: "1.0rc1", archive: "zip" });
  });

  it("rejects anything else, traversal and odd characters included", () => {
    for (const name of ["pkg-1.0.egg", "pkg-1.0.exe", "pkg.tar.gz", "../pkg-1.0.tar.gz", "pkg-1.0/x.tar.gz", "pkg%2f-1.0.tar.gz", "pkg-notaversion!.tar.gz"]) {
      expect(parseDistributionFilename(name)).toBeNull();
    }
  });

  it("matches name and version after normalisation", () => {
    const parsed = parseDistributionFilename("My_Pkg-1.0-py3-none-any.whl");
    expect(parsed && filenameMatches(parsed, "my.pkg", "1.0.0")).toBe(false);
    expect(parsed && filenameMatches(parsed, "my.pkg", "1.0")).toBe(true);
    expect(parsed && filenameMatches(parsed, "other", "1.0")).toBe(false);
    expect(projectOfFilename("Zope.Interface-5.0.tar.gz")).toBe("zope-interface");
  });
});

describe("PEP 440 versions", () => {
  it("validates and normalises the PEP's spellings", () => {
    expect(normalizeVersion("1.0.0-RC1")).toBe("1.0.0rc1");
    expect(normalizeVersion("1.0-r2")).toBe("1.0.post2");
    expect(normalizeVersion("1.0-1")).toBe("1.0.post1");
    expect(normalizeVersion("v1.0alpha")).toBe("1.0a0");
    expect(normalizeVersion("1!2.0.dev3+Ubuntu-1")).toBe("1!2.0.dev3+ubuntu.1");
    expect(normalizeVersion("01.002")).toBe("1.2");
    for (const bad of ["", "1.0-", "one", "1..0", "1.0+", "1.0 beta"]) expect(isValidVersion(bad)).toBe(false);
  });

  it("orders versions as the PEP's example list does", () => {
    const ordered = ["1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "1!0.1"];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareVersions)).toEqual(ordered);
    expect(compareVersions("1.0", "1.0.0")).toBe(0);
    expect(compareVersions("not-a-version", "0.0.1")).toBe(-1);
  });

  it("tells pre-releases", () => {
    expect(isPrerelease("1.0rc1")).toBe(true);
    expect(isPrerelease("1.0.dev1")).toBe(true);
    expect(isPrerelease("1.0.post1")).toBe(false);
  });
});
