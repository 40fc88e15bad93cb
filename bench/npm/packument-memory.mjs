#!/usr/bin/env node
// Huge-packument memory bench: `npm run bench:npm-memory`. One run, everything measured here.
//
// A counting upstream (test/e2e/counting-server.ts) serves a BENCH_VERSIONS (4,000)-version
// packument of about BENCH_PACKUMENT_MIB (20) MiB. The registry (wrangler dev, e2e harness)
// has an npm remote repository on it and a virtual repository over that remote and a hosted
// repository holding one more version, so every request is a merge of two members. Then:
//   cold: BENCH_CONCURRENCY (32) concurrent GETs of the virtual packument (one merge build);
//   warm: BENCH_ROUNDS (5) more rounds of 32 concurrent GETs (served from the stored document);
//   warm abbreviated: the same with npm install's Accept header (one more build, then stored).
// For each phase it prints latency p50/p99, upstream requests, and the peak RSS growth of the
// workerd process running the Worker (it also hosts the local D1/R2/DO simulators) against the
// packument size: a Worker that parsed the document per request would grow by many times it.
import { randomBytes } from "node:crypto";

if (!process.features.typescript) {
  console.error("bench/npm/packument-memory.mjs needs Node >= 22.18; run it with `npm run bench:npm-memory`.");
  process.exit(2);
}
const { apiOk, startRegistry } = await import("../../test/e2e/harness.ts");
const { startCountingServer } = await import("../../test/e2e/counting-server.ts");
const { withRss, workerdProcesses } = await import("../lib/rss.mjs");

const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 4000);
const TARGET_MIB = Number(process.env.BENCH_PACKUMENT_MIB ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MiB = 1024 * 1024;
const ABBREVIATED = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

function packument(base) {
  // Pad each version with dependencies so the document reaches about TARGET_MIB.
  const perVersion = Math.max(200, Math.floor((TARGET_MIB * MiB) / VERSIONS));
  const deps = {};
  for (let i = 0; JSON.stringify(deps).length < perVersion - 300; i++) deps[`dependency-number-${i}`] = `^${i}.0.0`;
  const versions = {};
  const time = { created: "2020-01-01T00:00:00.000Z", modified: "2024-01-01T00:00:00.000Z" };
  for (let i = 0; i < VERSIONS; i++) {
    const version = `1.0.${i}`;
    versions[version] = { name: "huge", version, dependencies: deps, dist: { tarball: `${base}/huge/-/huge-${version}.tgz`, integrity: `sha512-${randomBytes(64).toString("base64")}`, shasum: randomBytes(20).toString("hex") } };
    time[version] = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString();
  }
  return JSON.stringify({ _id: "huge", name: "huge", "dist-tags": { latest: `1.0.${VERSIONS - 1}` }, versions, time });
}

async function round(url, token, accept) {
  const started = performance.now();
  const times = await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, ...(accept ? { Accept: accept } : {}) } });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
      return { ms: performance.now() - t0, bytes: body.byteLength };
    }),
  );
  return { times: times.map((t) => t.ms), bytes: times[0].bytes, wall: performance.now() - started };
}

const upstream = await startCountingServer();
const registry = await startRegistry({ label: "edge-registry-bench-npm-memory" });
try {
  const doc = packument(`${upstream.baseUrl}/npmjs`);
  upstream.put("/npmjs/huge", { body: new TextEncoder().encode(doc), contentType: "application/json" });
  await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: "npmjs", format: "npm", kind: "remote", visibility: "private", remote: { url: `${upstream.baseUrl}/npmjs/` } } });
  await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: "npm-local", format: "npm", kind: "hosted", visibility: "private" } });
  await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: "npm-all", format: "npm", kind: "virtual", visibility: "private", members: [{ repository: "npmjs", priority: 1 }, { repository: "npm-local", priority: 2 }], settings: { shielding: false } } });
  const tgz = randomBytes(64);
  const integrity = `sha512-${(await import("node:crypto")).createHash("sha512").update(tgz).digest("base64")}`;
  const publish = await fetch(`${registry.baseUrl}/npm/npm-local/huge`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${registry.adminToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ _id: "huge", name: "huge", "dist-tags": { next: "2.0.0" }, versions: { "2.0.0": { name: "huge", version: "2.0.0", dist: { integrity, shasum: (await import("node:crypto")).createHash("sha1").update(tgz).digest("hex"), tarball: "x" } } }, _attachments: { "huge-2.0.0.tgz": { content_type: "application/octet-stream", data: tgz.toString("base64"), length: tgz.length } } }),
  });
  if (publish.status !== 201) throw new Error(`publish: ${publish.status} ${await publish.text()}`);

  const pids = workerdProcesses(registry.pid, registry.port).filter((w) => w.role.startsWith("user Worker")).map((w) => w.pid);
  const url = `${registry.baseUrl}/npm/npm-all/huge`;
  const phases = [];
  const measure = async (name, rounds, accept) => {
    const { result, base, peak } = await withRss(pids, async () => {
      const all = [];
      let bytes = 0;
      for (let i = 0; i < rounds; i++) {
        const r = await round(url, registry.adminToken, accept);
        all.push(...r.times);
        bytes = r.bytes;
      }
      return { all, bytes };
    });
    const growth = Math.max(...pids.map((pid) => (peak[pid] - base[pid]) / 1024));
    phases.push({ name, requests: result.all.length, bytes: result.bytes, p50: pct(result.all, 50), p99: pct(result.all, 99), growth, upstream: upstream.count("/npmjs/huge") });
  };
  await measure(`cold (${CONCURRENCY} concurrent, first build)`, 1);
  await measure(`warm (${ROUNDS} x ${CONCURRENCY} concurrent)`, ROUNDS);
  await measure(`abbreviated (${ROUNDS} x ${CONCURRENCY})`, ROUNDS, ABBREVIATED);

  console.log(`=== huge packument: ${VERSIONS + 1} versions merged from a remote and a hosted member; upstream document ${(doc.length / MiB).toFixed(1)} MiB ===`);
  for (const p of phases) {
    console.log(
      `${p.name.padEnd(40)} ${String(p.requests).padStart(4)} req  served ${(p.bytes / MiB).toFixed(1).padStart(5)} MiB each  p50 ${p.p50.toFixed(0).padStart(5)} ms  p99 ${p.p99.toFixed(0).padStart(5)} ms  ` +
        `RSS +${p.growth.toFixed(0)} MiB (${(p.growth / (doc.length / MiB)).toFixed(2)}x the document)  upstream requests so far ${p.upstream}`,
    );
  }
} finally {
  await registry.stop();
  await upstream.stop();
}
