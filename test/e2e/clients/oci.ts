/**
 * OCI clients for the e2e suites (no tests here):
 *
 * - skopeo, podman and docker-registry (CNCF distribution 2.8) from Debian (bookworm's versions;
 *   podman runs with vfs storage);
 * - crane v0.22.1 and oras v1.3.6, built with `go install` from the Go module proxy;
 * - the distribution-spec conformance suite (opencontainers/distribution-spec `conformance/`
 *   at a pinned pseudo-version), built with `go test -c`.
 *
 * Go tools go to `E2E_OCI_TOOLS_DIR` (default `.e2e/tools/oci`, git-ignored; `.ci/run` points it
 * at the user's cache so a kept machine builds them once). `ensure(log)` installs what is
 * missing and returns the names still missing; `ociTools()` gives the paths.
 *
 * Only erasable TypeScript and node built-ins (run by scripts/ensure-e2e-clients.mjs under Node 24).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../harness.ts";
import { ensureDebianClients } from "./support/debian.ts";

export const OCI_TOOL_PINS = {
  crane: { module: "github.com/google/go-containerregistry/cmd/crane", version: "v0.22.1" },
  oras: { module: "oras.land/oras/cmd/oras", version: "v1.3.6" },
  conformance: { module: "github.com/opencontainers/distribution-spec/conformance", version: "v0.0.0-20260831232431-97274622c111" },
} as const;

export const ociToolsDir = process.env["E2E_OCI_TOOLS_DIR"] ?? join(repoRoot, ".e2e", "tools", "oci");

export interface OciTools {
  crane: string;
  oras: string;
  conformance: string;
}

/** Paths of the Go-built tools; each file name carries its pin, so a new pin rebuilds. */
export function ociTools(dir = ociToolsDir): OciTools {
  return {
    crane: join(dir, `crane-${OCI_TOOL_PINS.crane.version}`),
    oras: join(dir, `oras-${OCI_TOOL_PINS.oras.version}`),
    conformance: join(dir, `conformance-${OCI_TOOL_PINS.conformance.version}.test`),
  };
}

function go(args: string[], cwd: string, env: Record<string, string>, log: (line: string) => void): boolean {
  log(`go ${args.join(" ")}`);
  const run = spawnSync("go", args, { cwd, env: { ...process.env, GOFLAGS: "-mod=mod", ...env }, encoding: "utf8", timeout: 900_000 });
  if (run.status !== 0) log(`go ${args[0]} failed (${run.status ?? run.signal}): ${(run.stderr || run.stdout).trim().split("\n").slice(-5).join(" | ")}`);
  return run.status === 0;
}

/** `go install module@version` into a temp GOBIN, then moved to its pinned file name. */
function goInstall(name: "crane" | "oras", target: string, log: (line: string) => void): void {
  const bin = mkdtempSync(join(tmpdir(), `oci-${name}-`));
  try {
    const pin = OCI_TOOL_PINS[name];
    if (go(["install", `${pin.module}@${pin.version}`], tmpdir(), { GOBIN: bin }, log)) {
      spawnSync("mv", [join(bin, name), target]);
    }
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

/** The conformance suite is a Go test: fetch its module, then `go test -c` in its directory. */
function buildConformance(target: string, log: (line: string) => void): void {
  const work = mkdtempSync(join(tmpdir(), "oci-conformance-"));
  try {
    const pin = OCI_TOOL_PINS.conformance;
    writeFileSync(join(work, "go.mod"), "module conformance-build\n\ngo 1.24\n");
    if (!go(["get", `${pin.module}@${pin.version}`], work, {}, log)) return;
    const dir = spawnSync("go", ["list", "-m", "-f", "{{.Dir}}", pin.module], { cwd: work, encoding: "utf8", env: { ...process.env, GOFLAGS: "-mod=mod" } }).stdout.trim();
    if (!dir) return log("go list found no module directory for the conformance suite");
    go(["test", "-c", "-o", target, "."], dir, {}, log);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function ensure(log: (line: string) => void): Promise<string[]> {
  // docker-registry (CNCF distribution 2.8): the token-auth upstream of oci-remote-skopeo.test.ts and the benches.
  const missing = ensureDebianClients({ skopeo: "skopeo", podman: "podman", "docker-registry": "docker-registry" }, log);
  mkdirSync(ociToolsDir, { recursive: true });
  const tools = ociTools();
  if (!existsSync(tools.crane)) goInstall("crane", tools.crane, log);
  if (!existsSync(tools.oras)) goInstall("oras", tools.oras, log);
  if (!existsSync(tools.conformance)) buildConformance(tools.conformance, log);
  for (const [name, path] of Object.entries(tools)) if (!existsSync(path)) missing.push(name);
  return missing;
}
