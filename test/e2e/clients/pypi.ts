/**
 * PyPI clients for e2e tests and bench/pypi (no tests here):
 *
 * - `ensure(log)`: pip, twine, uv and pypiserver, pinned, in a venv under the git-ignored
 *   `.e2e/tools/pypi` (E2E_PYPI_TOOLS_DIR overrides), installed with the machine's
 *   environment as it is (that is how PyPI is reached here); returns the names still
 *   missing. `.ci/run` calls it too, so CI and the suites use the same pins.
 * - `pypiToolsGate()`: outside CI a missing tool skips the suite; under CI=true
 *   `assertAvailable()` fails it.
 * - `pypiClient()`: runs the clients with a scrubbed environment (harness `runCli`: only
 *   PATH, HOME, LANG, TMPDIR) plus PIP_CONFIG_FILE=/dev/null, their own HOME, caches and
 *   config dirs under a temp dir, so they talk only to the server under test.
 * - `buildDistributions()`: a wheel and an sdist built with Python's stdlib
 *   (test/e2e/clients/pypi_dist.py; Metadata-Version 2.1, RECORD with hashes).
 *
 * Only erasable TypeScript and node built-ins, so bench/*.mjs can import it under Node 24.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isCI, repoRoot, runCli, type CliResult } from "../harness.ts";

export const PYPI_TOOL_PINS = {
  pip: "26.3",
  twine: "6.2.0",
  uv: "0.9.30",
  pypiserver: "2.4.2",
  // pypiserver's production WSGI server for the bench baseline (its fallback, wsgiref, is single-threaded).
  waitress: "3.0.2",
} as const;

export const pypiToolsDir = process.env["E2E_PYPI_TOOLS_DIR"] ?? join(repoRoot, ".e2e", "tools", "pypi");

const distScript = join(dirname(fileURLToPath(import.meta.url)), "pypi_dist.py");

export interface PypiTools {
  dir: string;
  python: string;
  twine: string;
  uv: string;
  pypiServer: string;
}

function toolPaths(dir = pypiToolsDir): PypiTools {
  const bin = join(dir, "bin");
  return { dir, python: join(bin, "python"), twine: join(bin, "twine"), uv: join(bin, "uv"), pypiServer: join(bin, "pypi-server") };
}

/** Names of pinned tools missing from the venv or at another version. */
export function missingPypiTools(dir = pypiToolsDir): string[] {
  const { python } = toolPaths(dir);
  if (!existsSync(python)) return Object.keys(PYPI_TOOL_PINS);
  const script = `import json, importlib.metadata as m
out = {}
for n in ${JSON.stringify(Object.keys(PYPI_TOOL_PINS))}:
    try: out[n] = m.version(n)
    except Exception: out[n] = None
print(json.dumps(out))`;
  const run = spawnSync(python, ["-c", script], { encoding: "utf8" });
  if (run.status !== 0) return Object.keys(PYPI_TOOL_PINS);
  const found = JSON.parse(run.stdout) as Record<string, string | null>;
  return Object.entries(PYPI_TOOL_PINS).filter(([name, version]) => found[name] !== version).map(([name]) => name);
}

