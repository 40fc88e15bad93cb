/**
 * `wrangler dev` of any Worker, for the e2e suites and the benches: started on a free loopback
 * port in its own process group with a scrubbed environment (no Cloudflare account variables)
 * and its vars in an `--env-file` (so wrangler skips the developer's `.dev.vars` entirely,
 * never read, never written), polled until ready; `stop()` signals the whole group so no
 * workerd child is left behind, and a last-resort exit hook kills any group still alive.
 * Also `repoRoot`, `freePort()` and `sleep()`.
 *
 * Only erasable TypeScript and node built-ins: plain Node 24 imports this through harness.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is test/e2e/wrangler-dev.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

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
export function nodeBinary(): string {
  const pinned = join(repoRoot, "node_modules", "node", "bin", "node");
  return existsSync(pinned) ? pinned : process.execPath;
}

export function wranglerEntry(): string {
  const entry = join(repoRoot, "node_modules", "wrangler", "bin", "wrangler.js");
  if (!existsSync(entry)) throw new Error(`wrangler not found at ${entry}; run npm ci first`);
  return entry;
}

/** Environment for wrangler: ours, minus anything that could reach a real account, plus quiet flags. */
export function wranglerEnv(stateDir: string): NodeJS.ProcessEnv {
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

/** How much of wrangler's output a handle keeps for `logs()`. */
export const LOG_LIMIT = 256 * 1024;

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
