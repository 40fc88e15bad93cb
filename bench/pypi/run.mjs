#!/usr/bin/env node
// PyPI benchmark: `npm run bench:pypi`. Edge Registry under `npm start` (BENCH_SERVER=dev:
// `wrangler dev`; bench/lib/registry.mjs) side by side with
// pypiserver 2.4.2 (`--server auto`, which picks waitress 3.0.2 when installed) serving the same wheels on
// the same machine; every number comes from this one run and is printed as a ratio.
//
// Fixture: BENCH_WHEELS (50) tiny pure-Python wheels `bench-pkg-NNN 1.0` and one
// `bench-top 1.0` that requires all of them, built with Python's stdlib
// (test/e2e/clients/pypi_dist.py). twine uploads them to our private hosted repository
// `bench-hosted`; `bench-virtual` is a virtual repository whose member is that hosted one;
// pypiserver serves the same files from a directory (reads anonymous, its default).
//
// (a) Warm simple-page GETs with autocannon (BENCH_CONNECTIONS 16, BENCH_DURATION 10 s after
//     a BENCH_WARMUP 2 s warm-up): `/simple/bench-top/` from pypiserver, our hosted and our
//     virtual repository (Bearer token: every read authenticates and goes through D1). Both
//     sides answer PEP 503 HTML. Prints req/s, p50/p99 and ours/pypiserver ratios.
// (b) `pip install bench-top` (51 wheels) into a fresh venv with an empty pip cache
//     (`--no-cache-dir`), BENCH_PIP_RUNS (3) rounds alternating between pypiserver and our
//     virtual (then hosted), median wall time and the ratio.
// (c) Binding calls per warm request (D1 statements and round trips, R2, Durable Objects),
//     from the registry's counting headers (bench/lib/call-counts.mjs), also printed in (a).
//
// A side that fails (e.g. the virtual before the engine's PyPI wiring) is reported as such
// and the run continues. BENCH_KEEP=1 keeps the temp dir. Everything started here is stopped here.
import { autocannon } from "../lib/autocannon.mjs";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { callCounts, formatCalls } from "../lib/call-counts.mjs";
import { cleanup, cleanups } from "../lib/cleanup.mjs";
import { SERVER, startBenchRegistry } from "../lib/registry.mjs";

if (!process.features.typescript) {
  console.error("bench/pypi/run.mjs needs Node >= 22.18 with type stripping; run it with `npm run bench:pypi` (Node 24).");
  process.exit(2);
}
const { apiOk, freePort, sleep } = await import("../../test/e2e/harness.ts");
const { ensureNpmTools, NPM_TOOL_PINS } = await import("../../test/e2e/npm.ts");
const { PYPI_TOOL_PINS, buildDistributions, ensure, output, pypiClient, pypiToolsGate } = await import("../../test/e2e/clients/pypi.ts");

const WHEELS = Number(process.env.BENCH_WHEELS ?? 50);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const PIP_RUNS = Number(process.env.BENCH_PIP_RUNS ?? 3);

