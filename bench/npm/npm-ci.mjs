// The `npm ci` part of the npm benchmark (bench/npm/run.mjs, part (b)): a project with
// BENCH_CI_DEPS (200) tiny dependencies published to Verdaccio. One `npm install` through our
// virtual repository writes its lockfile (and fills our caches), one straight against Verdaccio
// writes its own; then BENCH_CI_RUNS (3) rounds of timed `npm ci` with an empty npm cache
// against each, alternating, and one `npm ci --offline` from a full npm cache as the
// client-only floor. A third target, nginx serving the same tarballs as static files with
// Verdaccio's lockfile pointed at it, is the ceiling for any server: what `npm ci` takes when
// the server costs next to nothing. Everything started here is stopped by run.mjs's cleanup.
import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cleanups } from "../lib/cleanup.mjs";
import { ensureNginx, startNginx } from "../lib/nginx.mjs";
import { pool } from "../lib/pool.mjs";

const CI_DEPS = Number(process.env.BENCH_CI_DEPS ?? 200);
const CI_RUNS = Number(process.env.BENCH_CI_RUNS ?? 3);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Publishes the dependencies to Verdaccio and times `npm ci` against our virtual repository
 * (`virtualUrl`, whose remote member `bench-remote` proxies Verdaccio), Verdaccio
 * (`vRegistry`) and static nginx, in `dir`. Returns what `reportNpmCi` prints.
 */
