// The Web UI's RubyGems install snippets: Gemfile source, bundle config for a private
// repository (never a real token), gem install with the version number (platform dropped).
import { describe, expect, it } from "vitest";
import { snippetsFor } from "../../../src/ui/formats/snippets";

describe("rubygems snippets", () => {
  it("names the source, pins the number, and references $REGISTRY_TOKEN only for private repositories", () => {
    const ctx = { origin: "https://registry.example.com", repository: "gems", packageName: "nokogiri", version: "1.16.0-x86_64-linux", files: [], needsToken: true };
    const [gemfile, bundle, gem] = snippetsFor("rubygems", ctx);
    expect(gemfile?.code).toBe('source "https://registry.example.com/rubygems/gems/"\n\ngem "nokogiri", "1.16.0"');
    expect(bundle?.code).toBe('bundle config set --global registry.example.com "token:$REGISTRY_TOKEN"\nbundle install');
    expect(gem?.code).toBe('gem install nokogiri -v 1.16.0 --clear-sources --source "https://token:$REGISTRY_TOKEN@registry.example.com/rubygems/gems/"');
    const open = snippetsFor("rubygems", { ...ctx, needsToken: false, version: null });
    expect(open.map((s) => s.code).join("\n")).not.toContain("REGISTRY_TOKEN");
    expect(open[0]?.code).toBe('source "https://registry.example.com/rubygems/gems/"\n\ngem "nokogiri"');
  });
});
