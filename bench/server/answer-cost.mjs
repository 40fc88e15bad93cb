#!/usr/bin/env node
// What a warm answer costs the runtime: `npm run bench:answer-cost`. Builds up, on one Miniflare
// with direct sockets (as `npm start` serves), from a bare "hello" Worker to a Worker that gives
// exactly the registry's public 1 KiB answer, and serves the registry itself with `npm start`:
//   bare         new Response("hello")
//   body         + the 1 KiB body
//   headers      + the registry's response headers (copied from a prepared Headers) and an X-Request-Id
//   log          bare + the registry's JSON log line (console.log)
//   same answer  body + headers + log line: the least any Worker giving this answer does
//   registry     `npm start`, a warm hit on the same file
// For each, in BENCH_ROUNDS (2) interleaved rounds of autocannon -c 32 -d BENCH_DURATION (4) s:
// req/s, the CPU per request of workerd (from /proc) and of this Node process (the references'
// log lines, parsed by the Miniflare here; for the registry, reading npm start's output), and
// each workerd CPU as a multiple of the bare Worker's. Everything started here is stopped here.
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { autocannon } from "../lib/autocannon.mjs";
import { cleanup, cleanups } from "../lib/cleanup.mjs";
import { cpuMicros } from "../lib/cpu.mjs";
import { startNpmStart } from "../lib/registry.mjs";
import { startedWorkerds } from "../lib/rss.mjs";
import { PUBLIC_FILE, seed } from "./seed.mjs";

const { freePort } = await import("../../test/e2e/harness.ts");
const { ensureNpmTools } = await import("../../test/e2e/npm.ts");

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DURATION = Number(process.env.BENCH_DURATION ?? 4);
const log = (...args) => console.log(...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** The Worker scripts, from the registry's own answer to `url` (body and headers, warm). */
async function scripts(url) {
  await fetch(url);
  const res = await fetch(url);
  const body = await res.text();
  const headers = [...res.headers].filter(([name]) => !["x-request-id", "date", "connection", "keep-alive"].includes(name) && !name.startsWith("x-d1-"));
  const prelude = `const body = new TextEncoder().encode(${JSON.stringify(body)});\nconst stored = new Headers(${JSON.stringify(headers)});\n`;
  const logLine = `console.log(JSON.stringify({ id: crypto.randomUUID(), method: request.method, path: new URL(request.url).pathname, repo: "bench-public", status: 200, ms: 0, bytes: 1024 }));`;
  const withHeaders = `const response = new Response(body, { headers: stored }); response.headers.set("X-Request-Id", crypto.randomUUID());`;
  return {
    bare: 'export default { fetch() { return new Response("hello"); } }',
    body: `${prelude}export default { fetch() { return new Response(body); } }`,
    headers: `${prelude}export default { fetch() { ${withHeaders} return response; } }`,
    log: `export default { fetch(request) { ${logLine} return new Response("hello"); } }`,
    "same answer": `${prelude}export default { fetch(request) { ${withHeaders} ${logLine} return response; } }`,
  };
}

async function main() {
  const tools = ensureNpmTools({ log });
  const { value: registry, workerds } = await startedWorkerds(() => startNpmStart("edge-registry-bench-answer-cost"), "registry");
  cleanups.push(() => registry.stop());
  await seed(registry);
  const registryUrl = `${registry.baseUrl}${PUBLIC_FILE}`;
  const workers = await scripts(registryUrl);
  const ports = Object.fromEntries(await Promise.all(Object.keys(workers).map(async (name) => [name, await freePort()])));
  const { value: mf, workerds: references } = await startedWorkerds(async () => {
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        host: "127.0.0.1",
        port: 0,
        cf: false,
        handleStructuredLogs: () => {}, // parsed like npm start's, not printed
        workers: Object.entries(workers).map(([name, script]) => ({
          name: name.replace(" ", "-"),
          modules: true,
          script,
          compatibilityDate: "2026-11-01",
          compatibilityFlags: ["nodejs_compat"], // as wrangler.toml
          unsafeDirectSockets: [{ host: "127.0.0.1", port: ports[name] }],
        })),
      }),
    );
    await mf.ready;
    return mf;
  }, "references");
  cleanups.push(() => mf.dispose());

  const targets = [
    ...Object.keys(workers).map((name) => ({ name, url: `http://127.0.0.1:${ports[name]}${PUBLIC_FILE}`, workerd: references.map((w) => w.pid) })),
    { name: "registry", url: registryUrl, workerd: workerds.map((w) => w.pid) },
  ];
  const results = new Map();
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round}/${ROUNDS}`);
    for (const target of targets) {
      await autocannon(tools.autocannon, target.url, { connections: 32, duration: 1 });
      const workerdBefore = cpuMicros(target.workerd);
      const nodeBefore = process.cpuUsage();
      const r = await autocannon(tools.autocannon, target.url, { connections: 32, duration: DURATION });
      if (r.non2xx || r.errors) throw new Error(`${target.url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      const node = process.cpuUsage(nodeBefore);
      const run = { rps: r.rps, workerd: (cpuMicros(target.workerd) - workerdBefore) / r.total, node: (node.user + node.system) / r.total };
      results.set(target.name, [...(results.get(target.name) ?? []), run]);
    }
  }
  const med = (name, key) => median(results.get(name).map((run) => run[key]));
  log("");
  log(`autocannon -c 32 -d ${DURATION}, median of ${ROUNDS} interleaved rounds. "node": this process (the references' log lines, and reading npm start's output for the registry); npm start's own Node process is not counted.`);
  log("| Worker | req/s | workerd µs/request | × bare | node µs/request |");
  log("|---|---|---|---|---|");
  const bare = med("bare", "workerd");
  for (const target of targets) log(`| ${target.name} | ${fmt(med(target.name, "rps"))} | ${fmt(med(target.name, "workerd"))} | ${(med(target.name, "workerd") / bare).toFixed(2)}x | ${fmt(med(target.name, "node"))} |`);
}

try {
  await main();
} finally {
  await cleanup();
}
