// Go module paths, versions, case encoding, file paths and version order (pure, Node).
import { describe, expect, it } from "vitest";
import { checkFilePath, checkModulePath, checkVersion, escapeCase, isCanonicalVersion, isPseudoVersion, unescapeCase } from "../../../src/formats/go/module-path";
import { parseGoPath } from "../../../src/formats/go/paths";
import { latestOf, parseVersionList, renderInfo, renderVersionList } from "../../../src/formats/go/versions";

describe("case encoding", () => {
  it("escapes upper case with ! and reverses it", () => {
    expect(escapeCase("github.com/Azure/azure-sdk-for-go")).toBe("github.com/!azure/azure-sdk-for-go");
    expect(unescapeCase("github.com/!azure/!b!c")).toBe("github.com/Azure/BC");
    expect(escapeCase("a!b")).toBeNull();
    expect(unescapeCase("github.com/Azure")).toBeNull();
    expect(unescapeCase("github.com/!1")).toBeNull();
    expect(unescapeCase("trailing!")).toBeNull();
  });
});

describe("module paths and versions", () => {
  it("accepts what module.CheckPath accepts", () => {
    for (const ok of ["example.com/a", "github.com/Azure/x", "example.com/a/v2", "gopkg.in/yaml.v3", "golang.org/x/mod"]) expect(checkModulePath(ok), ok).toBeNull();
  });
  it("refuses what it refuses", () => {
    expect(checkModulePath("nodot/a")).toContain("missing dot in first path element");
    expect(checkModulePath("example.com/a/")).toContain("trailing slash");
    expect(checkModulePath("example.com/../a")).toContain("invalid path element");
    expect(checkModulePath("example.com/a b")).toContain("invalid char");
    expect(checkModulePath("example.com/a/v1")).toContain("v2 or above");
    expect(checkModulePath("Example.com/a")).toContain("first path element");
  });
  it("checks canonical versions and major-version suffixes", () => {
    expect(checkVersion("example.com/a", "v1.2.3")).toBeNull();
    expect(checkVersion("example.com/a", "v2.0.0+incompatible")).toBeNull();
    expect(checkVersion("example.com/a/v2", "v2.0.1")).toBeNull();
    expect(checkVersion("example.com/a", "v1.2")).toContain("not a canonical semantic version");
    expect(checkVersion("example.com/a", "1.2.3")).toContain("not a canonical");
    expect(checkVersion("example.com/a", "v2.0.0")).toContain("should be v0 or v1, not v2");
    expect(checkVersion("example.com/a/v3", "v2.0.0")).toContain("should be v3, not v2");
    expect(checkVersion("example.com/a/v2", "v2.0.0+incompatible")).toContain("+incompatible suffix not allowed");
  });
  it("recognises pseudo-versions", () => {
    expect(isPseudoVersion("v0.0.0-20191109021931-daa7c04131f5")).toBe(true);
    expect(isPseudoVersion("v1.2.4-0.20191109021931-daa7c04131f5")).toBe(true);
    expect(isPseudoVersion("v1.2.3-pre.0.20191109021931-daa7c04131f5")).toBe(true);
    expect(isPseudoVersion("v1.2.3-rc.1")).toBe(false);
    expect(isCanonicalVersion("v01.2.3")).toBe(false);
  });
  it("checks file paths inside a module zip", () => {
    expect(checkFilePath("a/b.go")).toBeNull();
    expect(checkFilePath(".github/workflows/x.yml")).toBeNull();
    expect(checkFilePath("a/../b.go")).toContain("invalid path element");
    expect(checkFilePath("a//b.go")).toContain("empty path element");
    expect(checkFilePath("CON.go")).toContain("disallowed");
    expect(checkFilePath("a\\b.go")).toContain("invalid char");
    expect(checkFilePath("dir./x")).toContain("trailing dot");
  });
});

describe("proxy paths", () => {
  it("parses every GOPROXY request", () => {
    expect(parseGoPath("github.com/!azure/x/@v/list")).toEqual({ kind: "list", module: "github.com/Azure/x", key: "github.com/!azure/x" });
    expect(parseGoPath("example.com/a/@latest")).toEqual({ kind: "latest", module: "example.com/a", key: "example.com/a" });
    expect(parseGoPath("example.com/a/@v/v1.0.0-!r!c1.zip")).toMatchObject({ kind: "zip", version: "v1.0.0-RC1", canonical: true });
    expect(parseGoPath("example.com/a/@v/master.info")).toMatchObject({ kind: "info", version: "master", canonical: false });
    expect(parseGoPath("example.com/a/@v/master.zip")).toBeNull();
    expect(parseGoPath("example.com/A/@v/list")).toBeNull();
    expect(parseGoPath("nodot/@v/list")).toBeNull();
    expect(parseGoPath("example.com/a/@v/v1.0.0.tar")).toBeNull();
  });
});

describe("list, latest and info", () => {
  it("lists versions sorted by semver precedence, pseudo-versions left out", () => {
    expect(renderVersionList(["v1.10.0", "v1.2.0", "v1.2.0", "v0.0.0-20191109021931-daa7c04131f5", "v1.2.0-rc.1", "v2.0.0+incompatible"])).toBe("v1.2.0-rc.1\nv1.2.0\nv1.10.0\nv2.0.0+incompatible\n");
    expect(parseVersionList("v1.0.0\nnot-a-version\n v1.1.0 \n\n")).toEqual(["v1.0.0", "v1.1.0"]);
    expect(renderVersionList([])).toBe("");
  });
  it("picks latest as the go command does", () => {
    expect(latestOf(["v1.0.0", "v1.1.0-rc.1", "v0.0.0-20240101000000-abcdefabcdef"])).toBe("v1.0.0");
    expect(latestOf(["v1.1.0-rc.1", "v1.1.0-beta.1"])).toBe("v1.1.0-rc.1");
    expect(latestOf(["v0.0.0-20240101000000-abcdefabcdef", "v0.0.0-20250101000000-abcdefabcdef"])).toBe("v0.0.0-20250101000000-abcdefabcdef");
    expect(latestOf([])).toBeNull();
  });
  it("renders .info with a second-precision RFC 3339 time", () => {
    expect(renderInfo("v1.0.0", Date.UTC(2024, 0, 2, 3, 4, 5, 678))).toBe('{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}');
  });
});
