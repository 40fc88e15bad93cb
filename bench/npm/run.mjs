#!/usr/bin/env node
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
// npm benchmark: `npm run bench:npm`. Edge Registry under `npm start` (BENCH_SERVER=dev:
// `wrangler dev`; bench/lib/registry.mjs) side by side with
// Verdaccio 6.8 on the same machine, every number from this one run.
//
// (a) Packument GETs with autocannon (BENCH_CONNECTIONS 32, BENCH_DURATION 10 s each, after a
//     2 s warm-up): a small packument (BENCH_SMALL_VERSIONS 5) and a big one
//     (BENCH_BIG_VERSIONS 4,000 versions, ~1 KB of metadata each), full and abbreviated
//     (`Accept: application/vnd.npm.install-v1+json`), from
//       - Verdaccio itself (the packages are in its local storage; the big one is written
//         straight into its storage directory in Verdaccio's own format, the small one published),
//       - our hosted repository (the same versions published with npm's PUT),
//       - our virtual repository, warm: members an empty private hosted repository and a
//         remote repository whose upstream is that Verdaccio (metadataTtlSeconds 3600, so the
//         cached upstream packument and the merged document stay warm during the run).
//     Plus `GET /-/ping` on each (no package work: for ours the token check and repository
//     lookup), the per-request floor of each server. Prints req/s, p50/p99 latency and the
//     ours/Verdaccio ratios.
// (b) `npm ci` of a project with BENCH_CI_DEPS (200) tiny dependencies published to Verdaccio,
//     timed against our virtual repository, Verdaccio and nginx serving the same tarballs
//     statically (the ceiling for any server), BENCH_CI_RUNS (3) rounds: bench/npm/npm-ci.mjs.
//
// Our repositories are private (every read authenticates a Bearer token; warm unchanged answers
// come from the isolate's read cache, src/virtual/read-cache.ts); Verdaccio is read anonymously
// (`access: $all`), its default. Each (a) row also prints our binding calls per request. autocannon sends
// no Accept-Encoding, so neither side compresses. Clients run with a scrubbed environment and
// their own HOME, cache and npmrc. BENCH_KEEP=1 keeps the temp dir. Everything started here
// is stopped here.
import { autocannon } from "../lib/autocannon.mjs";
import { callCounts, formatCalls } from "../lib/call-counts.mjs";
import { cleanup, cleanups } from "../lib/cleanup.mjs";
import { pool } from "../lib/pool.mjs";
import { SERVER, startBenchRegistry } from "../lib/registry.mjs";
import { reportNpmCi, timeNpmCi } from "./npm-ci.mjs";

if (!process.features.typescript) {
  console.error("bench/npm/run.mjs needs Node >= 22.18 with type stripping; run it with `npm run bench:npm` (Node 24).");
  process.exit(2);
}
const { apiOk } = await import("../../test/e2e/harness.ts");
const { NPM_TOOL_PINS, ensureNpmTools, npmTarball, publishOverHttp, startVerdaccio, systemNode } = await import("../../test/e2e/npm.ts");

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const SMALL_VERSIONS = Number(process.env.BENCH_SMALL_VERSIONS ?? 5);
const BIG_VERSIONS = Number(process.env.BENCH_BIG_VERSIONS ?? 4000);
const PUBLISH_CONCURRENCY = Number(process.env.BENCH_PUBLISH_CONCURRENCY ?? 4);
const ABBREVIATED = "application/vnd.npm.install-v1+json";


const log = (...args) => console.log(...args);
const fmtInt = (n) => Math.round(n).toLocaleString("en-US");
const kib = (bytes) => `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KiB`;

/** Version `i` of a synthetic package: 1.0.0 … 1.39.99 for 4,000. */
const versionAt = (i) => `1.${Math.floor(i / 100)}.${i % 100}`;

