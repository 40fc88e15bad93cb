/**
 * e2e client: schemathesis (the management API fuzzer of test/e2e/api-fuzz.test.ts), pinned
 * with its whole dependency tree (schemathesis.constraints.txt, a `pip freeze` of a fresh
 * install), in a venv in the user's cache home, named by version and constraints digest
 * (`~/.cache/edge-registry-e2e/schemathesis-4.32.5-<digest>`; E2E_SCHEMATHESIS_VENV
 * overrides), so a clean clone on a kept machine reuses it. pip runs with the machine's
 * environment, which is how PyPI is reached here.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../harness.ts";

export const SCHEMATHESIS_VERSION = "4.32.5";
const constraints = join(repoRoot, "test", "e2e", "clients", "schemathesis.constraints.txt");
const digest = createHash("sha256").update(readFileSync(constraints)).digest("hex").slice(0, 12);
const cacheHome = process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
export const schemathesisVenv = process.env["E2E_SCHEMATHESIS_VENV"] ?? join(cacheHome, "edge-registry-e2e", `schemathesis-${SCHEMATHESIS_VERSION}-${digest}`);
/** The `st` entry point inside the venv. */
export const schemathesisBin = join(schemathesisVenv, "bin", "st");

function installedVersion(): string | null {
  if (!existsSync(schemathesisBin)) return null;
  const run = spawnSync(schemathesisBin, ["--version"], { encoding: "utf8", timeout: 60_000 });
  return run.status === 0 ? (/(\d+\.\d+\.\d+)/.exec(run.stdout)?.[1] ?? null) : null;
}

function run(command: string, args: string[], log: (line: string) => void): boolean {
  log(`${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { env: process.env, encoding: "utf8", timeout: 600_000 });
  if (result.status !== 0) log(`failed (${result.status ?? result.signal}): ${`${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-10).join("\n")}`);
  return result.status === 0;
}

export async function ensure(log: (line: string) => void): Promise<string[]> {
  if (installedVersion() !== SCHEMATHESIS_VERSION) {
    const python = join(schemathesisVenv, "bin", "python");
    if (existsSync(python) || run("python3", ["-m", "venv", "--clear", schemathesisVenv], log)) {
      run(python, ["-m", "pip", "install", "-q", "--disable-pip-version-check", "-c", constraints, `schemathesis==${SCHEMATHESIS_VERSION}`], log);
    }
  }
  const version = installedVersion();
  if (version === SCHEMATHESIS_VERSION) {
    log(`schemathesis ${version} in ${schemathesisVenv}`);
    return [];
  }
  return [`schemathesis==${SCHEMATHESIS_VERSION}`];
}
