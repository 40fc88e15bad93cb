/**
 * Test infrastructure, no tests: runs `npm start`'s production local server (scripts/start.mjs)
 * as a user would — its own secrets file (EDGE_REGISTRY_DEV_VARS) and state dir — and waits for
 * its banner. Used by local-server.test.ts and bench/server. Only erasable TypeScript, so plain
 * Node 24 imports it too.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./harness.ts";

export interface LocalServer {
  child: ChildProcess;
  /** "http://127.0.0.1:PORT", from the banner. */
  base: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

export async function startLocalServer(args: string[], varsFile: string, readyTimeoutMs = 240_000): Promise<LocalServer> {
  const child = spawn(process.execPath, [join(repoRoot, "scripts", "start.mjs"), ...args], {
    cwd: repoRoot,
    env: { ...process.env, EDGE_REGISTRY_DEV_VARS: varsFile },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (chunk) => (out += chunk));
  child.stderr?.on("data", (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let timer: NodeJS.Timeout | undefined;
  try {
    const base = await Promise.race([
      (async () => {
        for (;;) {
          const match = /Edge Registry on (http:\/\/\S+)/.exec(out);
          if (match?.[1]) return match[1];
          await new Promise((r) => setTimeout(r, 200));
        }
      })(),
      exited.then((code) => {
        throw new Error(`npm start exited (${code}) before it was ready:\n${out}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`npm start not ready in ${readyTimeoutMs / 1000} s:\n${out}`)), readyTimeoutMs);
      }),
    ]);
    return {
      child,
      base,
      output: () => out,
      exited,
      stop: () => {
        if (child.exitCode === null) child.kill("SIGTERM");
        return exited;
      },
    };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
