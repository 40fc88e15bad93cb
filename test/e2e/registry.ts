/**
 * The registry under `wrangler dev` for the e2e suites and the benches.
 *
 * One registry per e2e run: test/e2e/global-setup.ts starts it once (vitest globalSetup) and
 * `provide`s its URL and admin token; inside a vitest run `startRegistry()` returns a handle
 * to that shared instance whose `stop()` does nothing, so each suite isolates itself by its own
 * repositories, users and tokens. A suite that needs its own Worker vars (`vars`), a live
 * `src/` (`source`) or `private: true` gets a private instance, as does any caller outside
 * vitest (bench/*.mjs). A private registry gets its own ADMIN_TOKEN and CREDENTIALS_KEY.
 *
 * By default the Worker is bundled once (`wrangler deploy --dry-run --outdir`, the deploy
 * bundler) and served with `wrangler dev <bundle> --no-bundle` with config watching off, so
 * edits to src/ or wrangler.toml during a run cannot reload workerd mid-test. Set
 * E2E_WORKER_SOURCE=src to run `wrangler dev` straight from src/ (live reload) instead.
 *
 * Only erasable TypeScript and node built-ins: plain Node 24 imports this through harness.ts.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOG_LIMIT, nodeBinary, repoRoot, startWranglerDev, type WranglerDev, wranglerEntry, wranglerEnv } from "./wrangler-dev.ts";

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
