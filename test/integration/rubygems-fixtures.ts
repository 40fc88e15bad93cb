// Builds `.gem` files as `gem build` writes them: a plain tar with metadata.gz (the YAML
// Gem::Specification with Ruby tags), data.tar.gz and checksums.yaml.gz. Pure: used by unit
// and integration tests (and the e2e static upstream).
import { concatBytes, gzip, hexDigest, tar } from "./pypi-fixtures";

export { concatBytes, gzip, hexDigest, tar };

export interface GemOptions {
  platform?: string;
  /** Runtime dependencies: name → requirement pairs. */
  deps?: Record<string, [string, string][]>;
  devDeps?: Record<string, [string, string][]>;
  requiredRuby?: [string, string][];
  summary?: string;
  /** Replace the whole metadata YAML. */
  yaml?: string;
  /** Leave metadata.gz out. */
  withoutMetadata?: boolean;
  /** Library source (lib/{name}.rb). */
  lib?: string;
}

const requirementYaml = (pairs: [string, string][], indent: string): string =>
  `!ruby/object:Gem::Requirement\n${indent}requirements:\n${pairs.map(([op, v]) => `${indent}- - "${op}"\n${indent}  - !ruby/object:Gem::Version\n${indent}    version: '${v}'\n`).join("")}`;

function dependencyYaml(name: string, pairs: [string, string][], type: "runtime" | "development"): string {
  return `- !ruby/object:Gem::Dependency\n  name: ${name}\n  requirement: ${requirementYaml(pairs, "    ")}  type: :${type}\n  prerelease: false\n  version_requirements: ${requirementYaml(pairs, "    ")}`;
}

/** The metadata YAML `gem build` writes for this gem. */
export function gemspecYaml(name: string, version: string, options: GemOptions = {}): string {
  const deps = [
    ...Object.entries(options.deps ?? {}).map(([n, p]) => dependencyYaml(n, p, "runtime")),
    ...Object.entries(options.devDeps ?? {}).map(([n, p]) => dependencyYaml(n, p, "development")),
  ];
  return `--- !ruby/object:Gem::Specification
name: ${name}
version: !ruby/object:Gem::Version
  version: ${version}
platform: ${options.platform ?? "ruby"}
authors:
- Tester
autorequire:
bindir: bin
cert_chain: []
date: 2024-01-02 00:00:00.000000000 Z
dependencies:${deps.length ? `\n${deps.join("")}` : " []\n"}description: ${name} for tests
email: tester@example.com
executables: []
extensions: []
extra_rdoc_files: []
files:
- lib/${name}.rb
homepage: https://example.com/${name}
licenses:
- MIT
metadata: {}
post_install_message:
rdoc_options: []
require_paths:
- lib
required_ruby_version: ${requirementYaml(options.requiredRuby ?? [[">=", "0"]], "  ")}required_rubygems_version: ${requirementYaml([[">=", "0"]], "  ")}requirements: []
rubygems_version: 3.3.15
signing_key:
specification_version: 4
summary: ${options.summary ?? `${name} summary`}
test_files: []
`;
}

export async function buildGem(name: string, version: string, options: GemOptions = {}): Promise<Uint8Array> {
  const lib = options.lib ?? `module ${name.replace(/(^|[-_])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}\n  VERSION = "${version}"\nend\n`;
  const data = await gzip(tar({ [`lib/${name}.rb`]: lib }));
  const metadata = await gzip(new TextEncoder().encode(options.yaml ?? gemspecYaml(name, version, options)));
  const checksums = await gzip(new TextEncoder().encode(`---\nSHA256:\n  data.tar.gz: ${await hexDigest("SHA-256", data)}\n`));
  const entries: Record<string, Uint8Array> = options.withoutMetadata ? {} : { "metadata.gz": metadata };
  return tar({ ...entries, "data.tar.gz": data, "checksums.yaml.gz": checksums });
}

export const gemFile = (name: string, version: string, platform = "ruby"): string => `${name}-${version}${platform === "ruby" ? "" : `-${platform}`}.gem`;
