// npm names (validate-npm-package-name 7.0.2 rules), dist-tag names, tarball file names,
// and the URL space parser.
import { describe, expect, it } from "vitest";
import { tarballFilename, validateNpmName, validateTagName, versionFromFilename } from "../../../src/formats/npm/names";
import { parseNpmPath } from "../../../src/formats/npm/paths";

describe("validateNpmName", () => {
  it("accepts unscoped and scoped names", () => {
    expect(validateNpmName("left-pad", "new")).toEqual({ name: "left-pad", scope: null, basename: "left-pad" });
    expect(validateNpmName("@babel/core", "new")).toEqual({ name: "@babel/core", scope: "babel", basename: "core" });
    expect(validateNpmName("a.b_c-d", "new").name).toBe("a.b_c-d");
    expect(validateNpmName("fs", "new").name).toBe("fs");
  });

  it.each([
    ["", /greater than zero/],
    [".hidden", /period/],
    ["-dash", /hyphen/],
    ["_under", /underscore/],
    [" space", /spaces/],
    ["node_modules", /not a valid package name/],
    ["favicon.ico", /not a valid package name/],
    ["a/b", /URL-friendly/],
    ["@scope", /URL-friendly/],
    ["@/pkg", /URL-friendly/],
    ["@scope/.pkg", /period/],
    ["@sc ope/pkg", /URL-friendly/],
    ["ünicode", /URL-friendly/],
  ])("rejects %j everywhere", (name, reason) => {
    expect(() => validateNpmName(name, "existing")).toThrow(reason);
    expect(() => validateNpmName(name, "new")).toThrow(reason);
  });

  it.each([
    ["JSONStream", /capital letters/],
    ["a".repeat(215), /214/],
    ["crazy!", /special characters/],
    ["@scope/it's", /special characters/],
  ])("rejects %j only for new packages", (name, reason) => {
    expect(validateNpmName(name, "existing").name).toBe(name);
    expect(() => validateNpmName(name, "new")).toThrow(reason);
  });

  it("throws name_invalid RegistryErrors (400)", () => {
    try {
      validateNpmName("_x", "new");
    } catch (error) {
      expect(error).toMatchObject({ code: "name_invalid", status: 400 });
    }
  });
});

describe("tags and tarball names", () => {
  it("tags must not be SemVer ranges", () => {
    expect(validateTagName("next")).toBe("next");
    expect(validateTagName("beta-2")).toBe("beta-2");
    for (const tag of ["1.x", "v1.0.0", "1.2.3", "1", "*"]) expect(() => validateTagName(tag)).toThrow(/SemVer range/);
    for (const tag of ["^2", ">=1", "~1.2"]) expect(() => validateTagName(tag)).toThrow();
    for (const tag of ["", "a b", "a/b", "x".repeat(129)]) expect(() => validateTagName(tag)).toThrow(/URL-safe/);
  });

  it("tarballs are {basename}-{version}.tgz", () => {
    const scoped = validateNpmName("@a/b-c", "new");
    expect(tarballFilename(scoped, "1.0.0-rc.1")).toBe("b-c-1.0.0-rc.1.tgz");
    expect(versionFromFilename(scoped, "b-c-1.0.0-rc.1.tgz")).toBe("1.0.0-rc.1");
    expect(versionFromFilename(scoped, "b-1.0.0.tgz")).toBeNull();
    expect(versionFromFilename(scoped, "b-c-.tgz")).toBeNull();
    expect(versionFromFilename(scoped, "b-c-1.0.0.tar.gz")).toBeNull();
  });
});

describe("parseNpmPath", () => {
  it.each([
    ["left-pad", { kind: "packument", name: "left-pad" }],
    ["@s%2fp", { kind: "packument", name: "@s/p" }],
    ["@s%2Fp", { kind: "packument", name: "@s/p" }],
    ["@s/p", { kind: "packument", name: "@s/p" }],
    ["left-pad/1.0.0", { kind: "version", name: "left-pad", spec: "1.0.0" }],
    ["@s/p/latest", { kind: "version", name: "@s/p", spec: "latest" }],
    ["left-pad/-/left-pad-1.0.0.tgz", { kind: "tarball", name: "left-pad", filename: "left-pad-1.0.0.tgz" }],
    ["@s/p/-/p-1.0.0.tgz", { kind: "tarball", name: "@s/p", filename: "p-1.0.0.tgz" }],
    ["@s%2fp/-/p-1.0.0.tgz", { kind: "tarball", name: "@s/p", filename: "p-1.0.0.tgz" }],
    ["left-pad/-rev/3-abc", { kind: "revision", name: "left-pad", rev: "3-abc" }],
    ["@s/p/-/p-1.0.0.tgz/-rev/3-abc", { kind: "tarball-revision", name: "@s/p", filename: "p-1.0.0.tgz", rev: "3-abc" }],
    ["-/package/left-pad/dist-tags", { kind: "dist-tags", name: "left-pad", tag: null }],
    ["-/package/@s%2fp/dist-tags/next", { kind: "dist-tags", name: "@s/p", tag: "next" }],
    ["-/package/@s/p/dist-tags/next", { kind: "dist-tags", name: "@s/p", tag: "next" }],
    ["-/whoami", { kind: "whoami" }],
    ["-/ping", { kind: "ping" }],
    ["-/v1/search", { kind: "search" }],
    ["-/user/org.couchdb.user:alice", { kind: "login", username: "alice" }],
    ["-/user/org.couchdb.user:a%40b.c", { kind: "login", username: "a@b.c" }],
  ])("%s", (path, route) => {
    expect(parseNpmPath(path)).toEqual(route);
  });

  it.each(["", "-", "-/unknown", "-/package/x", "-/package/x/tags", "x/", "x/-", "x/a/b", "@s", "@s/", "x/-rev", "x/-/f.tgz/-rev", "-/v1/login"])("%j is no route", (path) => {
    expect(parseNpmPath(path)).toBeNull();
  });

  it("bad percent-encoding is a 400", () => {
    expect(() => parseNpmPath("%E0%A4%A")).toThrow(/percent-encoding/);
  });
});
