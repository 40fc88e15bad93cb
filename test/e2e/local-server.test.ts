/**
 * `npm start`, the production local server (scripts/start.mjs): workerd through Miniflare's
 * API without wrangler dev's proxy. Starts it as a user would (node scripts/start.mjs with a
 * fresh state dir and secrets file), uses it, stops it with SIGTERM, starts it again on the
 * same state and finds the data there. Its cron trigger fires on schedule ("* * * * *" here,
 * so the test waits for the next minute boundary).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, repoRoot } from "./harness.ts";
import { type LocalServer, startLocalServer } from "./local-server.ts";
import { ensureNpmTools } from "./npm.ts";

const dirs: string[] = [];
const running: LocalServer[] = [];

async function startServer(args: string[], varsFile: string): Promise<LocalServer> {
  const server = await startLocalServer(args, varsFile);
  running.push(server);
  return server;
}

/** `autocannon -c 32 -d seconds -j` against `url`, its JSON summary; killed if it outlives the run by 30 s. */
async function runAutocannon(bin: string, url: string, seconds: number, headers: string[]) {
  const child = spawn(process.execPath, [bin, "-c", "32", "-d", String(seconds), "-j", ...headers.flatMap((h) => ["-H", h]), url], { stdio: ["ignore", "pipe", "ignore"] });
  let out = "";
  child.stdout?.on("data", (chunk) => (out += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), (seconds + 30) * 1000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`autocannon exited ${code}: the server stopped answering?`);
  return JSON.parse(out) as { requests: { total: number }; non2xx: number; errors: number; timeouts: number };
}

afterAll(async () => {
  for (const server of running) if (server.child.exitCode === null) server.child.kill("SIGKILL");
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("npm start: the production local server", () => {
  it("serves with persistent state, logs JSON lines, fires its cron trigger and stops cleanly", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edge-registry-start-"));
    dirs.push(dir);
    const varsFile = join(dir, "vars");
    const state = join(dir, "state");

    const first = await startServer(["--port", String(await freePort()), "--persist-to", state, "--cron", "* * * * *"], varsFile);
    const token = /ADMIN_TOKEN="([^"]+)"/.exec(readFileSync(varsFile, "utf8"))?.[1];
    expect(token).toMatch(/^er_admin_/);
    expect(first.output()).toContain(`admin token: ${token}`);
    expect(first.output()).toContain('cron triggers: "* * * * *" (UTC)');
    const auth = { Authorization: `Bearer ${token}` };

    expect((await fetch(`${first.base}/healthz`)).status).toBe(200);
    const created = await fetch(`${first.base}/api/v1/repositories`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "start-files", format: "generic", kind: "hosted", visibility: "private" }),
    });
    expect(created.status).toBe(201);
    const put = await fetch(`${first.base}/generic/start-files/tool/1.0.0/hello.txt`, { method: "PUT", headers: auth, body: "hello from npm start" });
    expect(put.status).toBe(201);
    expect((await fetch(`${first.base}/generic/start-files/tool/1.0.0/hello.txt`)).status).toBe(404); // private: anonymous sees nothing

    // One JSON line per request on stdout.
    const logLine = first
      .output()
      .split("\n")
      .find((line) => line.includes('"path":"/generic/start-files/tool/1.0.0/hello.txt"') && line.includes('"method":"PUT"'));
    expect(logLine && JSON.parse(logLine)).toMatchObject({ status: 201, repo: "start-files" });

    // The cron trigger fires at the next minute boundary and reports its outcome — under load:
    // the server must keep answering while it fires. It once deadlocked there: Node blocked in
    // Miniflare's synchronous proxy while workerd blocked writing log lines (scripts/start.mjs).
    // Warm reads from autocannon (a Node fetch loop in this process is too slow to show it).
    const seconds = 61 - new Date().getSeconds() + 3;
    const load = await runAutocannon(ensureNpmTools().autocannon, `${first.base}/generic/start-files/tool/1.0.0/hello.txt`, seconds, [`Authorization: Bearer ${token}`]);
    expect(load.requests.total).toBeGreaterThan(0);
    expect({ non2xx: load.non2xx, errors: load.errors, timeouts: load.timeouts }).toEqual({ non2xx: 0, errors: 0, timeouts: 0 });
    expect((await fetch(`${first.base}/healthz`, { signal: AbortSignal.timeout(15_000) })).status).toBe(200);
    const deadline = Date.now() + 15_000;
    while (!first.output().includes('"cron":"* * * * *"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    const cronLine = first
      .output()
      .split("\n")
      .find((line) => line.startsWith('{"cron"'));
    expect(cronLine && JSON.parse(cronLine)).toMatchObject({ cron: "* * * * *", outcome: "ok" });

    expect(await first.stop()).toBe(0);

    // Same state, new process: the file is still there; the schedule is wrangler.toml's.
    const second = await startServer(["--port", String(await freePort()), "--persist-to", state], varsFile);
    try {
      const read = await fetch(`${second.base}/generic/start-files/tool/1.0.0/hello.txt`, { headers: auth });
      expect(read.status).toBe(200);
      expect(await read.text()).toBe("hello from npm start");
      expect(second.output()).toContain('cron triggers: "17 * * * *" (UTC)');
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 600_000);

  it("refuses an option it does not know, naming npm run dev for wrangler dev's options", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edge-registry-start-"));
    dirs.push(dir);
    const child = spawn(process.execPath, [join(repoRoot, "scripts", "start.mjs"), "--local-protocol", "https"], {
      cwd: repoRoot,
      env: { ...process.env, EDGE_REGISTRY_DEV_VARS: join(dir, "vars") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr?.on("data", (chunk) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(err).toContain("unknown option --local-protocol");
    expect(err).toContain("npm run dev");
  });
});
