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
 * One registry per e2e run: test/e2e/global-setup.ts starts it once (vitest globalSetup) and
 * `provide`s its URL and admin token; inside a vitest run `startRegistry()` returns a handle
 * to that shared instance whose `stop()` does nothing, so each suite isolates itself by its own
 * repositories, users and tokens. A suite that needs its own Worker vars (`vars`), a live
 * `src/` (`source`) or `private: true` gets a private instance, as does any caller outside
 * vitest (bench/*.mjs).
 *
 * By default the Worker is bundled once (`wrangler deploy --dry-run --outdir`, the deploy
 * bundler) and served with `wrangler dev <bundle> --no-bundle` with config watching off, so
 * edits to src/ or wrangler.toml during a run cannot reload workerd mid-test. Set
 * E2E_WORKER_SOURCE=src to run `wrangler dev` straight from src/ (live reload) instead.
 *
 * Only erasable TypeScript (no enums, no parameter properties) and node built-ins, so plain
 * Node 24 can import this file too (bench/generic/run.mjs does).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
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

/** A running `wrangler dev` of any Worker. */
export interface WranglerDev {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  baseUrl: string;
  port: number;
  /** The temp directory holding D1/R2/DO state, the env file and wrangler's logs. */
  stateDir: string;
  /** Pid of the `wrangler dev` process (also the id of its process group). */
  pid: number;
  /** Everything wrangler and workerd printed so far (bounded). */
  logs(): string;
  /** Kills the whole process group and removes the state directory (unless E2E_KEEP_STATE=1). */
  stop(): Promise<void>;
}

/** The registry under `wrangler dev`, with the admin token it was started with. */
export interface Registry extends WranglerDev {
  adminToken: string;
}

/** A registry this process started: also where its log is written. */
export interface PrivateRegistry extends Registry {
  logFile: string;
}

export interface StartOptions {
  /** How long to wait for `GET /healthz` to answer 200; default 90 s. */
  readyTimeoutMs?: number;
  /** Extra Worker vars (e.g. MULTIPART_THRESHOLD_BYTES); passed in the env file. */
  vars?: Record<string, string>;
  /** Prefix of the temp state directory. */
  label?: string;
  /** `bundle` (default; env E2E_WORKER_SOURCE overrides): a frozen bundle; `src`: live src/. */
  source?: "bundle" | "src";
  /** A registry of its own even inside an e2e run (implied by `vars` and `source`). */
  private?: boolean;
  /** Also append everything wrangler prints to this file (the shared instance's log). */
  logFile?: string;
}

/** What global-setup.ts hands every suite about the shared registry (vitest `provide`). */
export interface SharedRegistryInfo {
  baseUrl: string;
  port: number;
  stateDir: string;
  pid: number;
  adminToken: string;
  logFile: string;
}

/** The key global-setup.ts provides the shared registry under. */
export const SHARED_REGISTRY_KEY = "edgeRegistryE2E";

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

/**
 * The registry for a suite: inside an e2e run (vitest, with global-setup.ts) the shared one,
 * whose `stop()` is a no-op; otherwise, or when `vars`/`source`/`private` ask for it, a
 * private one (see startPrivateRegistry).
 */
export async function startRegistry(options: StartOptions = {}): Promise<Registry> {
  const wantsPrivate = options.private === true || options.vars !== undefined || options.source !== undefined;
  if (!wantsPrivate) {
    const shared = await sharedRegistry();
    if (shared) return shared;
  }
  return startPrivateRegistry(options);
}

/** The instance global-setup.ts started, or null outside a vitest run that provides one. */
export async function sharedRegistry(): Promise<Registry | null> {
  if (!process.env["VITEST"]) return null;
  const { inject } = await import("vitest");
  const info = (inject as (key: string) => unknown)(SHARED_REGISTRY_KEY) as SharedRegistryInfo | undefined;
  if (!info) return null;
  return {
    ...info,
    logs: () => tailOfFile(info.logFile, LOG_LIMIT),
    // Shared by every suite of the run: global-setup.ts stops it after the last one.
    stop: async () => {},
  };
}

function tailOfFile(path: string, limit: number): string {
  try {
    const text = readFileSync(path, "utf8");
    return text.length > limit ? text.slice(text.length - limit) : text;
  } catch {
    return "";
  }
}

/** Applies migrations into a fresh state dir, starts `wrangler dev` and waits for /healthz. */
export async function startPrivateRegistry(options: StartOptions = {}): Promise<PrivateRegistry> {
  const stateDir = await mkdtemp(join(tmpdir(), `${options.label ?? "edge-registry-e2e"}-`));
  const persistTo = join(stateDir, "state");
  await mkdir(persistTo);
  const adminToken = `er_e2e_${randomBytes(24).toString("hex")}`;
  const logFile = options.logFile ?? join(stateDir, "wrangler-dev.log");
  const env = wranglerEnv(stateDir);
  const wrangler = (args: string[], what: string): void => {
    const run = spawnSync(nodeBinary(), [wranglerEntry(), ...args], { cwd: repoRoot, env, encoding: "utf8", timeout: 120_000 });
    if (run.status !== 0) throw new Error(`${what} failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  };
  const scriptArgs: string[] = [];
  try {
    wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], "wrangler d1 migrations apply");
    const source = options.source ?? (process.env["E2E_WORKER_SOURCE"] === "src" ? "src" : "bundle");
    if (source === "bundle") {
      const outdir = join(stateDir, "bundle");
      wrangler(["deploy", "--dry-run", "--outdir", outdir], "wrangler deploy --dry-run (bundling the Worker)");
      const entry = join(outdir, "index.js");
      if (!existsSync(entry)) throw new Error(`bundling wrote no ${entry}`);
      scriptArgs.push(entry, "--config", join(repoRoot, "wrangler.toml"), "--no-bundle");
    }
  } catch (error) {
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
  const dev = await startWranglerDev({
    stateDir,
    persistTo,
    args: scriptArgs,
    vars: { ADMIN_TOKEN: adminToken, CREDENTIALS_KEY: randomBytes(32).toString("base64"), ...options.vars },
    watch: scriptArgs.length === 0,
    logFile,
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    isReady: (status, body) => status === 200 && /"status"\s*:\s*"ok"/.test(body),
  });
  return { ...dev, adminToken, logFile };
}

export interface WranglerDevOptions {
  /** A fresh directory this call takes over: removed on stop() or when starting fails. */
  stateDir: string;
  /** Where local D1/R2/DO state lives (default `${stateDir}/state`). */
  persistTo?: string;
  /** Arguments right after `wrangler dev` (script, --config, --no-bundle, …). */
  args?: string[];
  /** Worker vars and secrets, written to an env file (so `.dev.vars` is never read). */
  vars?: Record<string, string>;
  /** false: no config watching (the script is a frozen bundle anyway). Default true. */
  watch?: boolean;
  /** Default 90 s. */
  readyTimeoutMs?: number;
  /** Path polled until ready (default /healthz). */
  readyPath?: string;
  /** Whether the answer to readyPath means ready (default: status 200). */
  isReady?: (status: number, body: string) => boolean;
  /** Also append everything wrangler prints to this file. */
  logFile?: string;
}

/** Starts `wrangler dev` on a free loopback port in its own process group and waits until ready. */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const { stateDir } = options;
  const persistTo = options.persistTo ?? join(stateDir, "state");
  try {
    await mkdir(persistTo, { recursive: true });
    const envFile = join(stateDir, "worker.env");
    await writeFile(envFile, Object.entries(options.vars ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(""), { mode: 0o600 });
    const env = wranglerEnv(stateDir);
    if (options.watch === false) env["WRANGLER_CI_DISABLE_CONFIG_WATCHING"] = "true";
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        return await launch({
          stateDir,
          env,
          port,
          args: [...(options.args ?? []), "--persist-to", persistTo, "--env-file", envFile],
          readyTimeoutMs: options.readyTimeoutMs ?? 90_000,
          readyPath: options.readyPath ?? "/healthz",
          isReady: options.isReady ?? ((status) => status === 200),
          ...(options.logFile === undefined ? {} : { logFile: options.logFile }),
        });
      } catch (error) {
        lastError = error;
        // Only a lost port race is worth retrying; anything else fails now.
        if (!(error instanceof EarlyExit) || !/EADDRINUSE|address already in use/i.test(error.message)) break;
      }
    }
    throw lastError;
  } catch (error) {
    if (process.env["E2E_KEEP_STATE"] !== "1") await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
}

class EarlyExit extends Error {}

interface LaunchInput {
  stateDir: string;
  env: NodeJS.ProcessEnv;
  port: number;
  args: string[];
  readyTimeoutMs: number;
  readyPath: string;
  isReady: (status: number, body: string) => boolean;
  logFile?: string;
}

async function launch(input: LaunchInput): Promise<WranglerDev> {
  const { stateDir, env, port, readyTimeoutMs } = input;
  const args = [
    wranglerEntry(), "dev", ...input.args,
    "--ip", "127.0.0.1",
    "--port", String(port),
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
  const logStream = input.logFile === undefined ? null : createWriteStream(input.logFile, { flags: "a" });
  const append = (chunk: Buffer): void => {
    logStream?.write(chunk);
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
    await new Promise<void>((done) => (logStream ? logStream.end(done) : done()));
    if (process.env["E2E_KEEP_STATE"] !== "1") await rm(stateDir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      const { code, signal } = exited as { code: number | null; signal: NodeJS.Signals | null };
      unregister();
      killGroup("SIGKILL");
      logStream?.end();
      throw new EarlyExit(`wrangler dev exited (${code ?? signal}) before it was ready:\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}${input.readyPath}`, { signal: AbortSignal.timeout(5_000) });
      if (input.isReady(res.status, await res.text())) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop().catch(() => {});
      throw new Error(`wrangler dev did not answer ${input.readyPath} within ${readyTimeoutMs} ms:\n${log}`);
    }
    await sleep(250);
  }
  return { baseUrl, port, stateDir, pid, logs: () => log, stop };
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
export async function api<T = unknown>(registry: Registry, path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<ApiResult<T>> {
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
export async function apiOk<T = unknown>(registry: Registry, expected: number, path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<T> {
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
      if (!available) throw new Error(`${command} is not installed (required in CI; test/e2e/clients/ installs it, run by .ci/run)`);
    },
  };
}
