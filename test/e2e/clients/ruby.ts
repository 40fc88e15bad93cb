/**
 * e2e client: Debian bookworm's ruby 3.1 with RubyGems 3.3 (`gem`) and Bundler 2.3 (`bundle`),
 * installed with apt when missing (packages `ruby`, `bundler`); the versions are the release's.
 *
 * - `rubyGate()`: skip outside CI when missing; `assertAvailable()` fails under CI=true.
 * - `rubyClient()`: a HOME of its own (~/.gem/credentials, ~/.bundle) and GEM_HOME/GEM_PATH
 *   under it, so `gem`/`bundle` see no machine gems, no machine sources and no rubygems.org:
 *   only the registry under test, named on each command line or in a Gemfile.
 *
 * Only erasable TypeScript and node built-ins.
 */
import { spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIENT_PATH, clientGate, runCli, type CliResult } from "../harness.ts";
import { ensureDebianClients } from "./support/debian.ts";

/** The releases the suites are written against (wording of messages, compact index client). */
export const EXPECTED = { ruby: "3.1.", gem: "3.3.", bundle: "2.3." };

function versionOf(command: string, args: string[], pattern: RegExp): string | null {
  const run = spawnSync(command, args, { encoding: "utf8", env: { PATH: CLIENT_PATH, HOME: tmpdir() } });
  return run.status === 0 ? (pattern.exec(run.stdout)?.[1] ?? null) : null;
}

export function installedVersions(): { ruby: string | null; gem: string | null; bundle: string | null } {
  return {
    ruby: versionOf("ruby", ["--version"], /^ruby (\S+)/),
    gem: versionOf("gem", ["--version"], /^(\S+)/),
    bundle: versionOf("bundle", ["--version"], /Bundler version (\S+)/),
  };
}

export async function ensure(log: (line: string) => void): Promise<string[]> {
  const missing = ensureDebianClients({ ruby: "ruby", gem: "ruby", bundle: "bundler" }, log);
  if (missing.length) return missing;
  const versions = installedVersions();
  log(`ruby ${versions.ruby}, gem ${versions.gem}, bundler ${versions.bundle}`);
  const wrong = (Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]).filter((k) => !versions[k]?.startsWith(EXPECTED[k]));
  return wrong.map((k) => `${k} ${EXPECTED[k]}x (found ${versions[k] ?? "none"})`);
}

export const rubyGate = (): ReturnType<typeof clientGate> => {
  const gem = clientGate("gem");
  const bundle = clientGate("bundle");
  return { available: gem.available && bundle.available, skip: gem.skip || bundle.skip, assertAvailable: () => (gem.assertAvailable(), bundle.assertAvailable()) };
};

export interface RubyClient {
  home: string;
  gemHome: string;
  /** Runs `gem`, `bundle` or `ruby` with this client's environment. */
  run(command: "gem" | "bundle" | "ruby", args: readonly string[], options?: { cwd?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  /** Writes ~/.gem/credentials (mode 0600, as `gem` requires): push host → API key. */
  credentials(keys: Record<string, string>): Promise<void>;
  cleanup(): Promise<void>;
}

export async function rubyClient(): Promise<RubyClient> {
  const home = await mkdtemp(join(tmpdir(), "edge-registry-ruby-"));
  const gemHome = join(home, "gems");
  await mkdir(gemHome, { recursive: true });
  const env = {
    GEM_HOME: gemHome,
    GEM_PATH: gemHome,
    GEM_SPEC_CACHE: join(home, "spec-cache"),
    BUNDLE_USER_HOME: join(home, ".bundle"),
    // No ~/.gemrc of the machine; no documentation builds.
    GEMRC: join(home, ".gemrc"),
  };
  await writeFile(env.GEMRC, "---\ngem: --no-document\n:sources: []\n");
  return {
    home,
    gemHome,
    run: (command, args, options = {}) => runCli(command, args, { cwd: options.cwd ?? home, home, timeoutMs: options.timeoutMs ?? 180_000, env: { ...env, ...options.env } }),
    async credentials(keys) {
      const dir = join(home, ".gem");
      await mkdir(dir, { recursive: true });
      const file = join(dir, "credentials");
      await writeFile(file, `---\n${Object.entries(keys).map(([host, key]) => `${JSON.stringify(host)}: ${JSON.stringify(key)}\n`).join("")}`);
      await chmod(file, 0o600);
    },
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

export const output = (result: CliResult): string => `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;

/** Writes a gem project (`{name}.gemspec`, `lib/{file}.rb`) and returns its folder. */
export async function writeGemProject(dir: string, name: string, version: string, options: { lib: string; deps?: string[] }): Promise<string> {
  await mkdir(join(dir, "lib"), { recursive: true });
  const file = name.replace(/-/g, "_");
  await writeFile(join(dir, "lib", `${file}.rb`), options.lib);
  const deps = (options.deps ?? []).map((d) => `  s.add_runtime_dependency ${d}\n`).join("");
  await writeFile(
    join(dir, `${name}.gemspec`),
    `Gem::Specification.new do |s|\n  s.name = "${name}"\n  s.version = "${version}"\n  s.summary = "${name} for e2e"\n  s.authors = ["e2e"]\n  s.license = "MIT"\n  s.files = ["lib/${file}.rb"]\n${deps}end\n`,
  );
  return dir;
}
