#!/usr/bin/env node
// Go modules benchmark: `npm run bench:go`. `go mod download` (the preinstalled Go 1.26,
// test/e2e/clients/go.ts) of an app requiring BENCH_MODULES (30) modules, resolved through our
// virtual repository's GOPROXY, against the same modules served directly by nginx as a static
// GOPROXY directory (the floor); every number comes from this one run and is printed as a ratio.
//
// Fixture: BENCH_MODULES modules `bench.test/mod-NN v1.0.0`, each one package, written as a
// static proxy tree (`{module}/@v/list`, `.info`, `.mod`, `.zip`) that nginx (Debian's,
// bench/lib/nginx.mjs) serves. Ours: a public remote repository whose upstream is that nginx
// tree, inside a public virtual repository (with an empty hosted member in front, as a real
// setup has), served by `wrangler dev`.
//
// Each round is `go mod download` with an empty module cache (GOMODCACHE under a fresh dir),
// `GOPROXY=<url>,off`, `GOSUMDB=off`, so go fetches every `.info`/`.mod`/`.zip`:
//   nginx  — directly from nginx;
//   cold   — through a brand-new remote + virtual pair (every file filled from nginx in the run);
//   warm   — through the pair of the previous cold round (all of it cached).
// BENCH_RUNS (3) rounds of each, alternating; medians and ratios to nginx. BENCH_KEEP=1 keeps
// the temp dir. Everything started here is stopped here.
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, cleanups } from "../lib/cleanup.mjs";
import { ensureNginx, startNginx } from "../lib/nginx.mjs";

if (!process.features.typescript) {
  console.error("bench/go/run.mjs needs Node >= 22.18 with type stripping; run it with `npm run bench:go` (Node 24).");
  process.exit(2);
}
const { apiOk, freePort, runCli, startRegistry } = await import("../../test/e2e/harness.ts");
const { ensure, goBinary, goEnv } = await import("../../test/e2e/clients/go.ts");
const { goPackage, moduleZip } = await import("../../test/helpers/go-modules.ts");

const MODULES = Number(process.env.BENCH_MODULES ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const log = (...args) => console.log(...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const ratio = (ours, base) => (base > 0 && ours > 0 ? `${(ours / base).toFixed(2)}×` : "n/a");

/** Writes the static GOPROXY tree nginx serves under `root`. */
async function writeStaticProxy(root, modules) {
  for (const module of modules) {
    const dir = join(root, module, "@v");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "list"), "v1.0.0\n");
    await writeFile(join(dir, "v1.0.0.info"), JSON.stringify({ Version: "v1.0.0", Time: "2026-01-01T00:00:00Z" }));
    await writeFile(join(dir, "v1.0.0.mod"), `module ${module}\n\ngo 1.22\n`);
    const name = module.split("/").at(-1).replace(/-/g, "");
    await writeFile(join(dir, "v1.0.0.zip"), moduleZip(module, "v1.0.0", { [`${name}.go`]: goPackage(name, module) }));
  }
}

/** One `go mod download` of the app through `proxy` with an empty module cache; returns ms. */
async function downloadRound(go, app, dir, proxy) {
  const home = await mkdtemp(join(dir, "round-"));
  try {
    const started = Date.now();
    const result = await runCli(go, ["mod", "download"], { cwd: app, home, env: goEnv(home, proxy), timeoutMs: 600_000 });
    const ms = Date.now() - started;
    if (result.code !== 0) throw new Error(`go mod download via ${proxy}: ${result.stdout}\n${result.stderr}`);
    return ms;
  } finally {
    // The module cache is read-only on disk (go's choice): make it removable first.
    await runCli("chmod", ["-R", "u+w", home]);
    await rm(home, { recursive: true, force: true });
  }
}

async function main() {
  const missing = await ensure(log);
  if (missing.length) throw new Error(`missing: ${missing.join(", ")}`);
  const go = goBinary();
  const nginxBin = ensureNginx(log);
  const dir = await mkdtemp(join(tmpdir(), "edge-registry-bench-go-"));
  if (process.env.BENCH_KEEP !== "1") cleanups.push(async () => {
    await runCli("chmod", ["-R", "u+w", dir]);
    await rm(dir, { recursive: true, force: true });
  });
  await chmod(dir, 0o755); // nginx workers run unprivileged

  const modules = Array.from({ length: MODULES }, (_, i) => `bench.test/mod-${String(i).padStart(2, "0")}`);
  const root = join(dir, "static");
  await writeStaticProxy(root, modules);
  const app = join(dir, "app");
  await mkdir(app);
  await writeFile(join(app, "go.mod"), `module bench.test/app\n\ngo 1.22\n\nrequire (\n${modules.map((m) => `\t${m} v1.0.0\n`).join("")})\n`);

  const nginxPort = await freePort();
  const nginxUrl = `http://127.0.0.1:${nginxPort}`;
  const nginx = await startNginx(nginxBin, root, dir, nginxPort);
  cleanups.push(nginx.stop);

  log("starting the registry (wrangler dev) …");
  const registry = await startRegistry({ label: "edge-registry-bench-go" });
  cleanups.push(() => registry.stop());
  const create = (body) => apiOk(registry, 201, "/repositories", { method: "POST", body });
  await create({ name: "bench-hosted", format: "go", kind: "hosted", visibility: "public" });
  let pairs = 0;
  const newPair = async () => {
    const n = ++pairs;
    await create({ name: `bench-remote-${n}`, format: "go", kind: "remote", visibility: "public", remote: { url: `${nginxUrl}/`, metadataTtlSeconds: 3600 } });
    await create({ name: `bench-virtual-${n}`, format: "go", kind: "virtual", visibility: "public", members: [{ repository: "bench-hosted", priority: 10 }, { repository: `bench-remote-${n}`, priority: 1 }] });
    return `${registry.baseUrl}/go/bench-virtual-${n}`;
  };

  // One unmeasured download from nginx warms the OS caches and checks the fixture.
  await downloadRound(go, app, dir, nginxUrl);
  const times = { nginx: [], cold: [], warm: [] };
  for (let round = 0; round < RUNS; round++) {
    times.nginx.push(await downloadRound(go, app, dir, nginxUrl));
    const url = await newPair();
    times.cold.push(await downloadRound(go, app, dir, url));
    times.warm.push(await downloadRound(go, app, dir, url));
    log(`round ${round + 1}: nginx ${fmt(times.nginx.at(-1))} ms, cold ${fmt(times.cold.at(-1))} ms, warm ${fmt(times.warm.at(-1))} ms`);
  }

  const nginxMedian = median(times.nginx);
  log(`\ngo mod download of ${MODULES} modules (empty module cache), median of ${RUNS} (load ${loadavg()[0].toFixed(2)}):`);
  log(`  nginx (floor)      ${fmt(nginxMedian)} ms  (runs ${times.nginx.map(fmt).join(", ")})`);
  for (const side of ["cold", "warm"]) {
    log(`  ours virtual ${side}  ${fmt(median(times[side]))} ms  (runs ${times[side].map(fmt).join(", ")})  ratio ${ratio(median(times[side]), nginxMedian)} of nginx's time`);
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