/** Installs the pinned tools unless present; returns what is still missing. */
export async function ensure(log: (line: string) => void): Promise<string[]> {
  const dir = pypiToolsDir;
  const missing = missingPypiTools(dir);
  if (missing.length === 0) return [];
  log(`installing PyPI tools into ${dir} (${missing.join(", ")} missing or at another version)`);
  const { python } = toolPaths(dir);
  if (!existsSync(python)) {
    mkdirSync(dirname(dir), { recursive: true });
    const venv = spawnSync("python3", ["-m", "venv", dir], { encoding: "utf8", env: process.env, timeout: 300_000 });
    if (venv.status !== 0) {
      log(`python3 -m venv ${dir} failed: ${venv.stderr}`);
      return missingPypiTools(dir);
    }
  }
  const pins = Object.entries(PYPI_TOOL_PINS).map(([name, version]) => `${name}==${version}`);
  const install = spawnSync(python, ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", ...pins], { encoding: "utf8", env: process.env, timeout: 600_000 });
  if (install.status !== 0) log(`pip install ${pins.join(" ")} failed:\n${install.stdout}\n${install.stderr}`);
  return missingPypiTools(dir);
}

export function pypiToolsGate(): { tools: PypiTools | null; skip: boolean; assertAvailable(): PypiTools } {
  let missing: string[];
  try {
    missing = missingPypiTools();
  } catch (error) {
    missing = [String(error)];
  }
  const tools = missing.length === 0 ? toolPaths() : null;
  return {
    tools,
    skip: tools === null && !isCI(),
    assertAvailable() {
      if (!tools) throw new Error(`PyPI tools missing (${missing.join(", ")}); run ensure() from test/e2e/clients/pypi.ts (.ci/run does, required in CI)`);
      return tools;
    },
  };
}

export interface PypiClient {
  dir: string;
  tools: PypiTools;
  /** twine upload of files to `repositoryUrl` with the token as password (user `__token__`). */
  twineUpload(repositoryUrl: string, token: string, files: readonly string[], extraArgs?: readonly string[]): Promise<CliResult>;
  /** A fresh empty venv (no pip inside) for installs. */
  venv(name: string): Promise<string>;
  /** The pinned pip installing into `venv` from `indexUrl` only. */
  pipInstall(venv: string, indexUrl: string, args: readonly string[]): Promise<CliResult>;
  /** `uv pip install` into `venv` from `indexUrl` only. */
  uvInstall(venv: string, indexUrl: string, args: readonly string[]): Promise<CliResult>;
  /** The pinned pip with any arguments (runs in the tools venv). */
  pip(args: readonly string[]): Promise<CliResult>;
  /** Runs the venv's python. */
  python(venv: string, args: readonly string[]): Promise<CliResult>;
  cleanup(): Promise<void>;
}

export async function pypiClient(tools: PypiTools): Promise<PypiClient> {
  const dir = await mkdtemp(join(tmpdir(), "edge-registry-pypi-client-"));
  const home = join(dir, "home");
  await mkdir(home, { recursive: true });
  const env = {
    PIP_CONFIG_FILE: "/dev/null",
    PIP_NO_INPUT: "1",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_CACHE_DIR: join(dir, "pip-cache"),
    UV_CACHE_DIR: join(dir, "uv-cache"),
    UV_NO_CONFIG: "1",
    UV_PYTHON_DOWNLOADS: "never",
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_CACHE_HOME: join(dir, "cache"),
    TWINE_NON_INTERACTIVE: "1",
    PYTHONNOUSERSITE: "1",
  };
  const run = (command: string, args: readonly string[], timeoutMs = 180_000) => runCli(command, args, { home, cwd: dir, env, timeoutMs });
  return {
    dir,
    tools,
    twineUpload: (repositoryUrl, token, files, extraArgs = []) =>
      run(tools.twine, ["upload", "--non-interactive", "--disable-progress-bar", ...extraArgs, "--repository-url", repositoryUrl, "-u", "__token__", "-p", token, ...files]),
    async venv(name) {
      const path = join(dir, "venvs", name);
      const made = await run(tools.python, ["-m", "venv", "--without-pip", path]);
      if (made.code !== 0) throw new Error(`venv ${path}: ${made.stderr}`);
      return path;
    },
    pipInstall: (venv, indexUrl, args) =>
      run(tools.python, ["-m", "pip", "--python", join(venv, "bin", "python"), "install", "--no-cache-dir", "--index-url", indexUrl, ...args]),
    uvInstall: (venv, indexUrl, args) => run(tools.uv, ["pip", "install", "--python", join(venv, "bin", "python"), "--index-url", indexUrl, ...args]),
    pip: (args) => run(tools.python, ["-m", "pip", ...args]),
    python: (venv, args) => run(join(venv, "bin", "python"), args),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface DistributionSpec {
  name: string;
  version: string;
  /** Requires-Dist lines. */
  requires?: string[];
  requiresPython?: string;
  /** Module body written to `{module}/__init__.py`. */
  body?: string;
}

/** Builds a wheel and an sdist into `outDir` with Python's stdlib; returns their paths. */
export async function buildDistributions(python: string, outDir: string, spec: DistributionSpec): Promise<{ wheel: string; sdist: string }> {
  await mkdir(outDir, { recursive: true });
  const result = spawnSync(python, [distScript, outDir, JSON.stringify(spec)], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`pypi_dist.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { wheel: string; sdist: string };
}

export function output(result: CliResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
