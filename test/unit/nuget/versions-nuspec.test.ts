// NuGet versions (parse, normalise, order, SemVer 2 detection), ids, and nuspec parsing (pure).
import { describe, expect, it } from "vitest";
import { parseNuspec } from "../../../src/formats/nuget/nuspec";
import { compareNuGetVersions, isSemVer2, isValidPackageId, lowerNuGetVersion, normalizeNuGetVersion, parseNuGetVersion } from "../../../src/formats/nuget/versions";
import { nuspec } from "../../integration/nuget-fixtures";

describe("NuGet versions", () => {
  it("normalises like NuGet.Versioning", () => {
    expect(normalizeNuGetVersion("1")).toBe("1.0.0");
    expect(normalizeNuGetVersion("1.0")).toBe("1.0.0");
    expect(normalizeNuGetVersion("1.01.0.0")).toBe("1.1.0");
    expect(normalizeNuGetVersion("1.2.3.4")).toBe("1.2.3.4");
    expect(normalizeNuGetVersion("1.0.0-Beta.1+build.5")).toBe("1.0.0-Beta.1");
    expect(lowerNuGetVersion("1.0.0-Beta")).toBe("1.0.0-beta");
    for (const bad of ["", "abc", "1.2.3.4.5", "1.0.0-", "1.0.0-01", "v1.0.0", "1..0"]) expect(parseNuGetVersion(bad), bad).toBeNull();
  });

  it("orders versions: core, then release before stable, labels numerically and case-insensitively", () => {
    const sorted = ["1.0.0", "1.0.0-beta.10", "1.0.0-alpha", "1.0.0-beta.2", "1.0.0.1", "0.9.0", "1.0.0-Beta", "1.0.0-1"].sort(compareNuGetVersions);
    expect(sorted).toEqual(["0.9.0", "1.0.0-1", "1.0.0-alpha", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.10", "1.0.0", "1.0.0.1"].map((v) => (v === "1.0.0-beta" ? "1.0.0-Beta" : v)));
    expect(compareNuGetVersions("1.0.0-BETA", "1.0.0-beta")).toBe(0);
  });

  it("tells SemVer 2.0 versions (dotted labels or metadata)", () => {
    const sv2 = (v: string) => isSemVer2(parseNuGetVersion(v) ?? (undefined as never));
    expect(sv2("1.0.0-beta")).toBe(false);
    expect(sv2("1.0.0-beta.1")).toBe(true);
    expect(sv2("1.0.0+abc")).toBe(true);
  });

  it("validates ids", () => {
    for (const id of ["Newtonsoft.Json", "a", "My_Pkg-2", "x.y.z"]) expect(isValidPackageId(id), id).toBe(true);
    for (const id of ["", "a..b", ".a", "a-", "with space", "a/b", "x".repeat(101)]) expect(isValidPackageId(id), id).toBe(false);
  });
});

describe("nuspec", () => {
  it("reads required and optional fields, flat and grouped dependencies", () => {
    const parsed = parseNuspec(
      nuspec("Contoso.Lib", "1.0", {
        dependencies: '<dependencies><dependency id="A" version="1.0" /><group targetFramework="net8.0"><dependency id="B" version="[2.0,3.0)" /></group><group targetFramework="netstandard2.0" /></dependencies>',
        extra: '<license type="expression">MIT</license><repository type="git" url="https://git.example/x" /><requireLicenseAcceptance>true</requireLicenseAcceptance>',
      }),
    );
    expect(parsed).toMatchObject({ id: "Contoso.Lib", version: "1.0.0", originalVersion: "1.0", authors: "Tester", semVer2: false, prerelease: false, license: "MIT", repositoryUrl: "https://git.example/x", requireLicenseAcceptance: true, minClientVersion: "2.8", tags: "test nuget" });
    expect(parsed.dependencyGroups).toEqual([
      { targetFramework: "", dependencies: [{ id: "A", range: "1.0" }] },
      { targetFramework: "net8.0", dependencies: [{ id: "B", range: "[2.0,3.0)" }] },
      { targetFramework: "netstandard2.0", dependencies: [] },
    ]);
  });

  it("marks SemVer 2.0 packages, also by a dependency's SemVer 2.0 range", () => {
    expect(parseNuspec(nuspec("P", "1.0.0-rc.1")).semVer2).toBe(true);
    expect(parseNuspec(nuspec("P", "1.0.0", { dependencies: '<dependencies><dependency id="Q" version="1.0.0-rc.1" /></dependencies>' })).semVer2).toBe(true);
  });

  it("refuses invalid manifests with a clear message", () => {
    expect(() => parseNuspec("<package>")).toThrow("not well-formed");
    expect(() => parseNuspec("<package><other/></package>")).toThrow("<metadata>");
    expect(() => parseNuspec(nuspec("P", "1.0.0", { description: null }))).toThrow("<description> is missing");
    expect(() => parseNuspec(nuspec("P", "1.0.0", { authors: null }))).toThrow("<authors> is missing");
    expect(() => parseNuspec(nuspec("P", "one"))).toThrow("not a valid NuGet version");
    expect(() => parseNuspec(nuspec("bad id", "1.0.0"))).toThrow("not a valid package id");
  });
});
