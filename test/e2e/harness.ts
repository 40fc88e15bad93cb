/**
 * End-to-end harness: runs the real Worker under `wrangler dev` (workerd, local D1/R2/DO)
 * on a free loopback port with a fresh state directory, and runs real clients (curl, …)
 * against it with a scrubbed environment.
 *
 * The registry gets its own ADMIN_TOKEN and CREDENTIALS_KEY through `--env-file`, which
 * makes wrangler skip the developer's `.dev.vars` entirely (never read, never written).
 * `wrangler dev` is started in its own process group; `stop()` signals the whole group so
 * no workerd child is left behind.
 *
 * Only erasable TypeScript (no enums, no parameter properties) and node built-ins, so plain
 * Node 24 can import this file too (bench/generic/run.mjs does).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** True when running in CI: there a missing client is a failure, not a skip. */
export function isCI(): boolean {
  const value = process.env["CI"];
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

export interface Registry {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  baseUrl: string;
  port: number;
  adminToken: string;
  /** The temp directory holding D1/R2/DO state, the env file and wrangler's log. */
  stateDir: string;
  /** Pid of the `wrangler dev` process (also the id of its process group). */
  pid: number;
  /** Everything wrangler and workerd printed so far (bounded). */
  logs(): string;
  /** Kills the whole process group and removes the state directory (unless E2E_KEEP_STATE=1). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** How long to wait for `GET /healthz` to answer 200; default 90 s. */
  readyTimeoutMs?: number;
  /** Extra Worker vars (e.g. MULTIPART_THRESHOLD_BYTES); passed in the env file. */
  vars?: Record<string, string>;
  /** Prefix of the temp state directory. */
  label?: string;
}

/** Asks the kernel for a free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error("no port assigned"))));
    });
  });
}

/** The Node that runs wrangler: the pinned `node` devDependency if present, else ours. */
function nodeBinary(): string {
  const pinned = join(repoRoot, "node_modules", "node", "bin", "node");
  return existsSync(pinned) ? pinned : process.execPath;
}

function wranglerEntry(): string {
  const entry = join(repoRoot, "node_modules", "wrangler", "bin", "wrangler.js");
  if (!existsSync(entry)) throw new Error(`wrangler not found at ${entry}; run npm ci first`);
  return entry;
}

/** Environment for wrangler: ours, minus anything that could reach a real account, plus quiet flags. */
function wranglerEnv(stateDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(CLOUDFLARE|CF)_/.test(key)) delete env[key];
  }
  return {
    ...env,
    CI: "true", // no interactive prompts (migrations apply)
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_LOG_PATH: join(stateDir, "wrangler-logs"),
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true",
  };
}

const LOG_LIMIT = 256 * 1024;

/** Applies migrations into a fresh state dir, starts `wrangler dev` and waits for /healthz. */
export async function startRegistry(options: StartOptions = {}): Promise<Registry> {
  const stateDir = await mkdtemp(join(tmpdir(), `${options.label ?? "edge-registry-e2e"}-`));
  const persistTo = join(stateDir, "state");
  await mkdir(persistTo);
  const adminToken = `er_e2e_${randomBytes(24).toString("hex")}`;
  const vars: Record<string, string> = {
    ADMIN_TOKEN: adminToken,
    CREDENTIALS_KEY: randomBytes(32).toString("base64"),
    ...options.vars,
  };
  const envFile = join(stateDir, "worker.env");
  await writeFile(envFile, Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(""), { mode: 0o600 });

  const env = wranglerEnv(stateDir);
  const migrate = spawnSync(nodeBinary(), [wranglerEntry(), "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], {
    cwd: repoRoot,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (migrate.status !== 0) {
    await rm(stateDir, { recursive: true, force: true });
    throw new Error(`wrangler d1 migrations apply failed (${migrate.status ?? migrate.signal}):\n${migrate.stdout}\n${migrate.stderr}`);
  }

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch({ stateDir, persistTo, envFile, env, port, adminToken, readyTimeoutMs: options.readyTimeoutMs ?? 90_000 });
    } catch (error) {
      lastError = error;
      // Only a lost port race is worth retrying; anything else fails now.
      if (!(error instanceof EarlyExit) || !/EADDRINUSE|address already in use/i.test(error.message)) break;
    }
  }
  if (process.env["E2E_KEEP_STATE"] !== "1") await rm(stateDir, { recursive: true, force: true });
  throw lastError;
}

