/**
 * Running real clients (curl, npm, …) with a scrubbed environment, and gating a suite on
 * whether its client is installed (a skip outside CI, a failure in CI).
 *
 * Only erasable TypeScript and node built-ins: plain Node 24 imports this through harness.ts.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** True when running in CI: there a missing client is a failure, not a skip. */
export function isCI(): boolean {
  const value = process.env["CI"];
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

/** The only PATH clients see: system directories, never node_modules/.bin. */
export const CLIENT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time of the run in milliseconds. */
  ms: number;
}

export interface CliOptions {
  /** Working directory; default: the HOME temp dir. */
  cwd?: string;
  /** HOME for the client; default: a fresh temp dir created per call (so no ~/.curlrc, ~/.netrc, …). */
  home?: string;
  /** Extra variables on top of the allow-list (PATH, HOME, LANG, TMPDIR). */
  env?: Record<string, string>;
  /** Written to stdin, then stdin is closed. */
  input?: string | Uint8Array;
  /** Killed with SIGKILL after this long; default 120 s. */
  timeoutMs?: number;
}

/**
 * Runs a CLI with a scrubbed environment (`env -i` style): only PATH, HOME, LANG and TMPDIR
 * are set, plus `options.env`. Captures stdout, stderr and the exit code; never throws on a
 * non-zero exit.
 */
export async function runCli(command: string, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const ownHome = options.home === undefined ? await mkdtemp(join(tmpdir(), "edge-registry-cli-home-")) : undefined;
  const home = options.home ?? ownHome ?? tmpdir();
  const env: Record<string, string> = { PATH: CLIENT_PATH, HOME: home, LANG: "C.UTF-8", TMPDIR: tmpdir(), ...options.env };
  const started = Date.now();
  try {
    return await new Promise<CliResult>((done, reject) => {
      const child = spawn(command, [...args], { cwd: options.cwd ?? home, env, stdio: ["pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (c: Buffer) => out.push(c));
      child.stderr.on("data", (c: Buffer) => err.push(c));
      child.stdin.on("error", () => {}); // the client may exit before reading stdin
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        done({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), ms: Date.now() - started });
      });
      if (options.input !== undefined) child.stdin.end(options.input);
      else child.stdin.end();
    });
  } finally {
    if (ownHome) await rm(ownHome, { recursive: true, force: true });
  }
}

/** Whether `command` is on the clients' PATH. */
export function hasClient(command: string): boolean {
  const found = spawnSync("sh", ["-c", `command -v "$0"`, command], { env: { PATH: CLIENT_PATH }, encoding: "utf8" });
  return found.status === 0 && found.stdout.trim() !== "";
}

/**
 * Gate for a suite that needs `command`: `skip` is true only outside CI when it is missing;
 * in CI call `assertAvailable()` in beforeAll so a missing client fails the run.
 */
export function clientGate(command: string): { available: boolean; skip: boolean; assertAvailable(): void } {
  const available = hasClient(command);
  return {
    available,
    skip: !available && !isCI(),
    assertAvailable() {
      if (!available) throw new Error(`${command} is not installed (required in CI; test/e2e/clients/ installs it, run by .ci/run)`);
    },
  };
}
