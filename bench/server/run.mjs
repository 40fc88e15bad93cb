#!/usr/bin/env node
// Server benchmark: `npm run bench:server`. The same Worker served several ways on this machine,
// every number from this one run, interleaved (BENCH_ROUNDS rounds, each target in turn):
//   - `npm start` (scripts/start.mjs: the bundle on workerd via Miniflare, no dev proxy),
//   - the same with the warm read caches off (REPOSITORY_CACHE_SECONDS=0, READ_CACHE_MIB=0):
//     the read path before them, as a "before" column measured under the same load,
//   - `npm run dev`'s `wrangler dev` (BENCH_DEV=0 leaves it out),
//   - references: a bare "hello" Worker served like `npm start` serves ours (Miniflare, a direct
//     socket; the runtime's ceiling), a Worker that only gives the registry's public 1 KiB answer
//     (same body, headers and log line: the least that answer costs any Worker), and
//     Verdaccio 6.8 serving the same small packument (issue 15's target for small documents).
// Requests (autocannon -c BENCH_CONNECTIONS 32 -d BENCH_DURATION 5 s, after a 1 s warm-up):
// `/healthz` (one D1 and one R2 call), a 1 KiB file from a PUBLIC generic repository read
// anonymously, the same from a PRIVATE repository with a Bearer token, a small public hosted
// npm packument (5 versions, full) and a public hosted PyPI simple page (3 files), anonymous.
// Every registry runs with D1_ROUND_TRIPS_HEADER=1, so after each target's runs one more request
// reads its binding calls (D1 statements and round trips, R2, Durable Objects) from the headers.
// Prints the median req/s per target, the calls per request and the ratios.
// BENCH_KEEP=1 keeps the temp dirs. Everything started here is stopped here.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { autocannon } from "../lib/autocannon.mjs";
import { CALL_COUNT_VARS, callCounts, formatCalls } from "../lib/call-counts.mjs";
import { cleanup, cleanups } from "../lib/cleanup.mjs";
import { startNpmStart } from "../lib/registry.mjs";

if (!process.features.typescript) {
  console.error("bench/server/run.mjs needs Node >= 22.18 with type stripping; run it with `npm run bench:server` (Node 24).");
  process.exit(2);
}
import { PUBLIC_FILE, REQUESTS, SMALL_VERSIONS, seed } from "./seed.mjs";

