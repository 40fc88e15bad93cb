#!/usr/bin/env node
// Cargo benchmark: `npm run bench:cargo`. `cargo fetch` (cargo 1.95, test/e2e/clients/cargo.ts)
// of an app depending on BENCH_CRATES (30) crates, resolved through our virtual repository's
// sparse index, against the same fixtures served directly by nginx (the floor); every number
// comes from this one run and is printed as a ratio.
//
// Fixture: BENCH_CRATES dependency-free library crates `bench-crate-NN 1.0.0`, packaged by
// the real `cargo package`; a static sparse registry in a directory — `index/config.json`
// (dl: `{nginx}/files/{crate}/{crate}-{version}.crate`), `index/{prefix}/{name}` and the
// `.crate` files — served by nginx (Debian's, installed if missing: bench/lib/nginx.mjs).
// Ours: a public remote repository whose upstream is that nginx index, inside a public
// virtual repository (with an empty hosted member in front, as a real setup has), served by
// `npm start` (BENCH_SERVER=dev: `wrangler dev`; bench/lib/registry.mjs). Last, the binding
// calls of one warm index file and one warm `.crate` download through the virtual.
//
// Each round is `cargo fetch` with a fresh CARGO_HOME (empty cargo cache) and no Cargo.lock,
// so cargo reads config.json, all index files and downloads every `.crate`:
//   nginx  — directly from nginx;
//   cold   — through a brand-new remote + virtual pair (nothing cached: every index file and
//            crate is filled from nginx during the run);
//   warm   — through the pair of the previous cold round (index files revalidated only after
//            the metadata TTL; crates from R2).
// BENCH_RUNS (3) rounds of each, alternating; medians and ratios to nginx. BENCH_KEEP=1 keeps
// the temp dir. Everything started here is stopped here.
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { callCounts, formatCalls } from "../lib/call-counts.mjs";
import { cleanup, cleanups } from "../lib/cleanup.mjs";
import { SERVER, startBenchRegistry } from "../lib/registry.mjs";
import { ensureNginx, startNginx } from "../lib/nginx.mjs";

if (!process.features.typescript) {
  console.error("bench/cargo/run.mjs needs Node >= 22.18 with type stripping; run it with `npm run bench:cargo` (Node 24).");
  process.exit(2);
}
const { apiOk, freePort } = await import("../../test/e2e/harness.ts");
const { CARGO_VERSION, cargoClient, ensure, output, writeCrate } = await import("../../test/e2e/clients/cargo.ts");
const { indexLine, packageCrate, prefixPath } = await import("../../test/e2e/cargo.ts");