const log = (...args) => console.log(...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const ratio = (ours, base) => (base > 0 && ours > 0 ? `${(ours / base).toFixed(2)}×` : "n/a");

async function startPypiserver(tools, packages) {
  const port = await freePort();
  const child = spawn(tools.pypiServer, ["run", "-i", "127.0.0.1", "-p", String(port), "--server", "auto", "--disable-fallback", packages], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { PATH: process.env.PATH ?? "", HOME: tmpdir(), LANG: "C.UTF-8" },
  });
  let logs = "";
  child.stdout.on("data", (c) => (logs += c));
  child.stderr.on("data", (c) => (logs = (logs + c).slice(-20000)));
  const stop = async () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  };
  cleanups.push(stop);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/simple/`)).ok) return { base, stop };
    } catch {}
    await sleep(200);
  }
  throw new Error(`pypiserver did not start:\n${logs}`);
}

async function main() {
  const missing = await ensure(log);
  if (missing.length) throw new Error(`PyPI tools missing: ${missing.join(", ")}`);
  const tools = pypiToolsGate().assertAvailable();
  const npmTools = ensureNpmTools({ log });
  const dir = await mkdtemp(join(tmpdir(), "edge-registry-bench-pypi-"));
  if (process.env.BENCH_KEEP !== "1") cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const client = await pypiClient(tools);
  cleanups.push(() => client.cleanup());

  log(`building ${WHEELS} wheels + bench-top …`);
  const packages = join(dir, "packages");
  await mkdir(packages, { recursive: true });
  const names = Array.from({ length: WHEELS }, (_, i) => `bench-pkg-${String(i).padStart(3, "0")}`);
  for (const name of names) await buildDistributions(tools.python, packages, { name, version: "1.0" });
  await buildDistributions(tools.python, packages, { name: "bench-top", version: "1.0", requires: names });
  const wheels = (await readdir(packages)).filter((f) => f.endsWith(".whl")).map((f) => join(packages, f));
  for (const f of await readdir(packages)) if (f.endsWith(".tar.gz")) await rm(join(packages, f));

  const registry = await startBenchRegistry("edge-registry-bench-pypi");
  cleanups.push(() => registry.stop());
  const create = (body) => apiOk(registry, 201, "/repositories", { method: "POST", body });
  await create({ name: "bench-hosted", format: "pypi", kind: "hosted", visibility: "private" });
  await create({ name: "bench-virtual", format: "pypi", kind: "virtual", visibility: "private", members: [{ repository: "bench-hosted", priority: 1 }] });
  const token = (await apiOk(registry, 201, "/tokens", { method: "POST", body: { name: "bench-pypi", scopes: ["read", "write"] } })).token;
  const upload = await client.twineUpload(`${registry.baseUrl}/pypi/bench-hosted/`, token, wheels);
  if (upload.code !== 0) throw new Error(`twine upload: ${output(upload)}`);
  const pypiserver = await startPypiserver(tools, packages);

  const withToken = (path) => {
    const url = new URL(path, registry.baseUrl);
    url.username = "__token__";
    url.password = token;
    return url.href;
  };
  const sides = [
    { label: "pypiserver", page: `${pypiserver.base}/simple/bench-top/`, index: `${pypiserver.base}/simple/`, headers: [] },
    { label: "ours hosted", page: `${registry.baseUrl}/pypi/bench-hosted/simple/bench-top/`, index: withToken("/pypi/bench-hosted/simple/"), headers: [`Authorization: Bearer ${token}`] },
    { label: "ours virtual", page: `${registry.baseUrl}/pypi/bench-virtual/simple/bench-top/`, index: withToken("/pypi/bench-virtual/simple/"), headers: [`Authorization: Bearer ${token}`] },
  ];
  for (const side of sides) {
    const res = await fetch(side.page, { headers: Object.fromEntries(side.headers.map((h) => h.split(": "))) });
    const body = await res.text();
    side.ok = res.ok && /html/.test(res.headers.get("Content-Type") ?? "") && body.includes("bench_top-1.0-py3-none-any.whl");
    if (!side.ok) log(`${side.label}: simple page not usable (${res.status} ${res.headers.get("Content-Type")}); skipped`);
  }

  log(`\n(a) warm GET /simple/bench-top/ — autocannon -c ${CONNECTIONS} -d ${DURATION}; ours under ${SERVER}`);
  const base = sides[0];
  for (const side of sides.filter((s) => s.ok)) {
    if (WARMUP > 0) await autocannon(npmTools.autocannon, side.page, { connections: CONNECTIONS, duration: WARMUP, headers: side.headers });
    side.load = await autocannon(npmTools.autocannon, side.page, { connections: CONNECTIONS, duration: DURATION, headers: side.headers });
    const r = side.load;
    side.calls = side === base ? null : await callCounts(side.page, side.headers);
    const calls = side === base ? "" : `  calls ${formatCalls(side.calls)}`;
    log(`  ${side.label.padEnd(14)} ${fmt(r.rps).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  non-2xx ${r.non2xx} errors ${r.errors}  ${side === base ? "" : `ratio ${ratio(r.rps, base.load?.rps ?? 0)} of pypiserver`}${calls}`);
  }

  log(`\n(b) pip install bench-top (${WHEELS + 1} wheels), fresh venv, no pip cache — median of ${PIP_RUNS}`);
  for (const side of sides) side.installs = [];
  for (let run = 0; run < PIP_RUNS; run++) {
    for (const side of sides.filter((s) => s.ok)) {
      const venv = await client.venv(`${side.label.replace(/\s/g, "-")}-${run}`);
      const result = await client.pipInstall(venv, side.index, ["bench-top"]);
      if (result.code !== 0) {
        log(`  ${side.label}: pip install failed\n${output(result)}`);
        side.ok = false;
        continue;
      }
      side.installs.push(result.ms);
    }
  }
  for (const side of sides.filter((s) => s.installs.length)) {
    const m = median(side.installs);
    log(`  ${side.label.padEnd(14)} ${fmt(m).padStart(6)} ms  (runs ${side.installs.map(fmt).join(", ")})  ${side === base ? "" : `ratio ${ratio(m, median(base.installs) ?? 0)} of pypiserver's time`}`);
  }

  log("\n(c) binding calls per warm request (D1 statements (round trips) · R2 · Durable Objects)");
  for (const side of sides.slice(1)) {
    log(`  ${side.label.padEnd(14)} simple page: ${formatCalls(side.calls ?? (await callCounts(side.page, side.headers)))}`);
  }
  log(`\npins: ${Object.entries(PYPI_TOOL_PINS).map(([k, v]) => `${k} ${v}`).join(", ")}, autocannon ${NPM_TOOL_PINS.autocannon}; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
