#!/usr/bin/env node
// Server benchmark: `npm run bench:server`. The same Worker served three ways on this machine,
// every number from this one run, interleaved (BENCH_ROUNDS rounds, each target in turn):
//   - `npm start` (scripts/start.mjs: the bundle on workerd via Miniflare, no dev proxy),
//   - `npm run dev`'s `wrangler dev` (the bundle behind wrangler's development proxy; the e2e
//     harness's startRegistry, which serves the same `wrangler deploy --dry-run` bundle),
//   - the ceiling: a bare "hello" Worker on the same Miniflare, no bindings.
// Requests (autocannon -c BENCH_CONNECTIONS 32 -d BENCH_DURATION 5 s, after a 1 s warm-up):
// `/healthz` (one D1 and one R2 call), a 1 KiB file from a PUBLIC generic repository read
// anonymously, and the same from a PRIVATE repository with a Bearer token. Prints the median
// req/s per target and the ratios npm start / wrangler dev and npm start / bare Worker.
// BENCH_KEEP=1 keeps the temp dir. Everything started here is stopped here.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { autocannon } from "../lib/autocannon.mjs";
import { cleanup, cleanups } from "../lib/cleanup.mjs";

if (!process.features.typescript) {
  console.error("bench/server/run.mjs needs Node >= 22.18 with type stripping; run it with `npm run bench:server` (Node 24).");
  process.exit(2);
}
const { apiOk, freePort, startRegistry } = await import("../../test/e2e/harness.ts");
const { ensureNpmTools } = await import("../../test/e2e/npm.ts");
const { startLocalServer } = await import("../../test/e2e/local-server.ts");

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const log = (...args) => console.log(...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** A public and a private generic repository with one 1 KiB file each; returns the paths. */
async function seed(registry) {
  const token = registry.adminToken;
  const body = "x".repeat(1024);
  for (const visibility of ["public", "private"]) {
    await apiOk(registry, 201, "/repositories", { method: "POST", token, body: { name: `bench-${visibility}`, format: "generic", kind: "hosted", visibility } });
    const put = await fetch(`${registry.baseUrl}/generic/bench-${visibility}/tool/1.0.0/file.bin`, { method: "PUT", headers: { Authorization: `Bearer ${token}` }, body });
    if (put.status !== 201) throw new Error(`seed upload: ${put.status}`);
  }
}

async function main() {
  const tools = ensureNpmTools({ log });
  const dir = await mkdtemp(join(tmpdir(), "edge-registry-bench-server-"));
  cleanups.push(() => (process.env.BENCH_KEEP ? undefined : rm(dir, { recursive: true, force: true })));
  const loadAtStart = loadavg()[0].toFixed(2);

  const dev = await startRegistry({ label: "edge-registry-bench-server" });
  cleanups.push(() => dev.stop());
  await seed(dev);

  const varsFile = join(dir, "vars");
  const start = await startLocalServer(["--port", String(await freePort()), "--persist-to", join(dir, "state")], varsFile);
  cleanups.push(() => start.stop());
  const startRegistryHandle = { baseUrl: start.base, adminToken: /ADMIN_TOKEN="([^"]+)"/.exec(readFileSync(varsFile, "utf8"))[1] };
  await seed(startRegistryHandle);

  const barePort = await freePort();
  const bare = new Miniflare(
    convertV4MiniflareOptions({ modules: true, script: 'export default { fetch() { return new Response("hello"); } }', host: "127.0.0.1", port: barePort, cf: false, compatibilityDate: "2026-11-01" }),
  );
  await bare.ready;
  cleanups.push(() => bare.dispose());

  const targets = [
    { name: "npm start", base: start.base, token: startRegistryHandle.adminToken },
    { name: "wrangler dev", base: dev.baseUrl, token: dev.adminToken },
  ];
  const requests = [
    { name: "/healthz", path: "/healthz", auth: false },
    { name: "public 1 KiB file, anonymous", path: "/generic/bench-public/tool/1.0.0/file.bin", auth: false },
    { name: "private 1 KiB file, Bearer token", path: "/generic/bench-private/tool/1.0.0/file.bin", auth: true },
  ];
  const results = new Map();
  const record = (key, rps) => results.set(key, [...(results.get(key) ?? []), rps]);
  const run = async (url, headers) => {
    await autocannon(tools.autocannon, url, { connections: CONNECTIONS, duration: 1, headers });
    const r = await autocannon(tools.autocannon, url, { connections: CONNECTIONS, duration: DURATION, headers });
    if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return r.rps;
  };
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round}/${ROUNDS}`);
    record("bare", await run(`http://127.0.0.1:${barePort}/`, []));
    for (const request of requests) {
      for (const target of targets) {
        record(`${target.name}|${request.name}`, await run(`${target.base}${request.path}`, request.auth ? [`Authorization: Bearer ${target.token}`] : []));
      }
    }
  }

  const bareRps = median(results.get("bare"));
  log("");
  log(`node ${process.version}; ${spawnSync("nproc", { encoding: "utf8" }).stdout.trim()} cores; load average ${loadAtStart} at the start, ${loadavg()[0].toFixed(2)} at the end`);
  log(`autocannon -c ${CONNECTIONS} -d ${DURATION} (after 1 s warm-up), median of ${ROUNDS} interleaved rounds, req/s`);
  log(`bare "hello" Worker on Miniflare (the ceiling): ${fmt(bareRps)}`);
  log("");
  log("| request | npm start | wrangler dev | npm start / wrangler dev | npm start / bare Worker |");
  log("|---|---|---|---|---|");
  for (const request of requests) {
    const s = median(results.get(`npm start|${request.name}`));
    const d = median(results.get(`wrangler dev|${request.name}`));
    log(`| ${request.name} | ${fmt(s)} | ${fmt(d)} | ${(s / d).toFixed(2)}x | ${(s / bareRps).toFixed(2)}x |`);
  }
}

try {
  await main();
} finally {
  await cleanup();
}