const CRATES = Number(process.env.BENCH_CRATES ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const log = (...args) => console.log(...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const ratio = (ours, base) => (base > 0 && ours > 0 ? `${(ours / base).toFixed(2)}×` : "n/a");

/** Writes the static sparse registry nginx serves: index/ and files/ under `root`. */
async function writeStaticRegistry(root, crates, nginxUrl) {
  await mkdir(join(root, "index"), { recursive: true });
  await writeFile(join(root, "index", "config.json"), JSON.stringify({ dl: `${nginxUrl}/files/{crate}/{crate}-{version}.crate` }));
  for (const crate of crates) {
    const indexFile = join(root, "index", prefixPath(crate.name));
    await mkdir(join(indexFile, ".."), { recursive: true });
    await writeFile(indexFile, `${indexLine(crate)}\n`);
    await mkdir(join(root, "files", crate.name), { recursive: true });
    await writeFile(join(root, "files", crate.name, `${crate.name}-${crate.version}.crate`), crate.bytes);
  }
}

/** One `cargo fetch` of the app against `indexUrl`, fresh CARGO_HOME, no lockfile; returns ms. */
async function fetchRound(app, indexUrl) {
  const client = await cargoClient([{ name: "bench", indexUrl }]);
  try {
    await rm(join(app, "Cargo.lock"), { force: true });
    const started = Date.now();
    const result = await client.run(["fetch"], { cwd: app });
    const ms = Date.now() - started;
    if (result.code !== 0) throw new Error(`cargo fetch from ${indexUrl}: ${output(result)}`);
    return ms;
  } finally {
    await client.cleanup();
  }
}

async function main() {
  const missing = await ensure(log);
  if (missing.length) throw new Error(`missing: ${missing.join(", ")}`);
  const nginxBin = ensureNginx(log);
  const dir = await mkdtemp(join(tmpdir(), "edge-registry-bench-cargo-"));
  if (process.env.BENCH_KEEP !== "1") cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await chmod(dir, 0o755); // nginx workers run unprivileged

  log(`packaging ${CRATES} crates with cargo ${CARGO_VERSION} …`);
  const packager = await cargoClient([]);
  cleanups.push(() => packager.cleanup());
  const crates = [];
  for (let i = 0; i < CRATES; i++) {
    const name = `bench-crate-${String(i).padStart(2, "0")}`;
    crates.push(await packageCrate(packager, join(dir, "src", name), name, "1.0.0", `pub fn value() -> u32 { ${i} }\n`));
  }
  const app = await writeCrate(join(dir, "app"), "bench-app", "0.1.0", {
    deps: crates.map((c) => `${c.name} = { version = "1", registry = "bench" }`),
    main: "fn main() {}\n",
  });

  const root = join(dir, "static");
  await mkdir(root);
  const nginxPort = await freePort();
  const nginxUrl = `http://127.0.0.1:${nginxPort}`;
  await writeStaticRegistry(root, crates, nginxUrl);
  const nginx = await startNginx(nginxBin, root, dir, nginxPort);
  cleanups.push(nginx.stop);

  log(`starting the registry (${SERVER}) …`);
  const registry = await startBenchRegistry("edge-registry-bench-cargo");
  cleanups.push(() => registry.stop());
  const create = (body) => apiOk(registry, 201, "/repositories", { method: "POST", body });
  await create({ name: "bench-hosted", format: "cargo", kind: "hosted", visibility: "public" });
  let pairs = 0;
  const newPair = async () => {
    const n = ++pairs;
    await create({ name: `bench-remote-${n}`, format: "cargo", kind: "remote", visibility: "public", remote: { url: `${nginxUrl}/index/`, metadataTtlSeconds: 3600 } });
    await create({ name: `bench-virtual-${n}`, format: "cargo", kind: "virtual", visibility: "public", members: [{ repository: "bench-hosted", priority: 10 }, { repository: `bench-remote-${n}`, priority: 1 }] });
    return `${registry.baseUrl}/cargo/bench-virtual-${n}/index/`;
  };

  // One unmeasured fetch from nginx warms the OS caches and checks the fixture.
  await fetchRound(app, `${nginxUrl}/index/`);
  const times = { nginx: [], cold: [], warm: [] };
  let url = "";
  for (let round = 0; round < RUNS; round++) {
    times.nginx.push(await fetchRound(app, `${nginxUrl}/index/`));
    url = await newPair();
    times.cold.push(await fetchRound(app, url));
    times.warm.push(await fetchRound(app, url));
    log(`round ${round + 1}: nginx ${fmt(times.nginx.at(-1))} ms, cold ${fmt(times.cold.at(-1))} ms, warm ${fmt(times.warm.at(-1))} ms`);
  }

  const nginxMedian = median(times.nginx);
  log(`\ncargo fetch of ${CRATES} crates (fresh CARGO_HOME, no Cargo.lock), median of ${RUNS} (load ${loadavg()[0].toFixed(2)}):`);
  log(`  nginx (floor)      ${fmt(nginxMedian)} ms  (runs ${times.nginx.map(fmt).join(", ")})`);
  for (const side of ["cold", "warm"]) {
    log(`  ours virtual ${side}  ${fmt(median(times[side]))} ms  (runs ${times[side].map(fmt).join(", ")})  ratio ${ratio(median(times[side]), nginxMedian)} of nginx's time`);
  }
  const first = crates[0].name;
  log(`binding calls per warm request through the virtual (${SERVER}):`);
  log(`  index file   ${formatCalls(await callCounts(`${url}${prefixPath(first)}`))}`);
  log(`  .crate       ${formatCalls(await callCounts(url.replace(/index\/$/, `api/v1/crates/${first}/1.0.0/download`)))}`);
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
