/**
 * Cargo for e2e tests and bench/cargo (no tests here): cargo 1.95.0 from rustup's
 * `1.95.0` toolchain (preinstalled on this machine; `ensure` installs it with
 * `rustup toolchain install 1.95.0 --profile minimal` when rustup is there, and otherwise
 * says what to install). Debian's cargo is too old for sparse registries with auth.
 *
 * `cargoClient()` runs the toolchain's own `cargo` binary (not the rustup proxy, which
 * would need the machine's HOME) with a scrubbed environment (harness `runCli`): its own
 * CARGO_HOME (config.toml + credentials.toml written by the suite), the toolchain's bin
 * directory first on PATH, `CARGO_TARGET_DIR` per call site, no network but the registry
 * under test.
 *
 * Only erasable TypeScript and node built-ins, so bench/*.mjs can import it under Node 24.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { CLIENT_PATH, isCI, runCli, type CliResult } from "../harness.ts";

export const CARGO_VERSION = "1.95.0";
const rustupHome = process.env["RUSTUP_HOME"] ?? join(homedir(), ".rustup");
const toolchainBin = join(rustupHome, "toolchains", `${CARGO_VERSION}-x86_64-unknown-linux-gnu`, "bin");
const rustup = [process.env["CARGO_HOME"] ? join(process.env["CARGO_HOME"], "bin", "rustup") : "", join(homedir(), ".cargo", "bin", "rustup"), "rustup"].filter(Boolean);

export const cargoBinary = join(toolchainBin, "cargo");

function installedVersion(): string | null {
  if (!existsSync(cargoBinary)) return null;
  const result = spawnSync(cargoBinary, ["--version"], { encoding: "utf8", env: { PATH: `${toolchainBin}:${CLIENT_PATH}` } });
  return /^cargo (\S+)/.exec(result.stdout ?? "")?.[1] ?? null;
}

export async function ensure(log: (line: string) => void): Promise<string[]> {
  if (installedVersion() === CARGO_VERSION) return [];
  const found = rustup.find((r) => r === "rustup" || existsSync(r));
  if (found) {
    log(`installing the Rust ${CARGO_VERSION} toolchain with ${found}`);
    const result = spawnSync(found, ["toolchain", "install", CARGO_VERSION, "--profile", "minimal"], { stdio: "inherit" });
    if (result.status === 0 && installedVersion() === CARGO_VERSION) return [];
  }
  log(`cargo ${CARGO_VERSION} missing: install rustup (https://rustup.rs), then \`rustup toolchain install ${CARGO_VERSION} --profile minimal\` (RUSTUP_HOME=${rustupHome})`);
  return [`cargo ${CARGO_VERSION}`];
}

/** Outside CI a missing toolchain skips the suite; under CI=true `assertAvailable()` fails it. */
export function cargoGate(): { skip: boolean; assertAvailable(): void } {
  const available = installedVersion() === CARGO_VERSION;
  return {
    skip: !available && !isCI(),
    assertAvailable() {
      if (!available) throw new Error(`cargo ${CARGO_VERSION} is not installed (test/e2e/clients/cargo.ts installs it; .ci/run runs it)`);
    },
  };
}

export interface CargoRegistry {
  /** Name in `[registries.<name>]`. */
  name: string;
  /** `http://host/cargo/{repo}/index/` (sparse+ is added). */
  indexUrl: string;
  token?: string;
}

export interface CargoClient {
  home: string;
  run(args: readonly string[], options: { cwd: string; timeoutMs?: number; env?: Record<string, string> }): Promise<CliResult>;
  cleanup(): Promise<void>;
}

/** A cargo with its own CARGO_HOME, configured for `registries` (config.toml + credentials.toml). */
export async function cargoClient(registries: readonly CargoRegistry[]): Promise<CargoClient> {
  const home = await mkdtemp(join(tmpdir(), "edge-registry-cargo-"));
  const cargoHome = join(home, "cargo-home");
  await mkdir(cargoHome, { recursive: true });
  const config = registries.map((r) => `[registries.${r.name}]\nindex = "sparse+${r.indexUrl}"\n`).join("\n");
  // Registries with `auth-required` need a credential provider configured (cargo ≥ 1.74):
  // `cargo:token` reads credentials.toml.
  await writeFile(join(cargoHome, "config.toml"), `${config}\n[registry]\nglobal-credential-providers = ["cargo:token"]\n\n[net]\nretry = 0\n\n[term]\ncolor = "never"\n`);
  const credentials = registries.filter((r) => r.token).map((r) => `[registries.${r.name}]\ntoken = "${r.token}"\n`).join("\n");
  await writeFile(join(cargoHome, "credentials.toml"), credentials);
  return {
    home,
    run: (args, options) =>
      runCli(cargoBinary, args, {
        cwd: options.cwd,
        home,
        timeoutMs: options.timeoutMs ?? 300_000,
        env: { PATH: `${toolchainBin}:${CLIENT_PATH}`, CARGO_HOME: cargoHome, RUSTC: join(toolchainBin, "rustc"), CARGO_TERM_COLOR: "never", ...options.env },
      }),
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

export const output = (result: CliResult): string => `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;

/** Writes a library crate `name` `version` (lib.rs returning `value`) with `deps` lines for [dependencies]. */
export async function writeCrate(dir: string, name: string, version: string, options: { lib?: string; main?: string; deps?: string[]; publishTo?: string } = {}): Promise<string> {
  await mkdir(join(dir, "src"), { recursive: true });
  const publish = options.publishTo ? `publish = ["${options.publishTo}"]\n` : "";
  await writeFile(
    join(dir, "Cargo.toml"),
    `[package]\nname = "${name}"\nversion = "${version}"\nedition = "2021"\ndescription = "${name} for e2e"\nlicense = "MIT"\n${publish}\n[dependencies]\n${(options.deps ?? []).join("\n")}\n`,
  );
  if (options.lib !== undefined) await writeFile(join(dir, "src", "lib.rs"), options.lib);
  if (options.main !== undefined) await writeFile(join(dir, "src", "main.rs"), options.main);
  return dir;
}