/** A package.json with the fields real packages carry (~1 KB per version in a packument). */
function richManifest(name, version, i) {
  return {
    name,
    version,
    description: `Synthetic package for the Edge Registry packument benchmark, release ${version}`,
    main: "dist/index.js",
    module: "dist/index.mjs",
    types: "dist/index.d.ts",
    license: "MIT",
    author: { name: "Edge Bench", email: "bench@example.com" },
    repository: { type: "git", url: "git+https://example.com/edge/bench.git" },
    homepage: "https://example.com/edge/bench#readme",
    bugs: { url: "https://example.com/edge/bench/issues" },
    keywords: ["bench", "packument", "registry"],
    engines: { node: ">=18" },
    scripts: { build: "tsc -p .", test: "vitest run", lint: "eslint ." },
    dependencies: { "dep-a": "^1.2.3", "dep-b": `~2.${i % 10}.0`, "dep-c": "^0.4.1" },
    devDependencies: { typescript: "^5.4.0", vitest: "^1.6.0", eslint: "^9.0.0", "@types/node": "^20.0.0" },
    peerDependencies: { react: ">=18" },
    files: ["dist"],
    sideEffects: false,
  };
}

/** Manifest + its tarball (package.json and a small dist/index.js), as `npm pack` would make. */
function buildVersion(name, i) {
  const version = versionAt(i);
  const manifest = richManifest(name, version, i);
  const tarball = npmTarball({ "package.json": `${JSON.stringify(manifest, null, 2)}\n`, "dist/index.js": `module.exports = ${JSON.stringify({ name, version })};\n` });
  return { version, manifest, tarball };
}

/**
 * Writes a package straight into Verdaccio's storage in the format its local storage keeps
 * (what a publish writes: versions with dist, time, dist-tags, _attachments, tarballs beside).
 */
async function writeVerdaccioPackage(verdaccio, name, built) {
  const dir = join(verdaccio.storage, name);
  await mkdir(dir, { recursive: true });
  const start = Date.parse("2024-01-01T00:00:00.000Z");
  const doc = { name, versions: {}, time: {}, users: {}, "dist-tags": { latest: built.at(-1).version }, _uplinks: {}, _distfiles: {}, _attachments: {}, _rev: `${built.length}-0123456789abcdef`, _id: name, readme: "" };
  doc.time.created = new Date(start).toISOString();
  for (const [i, { version, manifest, tarball }] of built.entries()) {
    const file = `${name}-${version}.tgz`;
    await writeFile(join(dir, file), tarball);
    const shasum = createHash("sha1").update(tarball).digest("hex");
    doc.versions[version] = {
      ...manifest,
      _id: `${name}@${version}`,
      dist: { integrity: `sha512-${createHash("sha512").update(tarball).digest("base64")}`, shasum, tarball: `${verdaccio.baseUrl}/${name}/-/${file}` },
      contributors: [],
    };
    doc.time[version] = new Date(start + i * 60_000).toISOString();
    doc._attachments[file] = { shasum, version };
  }
  doc.time.modified = doc.time[built.at(-1).version];
  await writeFile(join(dir, "package.json"), JSON.stringify(doc, null, "\t"));
}

