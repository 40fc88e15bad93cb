// The gemspec YAML reader (Ruby tags, symbols, aliases, refusals) against the metadata of a
// real `gem build`, the streaming .gem reader, and the legacy specs tuples.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { RegistryError } from "../../../src/errors";
import { readGemSpec } from "../../../src/formats/rubygems/gem-archive";
import { parseGemspecYaml } from "../../../src/formats/rubygems/gemspec";
import { legacyTuples } from "../../../src/formats/rubygems/legacy-specs";
import { tarEntry } from "./tar-entry";

const gem = new Uint8Array(readFileSync(join(import.meta.dirname, "fixtures", "demo-1.2.0.gem")));
const yaml = new TextDecoder().decode(gunzipSync(tarEntry(gem, "metadata.gz")));

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof RegistryError) return error.message;
    throw error;
  }
  throw new Error("expected a RegistryError");
}

describe("gemspec YAML", () => {
  it("reads what gem build wrote", () => {
    const spec = parseGemspecYaml(yaml);
    expect(spec).toMatchObject({
      name: "demo",
      number: "1.2.0",
      platform: "ruby",
      summary: "Demo gem",
      authors: ["A B"],
      email: "a@example.com",
      homepage: "https://example.com",
      licenses: ["MIT"],
      metadata: { source_code_uri: "https://example.com/src" },
      date: "2024-01-02T00:00:00.000Z",
      requiredRubyVersion: [[">=", "2.7"]],
      requiredRubygemsVersion: [[">=", "0"]],
      rubygemsVersion: "3.3.15",
      specificationVersion: 4,
    });
    expect(spec.dependencies).toEqual([
      { name: "rake", requirement: [[">=", "1.0"], ["<", "14"]], type: "runtime" },
      { name: "minitest", requirement: [["~>", "5.0"]], type: "development" },
    ]);
  });

  it("reads aliased requirements, platforms as maps and numeric versions", () => {
    const aliased = yaml
      .replace("platform: ruby", "platform: !ruby/object:Gem::Platform\n  cpu: x86_64\n  os: linux\n  version:")
      .replace("version: 1.2.0", "version: 2")
      .replace(/  requirement: !ruby\/object:Gem::Requirement\n    requirements:\n    - - ">="\n      - !ruby\/object:Gem::Version\n        version: '1.0'\n    - - "<"\n      - !ruby\/object:Gem::Version\n        version: '14'\n  type: :runtime\n  prerelease: false\n  version_requirements: !ruby\/object:Gem::Requirement\n    requirements:\n    - - ">="\n      - !ruby\/object:Gem::Version\n        version: '1.0'\n    - - "<"\n      - !ruby\/object:Gem::Version\n        version: '14'\n/, "  requirement: &1 !ruby/object:Gem::Requirement\n    requirements:\n    - - \">=\"\n      - !ruby/object:Gem::Version\n        version: '1.0'\n  type: :runtime\n  prerelease: false\n  version_requirements: *1\n");
    const spec = parseGemspecYaml(aliased);
    expect(spec.platform).toBe("x86_64-linux");
    expect(spec.number).toBe("2");
    expect(spec.dependencies[0]).toEqual({ name: "rake", requirement: [[">=", "1.0"]], type: "runtime" });
  });

  it("refuses what is not a usable specification", () => {
    expect(failure(() => parseGemspecYaml("--- [1, 2"))).toMatch(/not valid YAML/);
    expect(failure(() => parseGemspecYaml("--- 42\n"))).toMatch(/not a Gem::Specification/);
    expect(failure(() => parseGemspecYaml(yaml.replace("name: demo", "name: ''")))).toMatch(/invalid name: the name is empty/);
    expect(failure(() => parseGemspecYaml(yaml.replace("version: 1.2.0", "version: 1.2-rc1")))).toMatch(/invalid version "1.2-rc1"/);
    expect(failure(() => parseGemspecYaml(yaml.replace('- - "~>"', '- - "=~"')))).toMatch(/invalid requirement/);
  });

  it("reads the specification out of a .gem stream, and refuses a tar without metadata.gz", async () => {
    const spec = await readGemSpec(new Blob([gem]).stream());
    expect(spec.name).toBe("demo");
    const empty = new Uint8Array(1024);
    await expect(readGemSpec(new Blob([empty]).stream())).rejects.toThrow(/metadata.gz is missing/);
  });
});

describe("legacy specs", () => {
  const versions = "created_at: x\n---\nrack 1.0,2.0,2.1.pre,2.0-java aa\nrails 7.0 bb\nrack -1.0 cc\n";
  it("splits releases, prereleases and the latest release per gem and platform", () => {
    expect(legacyTuples(versions, "specs")).toEqual([
      { name: "rack", number: "2.0", platform: "java" },
      { name: "rack", number: "2.0", platform: "ruby" },
      { name: "rails", number: "7.0", platform: "ruby" },
    ]);
    expect(legacyTuples(versions, "prerelease_specs")).toEqual([{ name: "rack", number: "2.1.pre", platform: "ruby" }]);
    expect(legacyTuples("created_at: x\n---\nrack 1.0,1.10,1.9 aa\n", "latest_specs")).toEqual([{ name: "rack", number: "1.10", platform: "ruby" }]);
  });
});
