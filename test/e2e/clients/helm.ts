/**
 * e2e client: helm v3, built from source with the preinstalled Go
 * (`go install helm.sh/helm/v3/cmd/helm@HELM_VERSION`) into the git-ignored
 * `.e2e/tools/helm/bin` (E2E_HELM_TOOLS_DIR overrides). The build takes minutes on two
 * cores, so it is kept between runs and redone only when the binary is missing or reports
 * another version.
 *
 * API for the suites (helm classic repositories, and `helm push oci://` for OCI):
 * - `helmBinary()`: the binary's path, or null when not installed at the pinned version.
 * - `helmGate()`: skip outside CI when missing; `assertAvailable()` fails under CI=true.
 * - `runHelm(args, { home })`: runs helm with a scrubbed environment (harness `runCli`) and
 *   its config, cache and data dirs under `home` (a temp dir per client), so it talks only to
 *   the server under test and never reads the machine's helm repositories.
 *
 * Only erasable TypeScript and node built-ins.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { isCI, repoRoot, runCli, type CliOptions, type CliResult } from "../harness.ts";
import { goBinary } from "./go.ts";

export const HELM_VERSION = "v3.22.0";

export const helmToolsDir = process.env["E2E_HELM_TOOLS_DIR"] ?? join(repoRoot, ".e2e", "tools", "helm");

const binaryPath = (): string => join(helmToolsDir, "bin", "helm");

/** The installed helm's version string (`v3.22.0`), or null. */
function installedVersion(): string | null {
  if (!existsSync(binaryPath())) return null;
  const run = spawnSync(binaryPath(), ["version", "--template", "{{.Version}}"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin", HOME: helmToolsDir } });
  return run.status === 0 ? run.stdout.trim() : null;
}

/** Path of the pinned helm, or null when it is not installed at HELM_VERSION. */
export function helmBinary(): string | null {
  return installedVersion() === HELM_VERSION ? binaryPath() : null;
}

export async function ensure(log: (line: string) => void): Promise<string[]> {
  if (helmBinary()) {
    log(`helm ${HELM_VERSION} in ${binaryPath()}`);
    return [];
  }
  const go = goBinary();
  if (!go) {
    log("go is missing: helm is built with it");
    return [`helm@${HELM_VERSION}`];
  }
  mkdirSync(join(helmToolsDir, "bin"), { recursive: true });
  log(`building helm ${HELM_VERSION} with ${go} into ${helmToolsDir}/bin (a few minutes)`);
  const build = spawnSync(go, ["install", `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], {
    encoding: "utf8",
    env: { ...process.env, GOBIN: join(helmToolsDir, "bin"), GOFLAGS: "-buildvcs=false", CGO_ENABLED: "0" },
    timeout: 1_800_000,
  });
  if (build.status !== 0) log(`go install failed (${build.status ?? build.signal}):\n${`${build.stdout}\n${build.stderr}`.trim().split("\n").slice(-20).join("\n")}`);
  return helmBinary() ? [] : [`helm@${HELM_VERSION}`];
}

export function helmGate(): { binary: string | null; skip: boolean; assertAvailable(): string } {
  const binary = helmBinary();
  return {
    binary,
    skip: binary === null && !isCI(),
    assertAvailable() {
      if (!binary) throw new Error(`helm ${HELM_VERSION} is not installed (required in CI; test/e2e/clients/helm.ts builds it, run by .ci/run)`);
      return binary;
    },
  };
}

/** helm's own directories under `home`: nothing of the machine's helm setup is read. */
export function helmEnv(home: string): Record<string, string> {
  return {
    HELM_CONFIG_HOME: join(home, "helm-config"),
    HELM_CACHE_HOME: join(home, "helm-cache"),
    HELM_DATA_HOME: join(home, "helm-data"),
    HELM_REGISTRY_CONFIG: join(home, "helm-config", "registry", "config.json"),
    HELM_REPOSITORY_CONFIG: join(home, "helm-config", "repositories.yaml"),
    HELM_REPOSITORY_CACHE: join(home, "helm-cache", "repository"),
  };
}

/** Runs the pinned helm with a scrubbed environment and its directories under `options.home`. */
export async function runHelm(args: readonly string[], options: CliOptions & { home: string }): Promise<CliResult> {
  const binary = helmBinary();
  if (!binary) throw new Error(`helm ${HELM_VERSION} is not installed (test/e2e/clients/helm.ts)`);
  return runCli(binary, args, { ...options, env: { ...helmEnv(options.home), ...options.env } });
}
