#!/usr/bin/env node
// OCI benchmark: `npm run bench:oci`. `skopeo copy` push then pull of one multi-layer image
// (BENCH_LAYERS × BENCH_LAYER_MIB random gzip layers, default 6 × 50 MiB ≈ 300 MiB) against
// Edge Registry under `npm start` (BENCH_SERVER=dev: `wrangler dev`; bench/lib/registry.mjs;
// private hosted repository, the token flow with a user's password) and against CNCF
// distribution 2.8 (Debian `docker-registry`, filesystem storage in a temp dir, no auth) on
// the same machine, in this one run. BENCH_RUNS (2) rounds alternate between the two; prints
// the median wall time and MiB/s of each and the ratio ours/distribution (time: > 1 means
// slower), then the binding calls (bench/oci/calls.mjs) of a warm manifest by tag and a warm
// layer blob of the last pushed image, with the registry JWT skopeo uses.
// BENCH_KEEP=1 keeps the temp dir. Everything started here is stopped here.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, cleanups } from "../lib/cleanup.mjs";
import { SERVER, startBenchRegistry } from "../lib/registry.mjs";
import { formatPullCalls, pullToken, warmPullCalls } from "./calls.mjs";

if (!process.features.typescript) {
  console.error("bench/oci/run.mjs needs Node >= 22.18 with type stripping; run it with `npm run bench:oci` (Node 24).");
  process.exit(2);
}
const { freePort, runCli, sleep } = await import("../../test/e2e/harness.ts");
const { imageLayout, ociAccount } = await import("../../test/e2e/oci.ts");

const LAYERS = Number(process.env.BENCH_LAYERS ?? 6);
const LAYER_MIB = Number(process.env.BENCH_LAYER_MIB ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const log = (...args) => console.log(...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function startDistribution(dir) {
  const port = await freePort();
  const config = join(dir, "distribution.yml");
  await writeFile(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "distribution-data")}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child = spawn("docker-registry", ["serve", config], { stdio: "ignore", detached: true });
  cleanups.push(() => process.kill(-child.pid, "SIGTERM"));
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v2/`)).status === 200) return `127.0.0.1:${port}`;
    } catch {}
    await sleep(100);
  }
  throw new Error("docker-registry did not start");
}

async function skopeo(args) {
  const run = await runCli("skopeo", ["--insecure-policy", ...args], { timeoutMs: 1_800_000 });
  if (run.code !== 0) throw new Error(`skopeo ${args.join(" ")}: ${run.stderr}`);
  return run.ms / 1000;
}

try {
  const dir = await mkdtemp(join(tmpdir(), "bench-oci-"));
  if (process.env.BENCH_KEEP !== "1") cleanups.push(() => rm(dir, { recursive: true, force: true }));
  log(`image: ${LAYERS} layers × ${LAYER_MIB} MiB (random, gzip level 1), ${RUNS} runs each; ours under ${SERVER}`);
  const layout = await imageLayout(join(dir, "image"), "v1", Array.from({ length: LAYERS }, () => LAYER_MIB * 1024 * 1024));
  const total = LAYERS * LAYER_MIB;
  const registry = await startBenchRegistry("edge-registry-bench-oci");
  cleanups.push(() => registry.stop());
  const account = await ociAccount(registry, "bench-oci");
  const distribution = await startDistribution(dir);
  const sides = {
    ours: { host: account.host, repo: `${account.repo}/app`, push: ["--dest-creds", `${account.user}:${account.password}`], pull: ["--src-creds", `${account.user}:${account.password}`] },
    distribution: { host: distribution, repo: "bench/app", push: [], pull: [] },
  };
  const times = { ours: { push: [], pull: [] }, distribution: { push: [], pull: [] } };
  for (let run = 0; run < RUNS; run++) {
    for (const [name, side] of Object.entries(sides)) {
      const target = `docker://${side.host}/${side.repo}-${run}:v1`;
      const push = await skopeo(["copy", "--dest-tls-verify=false", ...side.push, `oci:${layout.dir}:v1`, target]);
      const pull = await skopeo(["copy", "--src-tls-verify=false", ...side.pull, target, `oci:${join(dir, `pulled-${name}-${run}`)}:v1`]);
      await rm(join(dir, `pulled-${name}-${run}`), { recursive: true, force: true });
      times[name].push.push(push);
      times[name].pull.push(pull);
      log(`run ${run + 1} ${name.padEnd(12)} push ${push.toFixed(1)} s   pull ${pull.toFixed(1)} s`);
    }
  }
  for (const op of ["push", "pull"]) {
    const ours = median(times.ours[op]);
    const base = median(times.distribution[op]);
    log(`${op}: ours ${ours.toFixed(1)} s (${(total / ours).toFixed(0)} MiB/s)   distribution 2.8 ${base.toFixed(1)} s (${(total / base).toFixed(0)} MiB/s)   time ratio ours/distribution ${(ours / base).toFixed(2)}`);
  }
  const image = `${sides.ours.repo}-${RUNS - 1}`;
  const auth = await pullToken(registry.baseUrl, image, account.user, account.password);
  const calls = await warmPullCalls(registry.baseUrl, image, "v1", layout.layerDigests[0], auth);
  log(`calls per warm request, hosted (D1 statements (round trips) · R2 · Durable Objects): ${formatPullCalls(calls)}`);
} finally {
  await cleanup();
}
