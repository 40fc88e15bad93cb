// RubyGems objects in Marshal: the quick specification of a real `.gem` (built by Debian's
// `gem build`) equals `Marshal.dump(Gem::Package.new(gem).spec)` byte for byte, and the
// specs tuples equal Ruby's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { marshalSpecification, marshalSpecTuples } from "../../../src/formats/rubygems/gem-marshal";
import { parseGemspecYaml } from "../../../src/formats/rubygems/gemspec";
import fixtures from "./fixtures/marshal.json";
import { tarEntry } from "./tar-entry";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const gem = new Uint8Array(readFileSync(join(import.meta.dirname, "fixtures", "demo-1.2.0.gem")));

describe("RubyGems Marshal", () => {
  it("dumps the specification of demo-1.2.0.gem exactly as RubyGems does", () => {
    const yaml = new TextDecoder().decode(gunzipSync(tarEntry(gem, "metadata.gz")));
    const spec = parseGemspecYaml(yaml);
    expect(hex(marshalSpecification(spec))).toBe(fixtures["demo-1.2.0.gem specification"]);
  });

  it("dumps specs tuples as RubyGems' indexer does", () => {
    const tuples = [
      { name: "demo", number: "1.2.0", platform: "ruby" },
      { name: "native", number: "0.1.pre", platform: "x86_64-linux" },
    ];
    expect(hex(marshalSpecTuples(tuples))).toBe(fixtures["specs tuples"]);
  });
});