async function main() {
  const tools = ensureNpmTools({ log });
  const dir = await mkdtemp(join(tmpdir(), "edge-registry-bench-npm-"));
  if (process.env.BENCH_KEEP !== "1") cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const nodeVersion = (bin) => spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
  const npmVersion = spawnSync("npm", ["--version"], { encoding: "utf8", env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: dir } }).stdout.trim();

  const loadavg = () => spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.split(" ").slice(0, 3).join(" ");
  const loadAtStart = loadavg();
  log("starting Verdaccio …");
  const verdaccio = await startVerdaccio(tools, { label: "edge-registry-bench-verdaccio" });
  cleanups.push(() => verdaccio.stop());
  const vToken = await verdaccio.addUser("bench", "bench-password-1");
  const vRegistry = `${verdaccio.baseUrl}/`;

  log(`starting the registry (${SERVER}) …`);
  const registry = await startBenchRegistry("edge-registry-bench-npm");
  let registryStopped = false;
  const stopRegistry = async () => {
    if (registryStopped) return;
    registryStopped = true;
    await writeFile(join(dir, "registry.log"), registry.logs()).catch(() => {});
    await registry.stop();
  };
  cleanups.push(stopRegistry);
  const create = (body) => apiOk(registry, 201, "/repositories", { method: "POST", body });
  await create({ name: "bench-hosted", format: "npm", kind: "hosted", visibility: "private" });
  await create({ name: "bench-private", format: "npm", kind: "hosted", visibility: "private" });
  await create({ name: "bench-remote", format: "npm", kind: "remote", visibility: "private", remote: { url: vRegistry, metadataTtlSeconds: 3600 } });
  await create({
    name: "bench-virtual", format: "npm", kind: "virtual", visibility: "private",
    members: [{ repository: "bench-private", priority: 10 }, { repository: "bench-remote", priority: 1 }],
  });
  const token = (await apiOk(registry, 201, "/tokens", { method: "POST", body: { name: "bench-npm", scopes: ["read", "write"] } })).token;
  const hostedUrl = `${registry.baseUrl}/npm/bench-hosted/`;
  const virtualUrl = `${registry.baseUrl}/npm/bench-virtual/`;

  // Fixtures ------------------------------------------------------------------------------
  log(`building ${BIG_VERSIONS} + ${SMALL_VERSIONS} versions …`);
  const big = Array.from({ length: BIG_VERSIONS }, (_, i) => buildVersion("bench-big", i));
  const small = Array.from({ length: SMALL_VERSIONS }, (_, i) => buildVersion("bench-small", i));
  await writeVerdaccioPackage(verdaccio, "bench-big", big);
  for (const v of small) await publishOverHttp(vRegistry, vToken, { name: "bench-small", version: v.version, extra: v.manifest }, "latest", v.tarball);
  log(`publishing ${BIG_VERSIONS} versions of bench-big to our hosted repository (npm PUTs, ${PUBLISH_CONCURRENCY} at a time) …`);
  const publishStarted = performance.now();
  let published = 0;
  await pool(big, PUBLISH_CONCURRENCY, async (v) => {
    await publishOverHttp(hostedUrl, token, { name: "bench-big", version: v.version, extra: v.manifest }, "latest", v.tarball);
    if (++published % 500 === 0) log(`  ${published} …`);
  });
  const publishSeconds = (performance.now() - publishStarted) / 1000;
  // Parallel publishes each moved `latest` to themselves: point it at the highest, as in Verdaccio.
  const latest = await fetch(`${hostedUrl}-/package/bench-big/dist-tags/latest`, { method: "PUT", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(big.at(-1).version) });
  if (!latest.ok) throw new Error(`dist-tag latest: ${latest.status} ${await latest.text()}`);
  for (const v of small) await publishOverHttp(hostedUrl, token, { name: "bench-small", version: v.version, extra: v.manifest }, "latest", v.tarball);

  // (a) packument GETs ----------------------------------------------------------------------
  const targets = [
    { label: "verdaccio", base: vRegistry, headers: [] },
    { label: "ours hosted", base: hostedUrl, headers: [`Authorization=Bearer ${token}`] },
    { label: "ours virtual (warm)", base: virtualUrl, headers: [`Authorization=Bearer ${token}`] },
  ];
  // The floor: `GET /-/ping` does no package work (ours: token check and repository lookup).
  const cases = [{ pkg: "-/ping", versions: null, variant: "floor", title: "GET /-/ping (floor)" }];
  for (const [pkg, versions] of [["bench-small", SMALL_VERSIONS], ["bench-big", BIG_VERSIONS]]) {
    for (const variant of ["full", "abbreviated"]) cases.push({ pkg, versions, variant, title: `${pkg} (${versions}) ${variant}` });
  }
  // Check every target answers every case with all versions (this also warms the virtual one).
  const sizes = {};
  for (const c of cases) {
    for (const t of targets) {
      const headers = { "Accept-Encoding": "identity", ...(c.variant === "abbreviated" ? { Accept: ABBREVIATED } : {}) };
      for (const h of t.headers) headers[h.slice(0, h.indexOf("="))] = h.slice(h.indexOf("=") + 1);
      let res;
      for (let i = 0; i < 2; i++) res = await fetch(`${t.base}${c.pkg}`, { headers });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${t.label} ${c.pkg} ${c.variant}: ${res.status} ${text.slice(0, 300)}`);
      const doc = JSON.parse(text);
      if (c.versions === null) continue;
      const count = Object.keys(doc.versions).length;
      if (count !== c.versions) throw new Error(`${t.label} ${c.pkg} ${c.variant}: ${count} versions, expected ${c.versions}`);
      if (t.label.startsWith("ours virtual") && res.headers.get("x-cache") !== "HIT") throw new Error(`${t.label} ${c.pkg}: X-Cache ${res.headers.get("x-cache")} after warm-up`);
      sizes[`${t.label}|${c.pkg}|${c.variant}`] = Buffer.byteLength(text);
    }
  }
  const results = [];
  for (const c of cases) {
    for (const t of targets) {
      const headers = [...t.headers, ...(c.variant === "abbreviated" ? [`Accept=${ABBREVIATED}`] : [])];
      log(`(a) ${c.title}: ${t.label}, ${CONNECTIONS} connections, ${DURATION} s …`);
      if (WARMUP > 0) await autocannon(tools.autocannon, `${t.base}${c.pkg}`, { connections: CONNECTIONS, duration: WARMUP, headers });
      const r = await autocannon(tools.autocannon, `${t.base}${c.pkg}`, { connections: CONNECTIONS, duration: DURATION, headers });
      if (r.non2xx || r.errors || r.timeouts) log(`    ! non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`);
      const calls = t.label === "verdaccio" ? null : await callCounts(`${t.base}${c.pkg}`, headers);
      results.push({ ...c, target: t.label, ...r, calls, size: sizes[`${t.label}|${c.pkg}|${c.variant}`] });
    }
  }

  // (b) npm ci (bench/npm/npm-ci.mjs) ------------------------------------------------------
  const npmCi = await timeNpmCi({ tools, dir, registry, token, virtualUrl, vRegistry, vToken, log });
  await stopRegistry();

  // Report ----------------------------------------------------------------------------------
  log("");
  log(`=== Edge Registry npm bench: ${SERVER} vs Verdaccio ${NPM_TOOL_PINS.verdaccio} on the same machine ===`);
  log(`node ${nodeVersion(process.execPath)} (autocannon ${NPM_TOOL_PINS.autocannon}, Verdaccio, wrangler), npm ${npmVersion} on node ${nodeVersion(systemNode())}; ${spawnSync("nproc", { encoding: "utf8" }).stdout.trim()} cores; load average ${loadAtStart} at the start, ${loadavg()} at the end`);
  log(`fixtures: our hosted copy of bench-big took ${publishSeconds.toFixed(1)} s for ${BIG_VERSIONS} publishes (${(BIG_VERSIONS / publishSeconds).toFixed(0)}/s, ${PUBLISH_CONCURRENCY} in flight)`);
  log(`(a) packument GET, autocannon -c ${CONNECTIONS} -d ${DURATION} (after ${WARMUP} s warm-up), no compression; ours private + Bearer token, Verdaccio anonymous`);
  log(`    ${"packument".padEnd(30)} ${"target".padEnd(20)} ${"size".padStart(9)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)}  ours/verdaccio req/s`);
  for (const c of cases) {
    const row = results.filter((r) => r.pkg === c.pkg && r.variant === c.variant);
    const base = row.find((r) => r.target === "verdaccio");
    for (const r of row) {
      const ratio = r.target === "verdaccio" ? "" : `${(r.rps / base.rps).toFixed(2)}x`;
      const bad = r.non2xx || r.errors || r.timeouts ? `  (non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})` : "";
      log(`    ${c.title.padEnd(30)} ${r.target.padEnd(20)} ${(r.size === undefined ? "" : kib(r.size)).padStart(9)} ${fmtInt(r.rps).padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)}  ${ratio.padEnd(6)}${r.calls === null ? "" : `  ${formatCalls(r.calls)}`}${bad}`);
    }
  }
  reportNpmCi(npmCi, log);
  if (results.some((r) => r.non2xx || r.errors || r.timeouts)) process.exitCode = 1;
}

try {
  await main();
  await cleanup();
} catch (error) {
  console.error(error);
  await cleanup();
  process.exit(1);
}