const { freePort, startRegistry } = await import("../../test/e2e/harness.ts");
const { ensureNpmTools, publishOverHttp, startVerdaccio } = await import("../../test/e2e/npm.ts");

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WITH_DEV = process.env.BENCH_DEV !== "0";
const log = (...args) => console.log(...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** A Worker script answering what `url` answers (warm: body and headers) and logging as the registry does. */
async function sameAnswerScript(url) {
  await fetch(url);
  const res = await fetch(url);
  const body = await res.text();
  const headers = [...res.headers].filter(([name]) => !["x-request-id", "date", "connection", "keep-alive"].includes(name) && !name.startsWith("x-d1-") && !["x-r2-calls", "x-do-calls"].includes(name));
  return `const body = new TextEncoder().encode(${JSON.stringify(body)});
const stored = new Headers(${JSON.stringify(headers)});
export default {
  fetch(request) {
    const started = Date.now();
    const headers = new Headers(stored);
    const id = crypto.randomUUID();
    headers.set("X-Request-Id", id);
    const response = new Response(body, { headers });
    const path = new URL(request.url).pathname;
    console.log(JSON.stringify({ id, method: request.method, path, repo: "bench-public", status: 200, ms: Date.now() - started, bytes: body.byteLength }));
    return response;
  },
};`;
}

async function main() {
  const tools = ensureNpmTools({ log });
  const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(" ");

  const targets = [
    { name: "npm start", registry: await startNpmStart("edge-registry-bench-start") },
    { name: "caches off", registry: await startNpmStart("edge-registry-bench-start-off", { REPOSITORY_CACHE_SECONDS: "0", READ_CACHE_MIB: "0" }) },
  ];
  for (const target of targets) cleanups.push(() => target.registry.stop());
  if (WITH_DEV) {
    const dev = await startRegistry({ label: "edge-registry-bench-server", vars: CALL_COUNT_VARS });
    cleanups.push(() => dev.stop());
    targets.push({ name: "wrangler dev", registry: dev });
  }
  for (const target of targets) await seed(target.registry);

  const verdaccio = await startVerdaccio(tools, { label: "edge-registry-bench-server-verdaccio" });
  cleanups.push(() => verdaccio.stop());
  const vToken = await verdaccio.addUser("bench", "bench-password");
  for (const version of SMALL_VERSIONS) await publishOverHttp(`${verdaccio.baseUrl}/`, vToken, { name: "bench-small", version });

  // Served as `npm start` serves the registry: a direct socket into the Worker (no Miniflare entry hop).
  // "bare": the runtime's ceiling. "same answer": a Worker that does nothing but answer what
  // the registry answers for the public 1 KiB file (its body and every header, a fresh
  // X-Request-Id) and write the same JSON log line — the least any Worker giving that answer costs.
  const barePort = await freePort();
  const sameAnswerPort = await freePort();
  const script = 'export default { fetch() { return new Response("hello"); } }';
  const bare = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      cf: false,
      // The same-answer Worker's log lines are parsed as npm start's are, but not printed here.
      handleStructuredLogs: () => {},
      workers: [
        { name: "bare", modules: true, script, compatibilityDate: "2026-11-01", unsafeDirectSockets: [{ host: "127.0.0.1", port: barePort }] },
        { name: "same-answer", modules: true, script: await sameAnswerScript(`${targets[0].registry.baseUrl}${PUBLIC_FILE}`), compatibilityDate: "2026-11-01", unsafeDirectSockets: [{ host: "127.0.0.1", port: sameAnswerPort }] },
      ],
    }),
  );
  await bare.ready;
  cleanups.push(() => bare.dispose());

  const requests = REQUESTS;
  const results = new Map();
  const calls = new Map();
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
    record("same answer", await run(`http://127.0.0.1:${sameAnswerPort}${PUBLIC_FILE}`, []));
    record("verdaccio", await run(`${verdaccio.baseUrl}/bench-small`, []));
    for (const request of requests) {
      for (const target of targets) {
        const url = `${target.registry.baseUrl}${request.path}`;
        const headers = request.auth ? [`Authorization: Bearer ${target.registry.adminToken}`] : [];
        record(`${target.name}|${request.name}`, await run(url, headers));
        calls.set(`${target.name}|${request.name}`, await callCounts(url, headers));
      }
    }
  }

  const bareRps = median(results.get("bare"));
  const sameAnswerRps = median(results.get("same answer"));
  const verdaccioRps = median(results.get("verdaccio"));
  const rps = (target, request) => median(results.get(`${target}|${request.name}`));
  log("");
  log(`node ${process.version}; ${spawnSync("nproc", { encoding: "utf8" }).stdout.trim()} cores; load average (1/5/15 min) ${loadAtStart} at the start, ${loadavg().map((l) => l.toFixed(2)).join(" ")} at the end`);
  log(`autocannon -c ${CONNECTIONS} -d ${DURATION} (after 1 s warm-up), median of ${ROUNDS} interleaved rounds, req/s`);
  log(`references: bare "hello" Worker on Miniflare ${fmt(bareRps)}; a Worker giving only the registry's public 1 KiB answer (same body, headers and log line) ${fmt(sameAnswerRps)} (${(sameAnswerRps / bareRps).toFixed(2)}x the bare Worker); Verdaccio 6.8 small packument ${fmt(verdaccioRps)}`);
  log("calls per request: D1 statements (sequential round trips) · R2 calls · Durable Object calls, from one warm request");
  log("");
  const dev = WITH_DEV ? " wrangler dev |" : "";
  log(`| request | npm start | calls | caches off (before) | calls | on / off |${dev} npm start / bare Worker | npm start / same-answer Worker | npm start / Verdaccio packument |`);
  log(`|---|---|---|---|---|---|${WITH_DEV ? "---|" : ""}---|---|---|`);
  for (const request of requests) {
    const on = rps("npm start", request);
    const off = rps("caches off", request);
    const devCell = WITH_DEV ? ` ${fmt(rps("wrangler dev", request))} |` : "";
    log(
      `| ${request.name} | ${fmt(on)} | ${formatCalls(calls.get(`npm start|${request.name}`))} | ${fmt(off)} | ${formatCalls(calls.get(`caches off|${request.name}`))} | ${(on / off).toFixed(2)}x |${devCell} ${(on / bareRps).toFixed(2)}x | ${(on / sameAnswerRps).toFixed(2)}x | ${(on / verdaccioRps).toFixed(2)}x |`,
    );
  }
}

try {
  await main();
} finally {
  await cleanup();
}
