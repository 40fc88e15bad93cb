#!/usr/bin/env node
// Where a warm hit's CPU goes: `node bench/server/profile.mjs`. Starts `npm start` with workerd's
// V8 inspector (EDGE_REGISTRY_INSPECTOR_PORT), seeds a public generic file and a small npm
// package, then for each request takes a CPU profile of the Worker's isolate while autocannon
// loads it (-c BENCH_CONNECTIONS 32, -d BENCH_DURATION 5 s after a 1 s warm-up) and prints the
// self time by function and by group (runtime/GC, Hono, our middleware, loader, read cache…),
// as a share of the profiled time and as µs per request. D1_ROUND_TRIPS_HEADER stays off, as
// deployed. Everything started here is stopped here.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { autocannon } from "../lib/autocannon.mjs";
import { cleanup, cleanups } from "../lib/cleanup.mjs";
import { startNpmStart } from "../lib/registry.mjs";

const { apiOk, freePort } = await import("../../test/e2e/harness.ts");
const { ensureNpmTools, publishOverHttp } = await import("../../test/e2e/npm.ts");

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const TOP = Number(process.env.BENCH_TOP ?? 25);
const log = (...args) => console.log(...args);

/** Minimal Chrome DevTools Protocol client over Node's WebSocket. */
async function inspect(port) {
  let targets = [];
  for (let i = 0; i < 50 && !targets.some((t) => t.webSocketDebuggerUrl); i++) {
    targets = await fetch(`http://127.0.0.1:${port}/json`).then((r) => r.json(), () => []);
    if (!targets.length) await new Promise((r) => setTimeout(r, 200));
  }
  // The registry Worker (not Miniflare's internal entry or loopback workers).
  const target = targets.find((t) => /edge-registry/.test(t.title ?? "") || /edge-registry/.test(t.id ?? "")) ?? targets[0];
  if (!target) throw new Error("no inspector target");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const pending = new Map();
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.id && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  };
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { title: target.title, send, close: () => ws.close() };
}

/**
 * The bundle's source files by line: `wrangler deploy --dry-run` (what `npm start` serves, built
 * the same way from the same tree) marks each module with a `// path` comment.
 */
function bundleSources() {
  const outdir = mkdtempSync(join(tmpdir(), "edge-registry-profile-"));
  const root = new URL("../..", import.meta.url).pathname;
  spawnSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], { cwd: root, stdio: "ignore" });
  const lines = readFileSync(join(outdir, "index.js"), "utf8").split("\n");
  rmSync(outdir, { recursive: true, force: true });
  const starts = [];
  lines.forEach((text, i) => {
    const m = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(text);
    if (m) starts.push([i, m[1].replace(/^node_modules\/((?:@[^/]+\/)?[^/]+).*/, "$1")]);
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = "bundle";
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) {
        found = starts[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}
const sourceOfLine = bundleSources();

/** Which source file (or package, or the runtime) a profile node's function belongs to. */
function groupOf(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  if (!url) return functionName === "(garbage collector)" ? "GC" : `runtime ${functionName || "(anonymous)"}`;
  if (url.endsWith("index.js")) return sourceOfLine(lineNumber);
  return `runtime ${url.split("/").pop()}`;
}

function summarize(profile, requests) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  const byGroup = new Map();
  for (const [id, us] of self) {
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? url.split("/").pop() : "";
    const key = `${functionName || "(anonymous)"} ${file}${url ? `:${lineNumber + 1}` : ""}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const group = groupOf(node);
    byGroup.set(group, (byGroup.get(group) ?? 0) + us);
  }
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  for (const [id, us] of self) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at).callFrame;
      if (!url || !functionName) continue;
      const key = `${functionName} ${url.split("/").pop()}:${lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const idle = [...byGroup].filter(([g]) => g === "runtime (idle)").reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const line = ([key, us]) => `  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / requests).toFixed(1).padStart(7)} µs/req  ${key}`;
  log(`  profiled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (idle excluded), ${requests} requests: ${(busy / requests).toFixed(0)} µs of isolate CPU per request`);
  log("  by group:");
  for (const entry of [...byGroup].filter(([g]) => g !== "runtime (idle)").sort((a, b) => b[1] - a[1]).slice(0, 30)) log(line(entry));
  log(`  top ${TOP} functions (self time):`);
  for (const entry of [...byFunction].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, TOP)) log(line(entry));
  log(`  top ${TOP} named functions (inclusive time):`);
  for (const entry of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP)) log(line(entry));
}

async function main() {
  const tools = ensureNpmTools({ log });
  const inspectorPort = await freePort();
  process.env.EDGE_REGISTRY_INSPECTOR_PORT = String(inspectorPort);
  const registry = await startNpmStart("edge-registry-bench-profile", { D1_ROUND_TRIPS_HEADER: "0" });
  cleanups.push(() => registry.stop());
  const token = registry.adminToken;
  await apiOk(registry, 201, "/repositories", { method: "POST", token, body: { name: "bench-public", format: "generic", kind: "hosted", visibility: "public" } });
  const put = await fetch(`${registry.baseUrl}/generic/bench-public/tool/1.0.0/file.bin`, { method: "PUT", headers: { Authorization: `Bearer ${token}` }, body: "x".repeat(1024) });
  if (put.status !== 201) throw new Error(`seed upload: ${put.status}`);
  await apiOk(registry, 201, "/repositories", { method: "POST", token, body: { name: "bench-npm", format: "npm", kind: "hosted", visibility: "public" } });
  for (const version of ["1.0.0", "1.0.1", "1.1.0"]) await publishOverHttp(`${registry.baseUrl}/npm/bench-npm/`, token, { name: "bench-small", version });

  await new Promise((r) => setTimeout(r, 3000)); // let the seeding's background work (index and document builds) finish
  const inspector = await inspect(inspectorPort);
  log(`inspector target: ${inspector.title}`);
  await inspector.send("Profiler.enable");
  await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
  const requests = [
    { name: "public 1 KiB file, anonymous", path: "/generic/bench-public/tool/1.0.0/file.bin" },
    { name: "small hosted packument", path: "/npm/bench-npm/bench-small" },
  ];
  for (const request of requests) {
    const url = `${registry.baseUrl}${request.path}`;
    await autocannon(tools.autocannon, url, { connections: CONNECTIONS, duration: 1 });
    await inspector.send("Profiler.start");
    const r = await autocannon(tools.autocannon, url, { connections: CONNECTIONS, duration: DURATION });
    const { profile } = await inspector.send("Profiler.stop");
    // BENCH_PROFILE_OUT=dir: also writes each profile (opens in Chrome DevTools' Performance panel).
    if (process.env.BENCH_PROFILE_OUT) writeFileSync(join(process.env.BENCH_PROFILE_OUT, `${request.path.split("/")[1]}.cpuprofile`), JSON.stringify(profile));
    log(`\n${request.name}: ${Math.round(r.rps)} req/s under the profiler (${r.non2xx} non-2xx)`);
    summarize(profile, r.total);
  }
  inspector.close();
}

try {
  await main();
} finally {
  await cleanup();
}
