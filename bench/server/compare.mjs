#!/usr/bin/env node
// A/B of one change: `npm run bench:server-compare -- <git-ref>` serves this checkout and <ref>
// (a temporary git worktree sharing this node_modules) side by side, both with `npm start` on
// the same seed as bench:server, and loads them in interleaved rounds (BENCH_ROUNDS, default 5;
// autocannon -c BENCH_CONNECTIONS 32 -d BENCH_DURATION 5 s after a 1 s warm-up), so both see the
// same machine noise. Prints the median req/s of each per request and the ratio this / <ref>,
// and the CPU per request of each side's workerd and of its `npm start` Node process (which
// writes the log lines), from /proc over the measured seconds: steadier than req/s on a
// machine whose two cores the load generator shares.
// BENCH_REQUESTS=a,b limits the requests to those whose names contain a or b. Everything
// started here is stopped here (the worktree too).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { autocannon } from "../lib/autocannon.mjs";
import { CALL_COUNT_VARS } from "../lib/call-counts.mjs";
import { cleanup, cleanups } from "../lib/cleanup.mjs";
import { cpuMicros } from "../lib/cpu.mjs";
import { startedWorkerds } from "../lib/rss.mjs";
import { REQUESTS, seed } from "./seed.mjs";

const { freePort, repoRoot } = await import("../../test/e2e/harness.ts");
const { ensureNpmTools } = await import("../../test/e2e/npm.ts");

const ref = process.argv[2];
if (!ref) {
  console.error("usage: npm run bench:server-compare -- <git-ref>");
  process.exit(2);
}
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const only = process.env.BENCH_REQUESTS?.split(",") ?? null;
const log = (...args) => console.log(...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** `npm start` of the checkout at `root` (its own scripts/start.mjs and local-server.ts), on a fresh state dir. */
async function serve(root, label) {
  const { startLocalServer } = await import(join(root, "test/e2e/local-server.ts"));
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  const varsFile = join(dir, "vars");
  writeFileSync(varsFile, `${Object.entries(CALL_COUNT_VARS).map(([k, v]) => `${k}="${v}"`).join("\n")}\n`);
  const port = await freePort();
  const { value: server, workerds } = await startedWorkerds(() => startLocalServer(["--port", String(port), "--persist-to", join(dir, "state")], varsFile), "worker");
  cleanups.push(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const adminToken = /ADMIN_TOKEN="([^"]+)"/.exec(readFileSync(varsFile, "utf8"))[1];
  return { baseUrl: server.base, adminToken, workerd: workerds.map((w) => w.pid), node: [server.child.pid] };
}


async function main() {
  const tools = ensureNpmTools({ log });
  const tree = join(mkdtempSync(join(tmpdir(), "edge-registry-compare-")), "tree");
  const git = (...args) => {
    const r = spawnSync("git", args, { cwd: repoRoot, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  git("worktree", "add", "--detach", tree, ref);
  cleanups.push(() => git("worktree", "remove", "--force", tree));
  symlinkSync(join(repoRoot, "node_modules"), join(tree, "node_modules"));
  const sides = [
    { name: "this checkout", registry: await serve(repoRoot, "this") },
    { name: `${ref} (${git("rev-parse", "--short", ref)})`, registry: await serve(tree, "ref") },
  ];
  for (const side of sides) await seed(side.registry);

  const requests = REQUESTS.filter((r) => !only || only.some((o) => r.name.includes(o)));
  const results = new Map();
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round}/${ROUNDS}`);
    for (const request of requests) {
      // Alternate which side goes first, so neither always runs on the warmer machine.
      for (const side of round % 2 ? sides : [...sides].reverse()) {
        const url = `${side.registry.baseUrl}${request.path}`;
        const headers = request.auth ? [`Authorization: Bearer ${side.registry.adminToken}`] : [];
        await autocannon(tools.autocannon, url, { connections: CONNECTIONS, duration: 1, headers });
        const before = [cpuMicros(side.registry.workerd), cpuMicros(side.registry.node)];
        const r = await autocannon(tools.autocannon, url, { connections: CONNECTIONS, duration: DURATION, headers });
        const cpu = [cpuMicros(side.registry.workerd) - before[0], cpuMicros(side.registry.node) - before[1]].map((us) => us / r.total);
        if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        const key = `${side.name}|${request.name}`;
        results.set(key, [...(results.get(key) ?? []), { rps: r.rps, workerd: cpu[0], node: cpu[1] }]);
      }
    }
  }
  log("");
  log(`autocannon -c ${CONNECTIONS} -d ${DURATION} (after 1 s warm-up), median of ${ROUNDS} interleaved rounds: req/s (all rounds in brackets); CPU µs per request of workerd + npm start's Node`);
  log(`| request | ${sides[0].name} req/s | ${sides[1].name} req/s | this / ref | this: µs workerd + node | ref: µs workerd + node | CPU this / ref |`);
  log("|---|---|---|---|---|---|---|");
  for (const request of requests) {
    const [a, b] = sides.map((side) => results.get(`${side.name}|${request.name}`));
    const rps = (runs) => median(runs.map((run) => run.rps));
    const cpu = (runs, part) => median(runs.map((run) => run[part]));
    const cpuCell = (runs) => `${fmt(cpu(runs, "workerd"))} + ${fmt(cpu(runs, "node"))}`;
    const total = (runs) => cpu(runs, "workerd") + cpu(runs, "node");
    log(
      `| ${request.name} | ${fmt(rps(a))} [${a.map((run) => fmt(run.rps)).join(", ")}] | ${fmt(rps(b))} [${b.map((run) => fmt(run.rps)).join(", ")}] | ${(rps(a) / rps(b)).toFixed(2)}x | ${cpuCell(a)} | ${cpuCell(b)} | ${(total(a) / total(b)).toFixed(2)}x |`,
    );
  }
}

try {
  await main();
} finally {
  await cleanup();
}
