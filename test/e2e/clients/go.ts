/**
 * e2e client: the preinstalled go (GO_MAJOR_MINOR, /usr/local/go/bin on these machines, which
 * is not on the clients' PATH: `goBinary()` finds it). Also the compiler test/e2e/clients/helm.ts
 * builds helm with.
 *
 * - `goBinary()`: path of a go of the expected release, or null.
 * - `goGate()`: skip outside CI when missing; `assertAvailable()` fails under CI=true.
 * - `goEnv(dir, proxy)`: the environment a suite runs go with: GOPROXY=<proxy>,off,
 *   GOSUMDB=off, GOFLAGS=-mod=mod, module cache, build cache and GOPATH under `dir`, so go talks
 *   only to the server under test.
 *
 * Only erasable TypeScript and node built-ins, so bench/*.mjs can import it under Node 24.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_PATH, isCI } from "../harness.ts";

/** The go release the suites are written against (module proxy protocol, error wording). */
export const GO_MAJOR_MINOR = "go1.26";

const CANDIDATES = [process.env["E2E_GO"], "/usr/local/go/bin/go", "/usr/lib/go/bin/go", "/usr/bin/go"];

function versionOf(binary: string): string | null {
  const run = spawnSync(binary, ["env", "GOVERSION"], { encoding: "utf8", env: { PATH: CLIENT_PATH, HOME: "/tmp" } });
  return run.status === 0 ? run.stdout.trim() : null;
}

/** Path of a go of GO_MAJOR_MINOR.x, or null. */
export function goBinary(): string | null {
  for (const candidate of CANDIDATES) {
    if (!candidate || !existsSync(candidate)) continue;
    const version = versionOf(candidate);
    if (version === GO_MAJOR_MINOR || version?.startsWith(`${GO_MAJOR_MINOR}.`)) return candidate;
  }
  return null;
}

export async function ensure(log: (line: string) => void): Promise<string[]> {
  const binary = goBinary();
  if (binary) {
    log(`${versionOf(binary)} at ${binary}`);
    return [];
  }
  log(`no ${GO_MAJOR_MINOR} found (looked at ${CANDIDATES.filter(Boolean).join(", ")}); it is preinstalled on these machines`);
  return [GO_MAJOR_MINOR];
}

export function goGate(): { binary: string | null; skip: boolean; assertAvailable(): string } {
  const binary = goBinary();
  return {
    binary,
    skip: binary === null && !isCI(),
    assertAvailable() {
      if (!binary) throw new Error(`${GO_MAJOR_MINOR} is not installed (required in CI; preinstalled on these machines, checked by test/e2e/clients/go.ts)`);
      return binary;
    },
  };
}

/** go's environment for a suite: only `proxy`, no checksum database, everything under `dir`. */
export function goEnv(dir: string, proxy: string): Record<string, string> {
  return {
    GOPROXY: `${proxy},off`,
    GOSUMDB: "off",
    GOFLAGS: "-mod=mod -buildvcs=false",
    GOTOOLCHAIN: "local",
    GOPATH: join(dir, "gopath"),
    GOMODCACHE: join(dir, "gomodcache"),
    GOCACHE: join(dir, "gocache"),
    GOENV: "off",
    CGO_ENABLED: "0",
  };
}
