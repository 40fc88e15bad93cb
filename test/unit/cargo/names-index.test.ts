// Crate names, versions, sparse-index paths and index lines (pure: no bindings).
import { describe, expect, it } from "vitest";
import { indexEntryOf, renderIndexLine } from "../../../src/formats/cargo/index-line";
import { crateNameProblem, crateOfIndexPath, indexPathOf, lowerCrateVersion, parseCrateVersion } from "../../../src/formats/cargo/names";
import { parsePublishMetadata } from "../../../src/formats/cargo/publish-body";
import { publishMetadata } from "../../integration/cargo-fixtures";

describe("crate names", () => {
  it("accepts crates.io names and explains refusals", () => {
    for (const name of ["a", "serde", "Serde_JSON", "tokio-util", "x1"]) expect(crateNameProblem(name)).toBeNull();
    expect(crateNameProblem("")).toMatch(/empty/);
    expect(crateNameProblem("1abc")).toMatch(/start with an ASCII letter/);
    expect(crateNameProblem("_abc")).toMatch(/start with an ASCII letter/);
    expect(crateNameProblem("a.b")).toMatch(/only ASCII letters/);
    expect(crateNameProblem("a/b")).toMatch(/only ASCII letters/);
    expect(crateNameProblem("é")).toMatch(/start with/);
    expect(crateNameProblem("a".repeat(65))).toMatch(/longer than 64/);
  });

  it("maps names to the standard prefix paths, lower-cased", () => {
    expect(indexPathOf("a")).toBe("1/a");
    expect(indexPathOf("ab")).toBe("2/ab");
    expect(indexPathOf("abc")).toBe("3/a/abc");
    expect(indexPathOf("Serde")).toBe("se/rd/serde");
    expect(indexPathOf("cargo")).toBe("ca/rg/cargo");
  });

  it("reads a crate back from its index path only when the prefix is right", () => {
    expect(crateOfIndexPath("se/rd/serde")).toBe("serde");
    expect(crateOfIndexPath("3/a/abc")).toBe("abc");
    expect(crateOfIndexPath("1/a")).toBe("a");
    expect(crateOfIndexPath("SE/RD/Serde")).toBe("Serde");
    expect(crateOfIndexPath("se/xx/serde")).toBeNull();
    expect(crateOfIndexPath("3/b/abc")).toBeNull();
    expect(crateOfIndexPath("serde")).toBeNull();
    expect(crateOfIndexPath("se/rd/ser..de")).toBeNull();
    expect(crateOfIndexPath("config.json")).toBeNull();
  });
});

describe("crate versions", () => {
  it("takes strict SemVer 2.0 only", () => {
    expect(parseCrateVersion("1.2.3")).toBe("1.2.3");
    expect(parseCrateVersion("1.0.0-alpha.1+build.5")).toBe("1.0.0-alpha.1+build.5");
    for (const bad of ["1.2", "v1.2.3", "01.2.3", "1.2.3.4", "", "latest", "=1.0.0"]) expect(parseCrateVersion(bad)).toBeNull();
  });

  it("ignores build metadata when telling versions apart", () => {
    expect(lowerCrateVersion("1.0.0+a")).toBe(lowerCrateVersion("1.0.0+B"));
    expect(lowerCrateVersion("1.0.0-RC.1")).toBe("1.0.0-rc.1");
  });
});

describe("index lines", () => {
  it("renders cargo's registry-index line from publish metadata (renames, kinds, registry)", () => {
    const metadata = parsePublishMetadata(
      JSON.stringify(
        publishMetadata("demo", "1.2.0", {
          deps: [
            { name: "serde", version_req: "^1.0", features: ["derive"], optional: false, default_features: true, target: null, kind: "normal", registry: "https://github.com/rust-lang/crates.io-index", explicit_name_in_toml: null },
            { name: "rand", version_req: "^0.8", features: [], optional: true, default_features: false, target: "cfg(unix)", kind: "dev", registry: null, explicit_name_in_toml: "rng" },
          ],
          features: { default: ["std"], std: [], fast: ["dep:rng"] },
          links: "z",
          rust_version: "1.70",
        }),
      ),
    );
    const line = JSON.parse(renderIndexLine(indexEntryOf(metadata), "ab".repeat(32), false));
    expect(line).toEqual({
      name: "demo",
      vers: "1.2.0",
      deps: [
        { name: "serde", req: "^1.0", features: ["derive"], optional: false, default_features: true, target: null, kind: "normal", registry: "https://github.com/rust-lang/crates.io-index" },
        { name: "rng", req: "^0.8", features: [], optional: true, default_features: false, target: "cfg(unix)", kind: "dev", registry: null, package: "rand" },
      ],
      cksum: "ab".repeat(32),
      features: { default: ["std"], std: [], fast: ["dep:rng"] },
      yanked: false,
      links: "z",
      rust_version: "1.70",
    });
    expect(Object.keys(line).slice(0, 4)).toEqual(["name", "vers", "deps", "cksum"]);
  });
});