class EarlyExit extends Error {}

interface LaunchInput {
  stateDir: string;
  persistTo: string;
  envFile: string;
  env: NodeJS.ProcessEnv;
  port: number;
  adminToken: string;
  readyTimeoutMs: number;
}

async function launch(input: LaunchInput): Promise<Registry> {
  const { stateDir, persistTo, envFile, env, port, adminToken, readyTimeoutMs } = input;
  const args = [
    wranglerEntry(), "dev",
    "--ip", "127.0.0.1",
    "--port", String(port),
    "--persist-to", persistTo,
    "--env-file", envFile,
    "--show-interactive-dev-session=false",
    "--log-level", "info",
  ];
  const child: ChildProcess = spawn(nodeBinary(), args, {
    cwd: repoRoot,
    env,
    detached: true, // own process group: stop() kills wrangler and every workerd it started
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const append = (chunk: Buffer): void => {
    log += chunk.toString("utf8");
    if (log.length > LOG_LIMIT) log = log.slice(log.length - LOG_LIMIT);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((done) =>
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      done();
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn wrangler dev");
  const unregister = registerForExit(pid);

  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    killGroup("SIGTERM");
    const timer = setTimeout(() => killGroup("SIGKILL"), 5_000);
    await exitPromise;
    clearTimeout(timer);
    // wrangler may exit before its workerd children: make sure the group is gone.
    killGroup("SIGKILL");
    unregister();
    if (process.env["E2E_KEEP_STATE"] !== "1") await rm(stateDir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      const { code, signal } = exited as { code: number | null; signal: NodeJS.Signals | null };
      unregister();
      killGroup("SIGKILL");
      throw new EarlyExit(`wrangler dev exited (${code ?? signal}) before it was ready:\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
      const body = await res.text();
      if (res.status === 200 && JSON.parse(body).status === "ok") break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer /healthz within ${readyTimeoutMs} ms:\n${log}`);
    }
    await sleep(250);
  }
  return { baseUrl, port, adminToken, stateDir, pid, logs: () => log, stop };
}

/** Last-resort cleanup if the test process exits without calling stop(). */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function registerForExit(pid: number): () => void {
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const group of liveGroups) {
        try {
          process.kill(-group, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    });
  }
  return () => liveGroups.delete(pid);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

// ---------------------------------------------------------------------------------------
// Management API helpers
// ---------------------------------------------------------------------------------------

export interface ApiResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A JSON call to `/api/v1{path}` with `token` (default: the admin token; null: anonymous). */
export async function api<T = any>(registry: Registry, path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<ApiResult<T>> {
  const headers = new Headers();
  const token = init.token === undefined ? registry.adminToken : init.token;
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  const res = await fetch(`${registry.baseUrl}/api/v1${path}`, {
    method: init.method ?? "GET",
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, body: body as T, text };
}

/** `api()` that throws unless the status is `expected`. */
export async function apiOk<T = any>(registry: Registry, expected: number, path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<T> {
  const res = await api<T>(registry, path, init);
  if (res.status !== expected) throw new Error(`${init.method ?? "GET"} /api/v1${path}: expected ${expected}, got ${res.status} ${res.text}`);
  return res.body;
}

// ---------------------------------------------------------------------------------------
// Running real clients
// ---------------------------------------------------------------------------------------

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
      if (!available) throw new Error(`${command} is not installed (required in CI; see E2E_APT_PACKAGES in .ci/run)`);
    },
  };
}