export async function timeNpmCi({ tools, dir, registry, token, virtualUrl, vRegistry, vToken, log }) {
  const { apiOk, freePort } = await import("../../test/e2e/harness.ts");
  const { npmClient, output, publishOverHttp } = await import("../../test/e2e/npm.ts");
  log(`(b) publishing ${CI_DEPS} tiny packages to Verdaccio …`);
  const deps = Array.from({ length: CI_DEPS }, (_, i) => `bench-dep-${String(i).padStart(3, "0")}`);
  await pool(deps, 8, (name) => publishOverHttp(vRegistry, vToken, { name, version: "1.0.0" }));
  const projectJson = JSON.stringify({ name: "bench-ci-app", version: "1.0.0", private: true, dependencies: Object.fromEntries(deps.map((d) => [d, "^1.0.0"])) }, null, 2);
  const ours = await npmClient(tools, { registry: virtualUrl, token, label: "edge-registry-bench-npm-ours" });
  const theirs = await npmClient(tools, { registry: vRegistry, label: "edge-registry-bench-npm-verdaccio" });
  cleanups.push(() => ours.dispose(), () => theirs.dispose());
  const ciTargets = [
    { label: "ours virtual", client: ours, prefix: virtualUrl, dir: join(dir, "ci-ours") },
    { label: "verdaccio", client: theirs, prefix: vRegistry, dir: join(dir, "ci-verdaccio") },
  ];
  let cacheSeq = 0;
  const freshCache = () => join(dir, `npm-cache-${++cacheSeq}`);
  for (const t of ciTargets) {
    await mkdir(t.dir);
    await writeFile(join(t.dir, "package.json"), projectJson);
    const r = await t.client.npm(["install", "--cache", freshCache()], { cwd: t.dir, timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`${t.label}: npm install failed\n${output(r)}`);
    const lock = JSON.parse(await readFile(join(t.dir, "package-lock.json"), "utf8"));
    const resolved = Object.entries(lock.packages).filter(([p]) => p !== "").map(([, p]) => p.resolved);
    if (resolved.length !== CI_DEPS || resolved.some((u) => !u?.startsWith(t.prefix))) throw new Error(`${t.label}: lockfile has ${resolved.length} packages, not all under ${t.prefix}`);
    t.installMs = r.ms;
    t.runs = [];
  }
  // The ceiling for any server: nginx serving the same tarballs as static files (sendfile, one
  // worker), with Verdaccio's lockfile pointed at it. npm ci with a lockfile reads only the
  // tarballs, so this is the client's own time plus the fastest server this machine has.
  const www = join(dir, "www");
  await mkdir(www);
  await chmod(dir, 0o755); // nginx workers run unprivileged and must read the files
  await chmod(www, 0o755);
  const nginx = await startNginx(ensureNginx(log), www, dir, await freePort());
  cleanups.push(nginx.stop);
  const [, verdaccioTarget] = ciTargets;
  const verdaccioLock = await readFile(join(verdaccioTarget.dir, "package-lock.json"), "utf8");
  await pool(Object.entries(JSON.parse(verdaccioLock).packages).filter(([p]) => p !== ""), 8, async ([, p]) => {
    const path = new URL(p.resolved).pathname;
    const res = await fetch(p.resolved);
    if (res.status !== 200) throw new Error(`tarball ${p.resolved}: ${res.status}`);
    await mkdir(join(www, path, ".."), { recursive: true });
    await writeFile(join(www, path), new Uint8Array(await res.arrayBuffer()));
  });
  for (const d of await readdir(www, { recursive: true, withFileTypes: true })) if (d.isDirectory()) await chmod(join(d.parentPath, d.name), 0o755);
  const staticTarget = { label: "static nginx", client: await npmClient(tools, { registry: `${nginx.baseUrl}/`, label: "edge-registry-bench-npm-nginx" }), prefix: `${nginx.baseUrl}/`, dir: join(dir, "ci-nginx"), runs: [] };
  cleanups.push(() => staticTarget.client.dispose());
  await mkdir(staticTarget.dir);
  await writeFile(join(staticTarget.dir, "package.json"), projectJson);
  await writeFile(join(staticTarget.dir, "package-lock.json"), verdaccioLock.replaceAll(vRegistry, `${nginx.baseUrl}/`));
  ciTargets.push(staticTarget);
  const ci = async (t, extra) => {
    await rm(join(t.dir, "node_modules"), { recursive: true, force: true });
    const r = await t.client.npm(["ci", ...extra], { cwd: t.dir, timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`${t.label}: npm ci failed\n${output(r)}`);
    const installed = (await readdir(join(t.dir, "node_modules"))).filter((n) => n.startsWith("bench-dep-")).length;
    if (installed !== CI_DEPS) throw new Error(`${t.label}: ${installed} packages in node_modules`);
    return r.ms;
  };
  // Snapshot of the remote member's cache before the timed runs: any entry fetched or checked
  // upstream afterwards changes its fetchedAt/checkedAt.
  const cacheState = (entries) => new Map(entries.map((e) => [e.path, `${e.fetchedAt}/${e.checkedAt}`]));
  const beforeTimed = cacheState((await apiOk(registry, 200, "/repositories/bench-remote/cache?limit=1000")).entries);
  for (let round = 0; round < CI_RUNS; round++) {
    for (const t of round % 2 === 0 ? ciTargets : [...ciTargets].reverse()) {
      log(`(b) npm ci, empty npm cache: ${t.label}, round ${round + 1}/${CI_RUNS} …`);
      const cache = freshCache();
      t.runs.push(await ci(t, ["--cache", cache]));
      t.lastCache = cache;
    }
  }
  for (const t of ciTargets) t.floor = await ci(t, ["--cache", t.lastCache, "--offline"]);
  const cacheEntries = (await apiOk(registry, 200, "/repositories/bench-remote/cache?limit=1000")).entries;
  const tarballHits = cacheEntries.filter((e) => e.kind === "artifact").reduce((sum, e) => sum + e.hits, 0);
  const upstreamDuringTimed = [...cacheState(cacheEntries)].filter(([path, state]) => beforeTimed.get(path) !== state).length;
  return { ciTargets, cacheEntries, tarballHits, upstreamDuringTimed };
}

/** Prints the `npm ci` times of `timeNpmCi` and what our remote member's cache saw. */
export function reportNpmCi({ ciTargets, cacheEntries, tarballHits, upstreamDuringTimed }, log) {
  log(`(b) npm ci of ${CI_DEPS} packages, empty npm cache, warm registries (${CI_RUNS} runs each, alternating; s):`);
  for (const t of ciTargets) {
    const install = t.installMs === undefined ? "lockfile copied from Verdaccio's" : `first npm install ${(t.installMs / 1000).toFixed(2)} s`;
    log(`    ${t.label.padEnd(14)} median ${(median(t.runs) / 1000).toFixed(2)} s  (runs ${t.runs.map((m) => (m / 1000).toFixed(2)).join(", ")}; ${install}; npm ci --offline floor ${(t.floor / 1000).toFixed(2)} s)`);
  }
  const [o, v, n] = ciTargets;
  const aboveFloor = (t) => median(t.runs) - t.floor;
  const floorRatio = aboveFloor(o) > 50 && aboveFloor(v) > 50 ? (aboveFloor(o) / aboveFloor(v)).toFixed(2) : "n/a";
  log(`    ratio ours/verdaccio ${(median(o.runs) / median(v.runs)).toFixed(2)} (time; > 1 means slower); of the time above the offline floor ${floorRatio}`);
  log(`    static nginx (the fastest server here) / verdaccio ${(median(n.runs) / median(v.runs)).toFixed(2)}; ours / static nginx ${(median(o.runs) / median(n.runs)).toFixed(2)}`);
  log(`    our remote member's cache: ${cacheEntries.length} entries (filled by the first npm install), ${tarballHits} tarball hits written (up to ${1 + CI_RUNS} × ${CI_DEPS}: hits are written at most once a minute per entry, so most of the timed runs' hits are still pending in the isolate), ${upstreamDuringTimed} entries fetched or checked upstream during the timed runs`);
}
