#!/usr/bin/env node
// Remote/virtual benchmark: `npm run bench:virtual`. Everything is measured in this one run.
//
// (a) Herd: BENCH_HERD curl processes (default 200), started at once, ask a generic virtual
//     repository for one uncached artifact (BENCH_HERD_MIB, default 4) that only its remote
//     member's upstream has. The upstream is a counting node:http server in this process
//     (test/e2e/counting-server.ts). Prints the upstream request count, p50/p99 of curl's
//     time to first byte and total time, and the X-Cache split; then the same herd again on
//     the now-cached artifact, which separates coalescing from what 200 concurrent requests
//     cost the local runtime on this machine anyway.
// (b) Warm throughput of one BENCH_SIZE_MIB (default 64) artifact: through the virtual
//     repository (the remote member's cached copy), through the virtual repository from its
//     hosted member, straight from a hosted repository, and from nginx (Debian nginx-light,
//     installed with apt if missing, started by hand on loopback with a temp config) serving
//     the same file. Median of BENCH_RUNS (5) curl downloads each; printed as ratios to nginx
//     and to a control: a bare Worker that only streams the same object out of local R2
//     (bench/generic/control, served on a direct socket like npm start; bench/lib/control-worker.mjs),
//     the most any Worker reaches through this runtime and R2 simulator here.
// (c) Real `mvn -B compile` of a small project (one dependency deployed to the hosted member
//     with deploy:deploy-file, BENCH_MVN_DEPS (8) behind the remote member) through the
//     virtual repository: cold (empty local repository for the groupId, registry cache
//     purged) and warm (registry cache filled, local repository emptied again), plus the
//     floor (everything already in the local repository: JVM + compile, no downloads).
//     BENCH_MVN_RUNS (5) rounds; wall time of each run and the median.
//
// The registry runs under `npm start` (BENCH_SERVER=dev: `wrangler dev`), bench/lib/registry.mjs.
// All repositories are private: every read goes through the engine (D1 + R2), never through
// the Workers Cache API, which serves public remote/virtual reads in production.
// BENCH_KEEP=1 keeps the temp dir. Everything started here is stopped here.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256File, writeRandomFile } from "../lib/files.mjs";
import { ensureNginx, startNginx, which } from "../lib/nginx.mjs";
import { startControlWorker } from "../lib/control-worker.mjs";
import { callCounts, formatCalls } from "../lib/call-counts.mjs";
import { SERVER, startBenchRegistry } from "../lib/registry.mjs";
import { cleanup, cleanups } from "../lib/cleanup.mjs";

if (!process.features.typescript) {
  console.error("bench/virtual/run.mjs needs Node >= 22.18 with type stripping; run it with `npm run bench:virtual` (Node 24).");
  process.exit(2);
}
const { apiOk, freePort, runCli, CLIENT_PATH } = await import("../../test/e2e/harness.ts");
const { startCountingServer } = await import("../../test/e2e/counting-server.ts");
const { isolatedLocalRepo, MAVEN_PLUGINS, mavenLayout, projectPom, runMvn, settingsXml } = await import("../../test/e2e/maven.ts");

const MiB = 1024 * 1024;
const HERD = Number(process.env.BENCH_HERD ?? 200);
const HERD_MIB = Number(process.env.BENCH_HERD_MIB ?? 4);
const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 64);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MVN_DEPS = Number(process.env.BENCH_MVN_DEPS ?? 8);
const MVN_RUNS = Number(process.env.BENCH_MVN_RUNS ?? 5);
const SIZE = SIZE_MIB * MiB;
const GROUP = "com.edgebench";
/** bench/generic/control's Worker on a direct socket, as npm start serves ours (bench/lib/control-worker.mjs). */
const CONTROL = "bare Worker, R2 stream (control)";


const log = (...args) => console.log(...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Nearest-rank percentile. */
const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};
const ms = (seconds) => `${(seconds * 1000).toFixed(0)} ms`;


const W = "%{http_code} %{size_download} %{time_starttransfer} %{time_total} %header{x-cache}";
function parseW(stdout) {
  const [status, down, ttfb, total, cache] = stdout.trim().split(/\s+/);
  return { status: Number(status), down: Number(down), ttfb: Number(ttfb), seconds: Number(total), cache: cache ?? "" };
}

async function curlTransfer(args) {
  const r = await runCli("curl", ["-q", "-sS", "-w", W, ...args], { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`curl failed (${r.code}): ${r.stderr}`);
  return parseW(r.stdout);
}

/** One curl process, spawned directly (runCli makes a temp HOME per call; 200 of those at once is noise). */
function curlRaw(args, home) {
  return new Promise((done, reject) => {
    const child = spawn("curl", ["-q", "-sS", "-w", W, ...args], { env: { PATH: CLIENT_PATH, HOME: home, LANG: "C.UTF-8" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? done(parseW(out)) : reject(new Error(`curl exit ${code}: ${err}`))));
  });
}

// ---------------------------------------------------------------------------------------

async function main() {
  for (const cmd of ["curl", "mvn", "javac", "jar"]) if (!which(cmd)) throw new Error(`${cmd} is required`);
  const nginxBin = ensureNginx(log);
  const dir = await mkdtemp(join(tmpdir(), "edge-registry-bench-virtual-"));
  if (process.env.BENCH_KEEP !== "1") cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await chmod(dir, 0o755); // nginx workers run unprivileged and must read the file
  const www = join(dir, "www");
  await mkdir(www);
  await chmod(www, 0o755);

  const upstream = await startCountingServer();
  cleanups.push(() => upstream.stop());
  log(`starting the registry (${SERVER}) …`);
  const registry = await startBenchRegistry("edge-registry-bench-virtual");
  let registryStopped = false;
  const stopRegistry = async () => {
    if (registryStopped) return;
    registryStopped = true;
    await writeFile(join(dir, "wrangler-dev.log"), registry.logs()).catch(() => {});
    await registry.stop();
  };
  cleanups.push(stopRegistry);
  const create = (body) => apiOk(registry, 201, "/repositories", { method: "POST", body });
  await create({ name: "hosted", format: "generic", kind: "hosted", visibility: "private" });
  await create({ name: "remote", format: "generic", kind: "remote", visibility: "private", remote: { url: `${upstream.baseUrl}/files/` } });
  await create({ name: "virtual", format: "generic", kind: "virtual", visibility: "private", members: [{ repository: "hosted", priority: 10 }, { repository: "remote", priority: 1 }] });
  const token = registry.adminToken;
  const auth = ["-H", `Authorization: Bearer ${token}`];
  const url = (path) => `${registry.baseUrl}${path}`;
  // Warm-up: compile code paths, open D1/R2 (a 404 through the virtual asks the upstream once).
  await curlTransfer([...auth, "-o", "/dev/null", url("/generic/virtual/warmup/1/none.bin")]);

  // (a) herd ------------------------------------------------------------------------------
  const herdBody = randomBytes(HERD_MIB * MiB);
  const herdDigest = createHash("sha256").update(herdBody).digest("hex");
  upstream.put("/files/herd/1.0/herd.bin", herdBody);
  upstream.put("/files/solo/1.0/solo.bin", randomBytes(HERD_MIB * MiB));
  // Baseline: one cold request alone (same size, its own path).
  const solo = await curlTransfer([...auth, "-o", "/dev/null", url("/generic/virtual/solo/1.0/solo.bin")]);
  if (solo.status !== 200 || solo.cache !== "MISS") throw new Error(`solo cold request answered ${solo.status} ${solo.cache}`);
  upstream.reset();
  log(`(a) herd: ${HERD} concurrent curls, one uncached ${HERD_MIB} MiB artifact …`);
  const herdHome = join(dir, "herd-home");
  await mkdir(herdHome);
  const herdUrl = url("/generic/virtual/herd/1.0/herd.bin");
  const herdStarted = performance.now();
  const herdStartedAt = Date.now();
  const herd = await Promise.all(Array.from({ length: HERD }, () => curlRaw([...auth, "-o", "/dev/null", herdUrl], herdHome)));
  const herdWall = (performance.now() - herdStarted) / 1000;
  const herdUpstream = upstream.count("/files/herd/1.0/herd.bin");
  const fillArrivedMs = (upstream.requests.find((r) => r.path === "/files/herd/1.0/herd.bin")?.at ?? NaN) - herdStartedAt;
  const bad = herd.filter((r) => r.status !== 200 || r.down !== herdBody.length);
  const herdCheck = join(dir, "herd-check.bin");
  await curlTransfer([...auth, "-o", herdCheck, herdUrl]);
  const herdOk = (await sha256File(herdCheck)) === herdDigest;
  const split = {};
  for (const r of herd) split[r.cache || "none"] = (split[r.cache || "none"] ?? 0) + 1;
  // The same herd again, now cached: what 200 concurrent requests cost this runtime anyway.
  const warmHerd = await Promise.all(Array.from({ length: HERD }, () => curlRaw([...auth, "-o", "/dev/null", herdUrl], herdHome)));
  if (warmHerd.some((r) => r.status !== 200 || r.cache !== "HIT")) throw new Error("warm herd: not every request was a 200 HIT");
  const herdUpstreamAfter = upstream.count("/files/herd/1.0/herd.bin");

  // (b) warm throughput ---------------------------------------------------------------------
  log(`(b) warm throughput: ${SIZE_MIB} MiB …`);
  const file = join(www, "payload.bin");
  const digest = await writeRandomFile(file, SIZE);
  await chmod(file, 0o644);
  upstream.put("/files/payload/1.0/payload.bin", new Uint8Array(await readFile(file)));
  const fill = await curlTransfer([...auth, "-o", "/dev/null", url("/generic/virtual/payload/1.0/payload.bin")]);
  if (fill.status !== 200 || fill.cache !== "MISS") throw new Error(`filling the cache answered ${fill.status} ${fill.cache}`);
  const up = await curlTransfer([...auth, "-o", "/dev/null", "--upload-file", file, url("/generic/hosted/hosted-payload/1.0/payload.bin")]);
  if (up.status !== 201) throw new Error(`hosted upload answered ${up.status}`);
  const nginx = await startNginx(nginxBin, www, dir, await freePort());
  cleanups.push(nginx.stop);
  const control = await startControlWorker(dir);
  cleanups.push(control.stop);
  const stored = await curlTransfer(["-o", "/dev/null", "--upload-file", file, `${control.baseUrl}/payload.bin`]);
  if (stored.status !== 201) throw new Error(`control upload answered ${stored.status}`);
  const targets = [
    ["virtual (remote member, cached)", url("/generic/virtual/payload/1.0/payload.bin"), auth, "HIT"],
    ["virtual (hosted member)", url("/generic/virtual/hosted-payload/1.0/payload.bin"), auth, "HIT"],
    ["hosted", url("/generic/hosted/hosted-payload/1.0/payload.bin"), auth, null],
    [CONTROL, `${control.baseUrl}/payload.bin`, [], null],
    ["nginx", `${nginx.baseUrl}/payload.bin`, [], null],
  ];
  const throughput = [];
  for (const [label, target, headers, cache] of targets) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await curlTransfer([...headers, "-o", "/dev/null", target]);
      if (r.status !== 200 || r.down !== SIZE) throw new Error(`${label}: ${r.status} with ${r.down} bytes`);
      if (cache && r.cache !== cache) throw new Error(`${label}: X-Cache ${r.cache}, expected ${cache}`);
      runs.push(SIZE / MiB / r.seconds);
    }
    const copy = join(dir, "copy.bin");
    await curlTransfer([...headers, "-o", copy, target]);
    if ((await sha256File(copy)) !== digest) throw new Error(`${label}: sha256 mismatch`);
    await rm(copy);
    const calls = label === "nginx" || label === CONTROL ? null : await callCounts(target, [headers[1] ?? ""].filter(Boolean));
    throughput.push({ label, runs, median: median(runs), calls });
  }
  await nginx.stop();
  const payloadUpstream = upstream.count("/files/payload/1.0/payload.bin");

  // (c) mvn -------------------------------------------------------------------------------
  log(`(c) mvn: 1 hosted + ${MVN_DEPS} remote dependencies …`);
  await create({ name: "mvn-libs", format: "maven", kind: "hosted", visibility: "private" });
  await create({ name: "mvn-remote", format: "maven", kind: "remote", visibility: "private", remote: { url: `${upstream.baseUrl}/maven2/` } });
  await create({ name: "mvn-all", format: "maven", kind: "virtual", visibility: "private", members: [{ repository: "mvn-libs", priority: 10 }, { repository: "mvn-remote", priority: 1 }] });
  const mvnWork = join(dir, "mvn");
  await mkdir(mvnWork);
  const settings = join(mvnWork, "settings.xml");
  await writeFile(settings, settingsXml("edge-registry", token));
  // One javac for every class, then one jar per artifact.
  const names = ["hosted", ...Array.from({ length: MVN_DEPS }, (_, i) => `lib${i}`)];
  const srcFiles = [];
  for (const name of names) {
    const pkgDir = join(mvnWork, "src", "com", "edgebench", name);
    await mkdir(pkgDir, { recursive: true });
    const source = join(pkgDir, "Api.java");
    await writeFile(source, `package com.edgebench.${name};\npublic class Api {\n  public static String name() { return "${name}"; }\n}\n`);
    srcFiles.push(source);
  }
  const classes = join(mvnWork, "classes");
  const javac = await runCli("javac", ["--release", "17", "-d", classes, ...srcFiles], { cwd: mvnWork });
  if (javac.code !== 0) throw new Error(`javac failed: ${javac.stderr}`);
  const jars = {};
  for (const name of names) {
    const jar = join(mvnWork, `${name}.jar`);
    const r = await runCli("jar", ["cf", jar, "-C", classes, `com/edgebench/${name}`], { cwd: mvnWork });
    if (r.code !== 0) throw new Error(`jar failed: ${r.stderr}`);
    jars[name] = jar;
  }
  const coords = (name) => ({ groupId: GROUP, artifactId: name, version: "1.0" });
  for (const name of names.slice(1)) {
    for (const [path, body] of mavenLayout(coords(name), new Uint8Array(await readFile(jars[name])))) upstream.put(`/maven2/${path}`, body);
  }
  const deployHome = await isolatedLocalRepo([GROUP]);
  cleanups.push(() => deployHome.dispose());
  const deploy = await runMvn([
    "-s", settings, `-Dmaven.repo.local=${deployHome.path}`, `${MAVEN_PLUGINS.deploy}:deploy-file`,
    `-Durl=${registry.baseUrl}/maven/mvn-libs`, "-DrepositoryId=edge-registry", `-Dfile=${jars.hosted}`,
    `-DgroupId=${GROUP}`, "-DartifactId=hosted", "-Dversion=1.0", "-Dpackaging=jar",
  ], { cwd: mvnWork });
  if (deploy.code !== 0) throw new Error(`mvn deploy-file failed:\n${deploy.stdout}\n${deploy.stderr}`);
  const project = join(mvnWork, "app");
  await mkdir(join(project, "src", "main", "java", "com", "edgebench", "app"), { recursive: true });
  await writeFile(join(project, "pom.xml"), projectPom({
    coordinates: { groupId: `${GROUP}.app`, artifactId: "app", version: "1.0" },
    repositoryId: "edge-registry",
    repositoryUrl: `${registry.baseUrl}/maven/mvn-all`,
    dependencies: names.map(coords),
  }));
  await writeFile(join(project, "src", "main", "java", "com", "edgebench", "app", "App.java"),
    `package com.edgebench.app;\npublic class App {\n  public static void main(String[] a) {\n${names.map((n) => `    System.out.println(com.edgebench.${n}.Api.name());`).join("\n")}\n  }\n}\n`);
  const compile = async (local) => {
    await rm(join(project, "target"), { recursive: true, force: true });
    const r = await runMvn(["-s", settings, `-Dmaven.repo.local=${local.path}`, "compile"], { cwd: project });
    if (r.code !== 0 || !r.stdout.includes("BUILD SUCCESS")) throw new Error(`mvn compile failed:\n${r.stdout}\n${r.stderr}`);
    return { ms: r.ms, downloads: (r.stdout.match(/Downloaded from edge-registry/g) ?? []).length };
  };
  const mvnRounds = [];
  for (let round = 0; round < MVN_RUNS; round++) {
    await apiOk(registry, 200, "/repositories/mvn-remote/cache", { method: "DELETE" });
    upstream.reset();
    const coldRepo = await isolatedLocalRepo([GROUP]);
    cleanups.push(() => coldRepo.dispose());
    const cold = await compile(coldRepo);
    const coldUpstream = upstream.requests.length;
    const warmRepo = await isolatedLocalRepo([GROUP]);
    cleanups.push(() => warmRepo.dispose());
    const warm = await compile(warmRepo);
    const warmUpstream = upstream.requests.length - coldUpstream;
    const floor = await compile(warmRepo); // everything local: JVM + compile, no downloads
    mvnRounds.push({ cold, warm, floor, coldUpstream, warmUpstream });
  }
  await stopRegistry();

  // Report ----------------------------------------------------------------------------------
  const nginxRate = throughput.find((t) => t.label === "nginx").median;
  const latency = (rs) => {
    const ttfb = rs.map((r) => r.ttfb);
    const total = rs.map((r) => r.seconds);
    return `time to first byte p50 ${ms(percentile(ttfb, 50))}  p99 ${ms(percentile(ttfb, 99))};  total p50 ${ms(percentile(total, 50))}  p99 ${ms(percentile(total, 99))}`;
  };
  const p50 = (rs) => percentile(rs.map((r) => r.seconds), 50);
  log("");
  log(`=== Edge Registry remote/virtual bench (${SERVER}, curl over loopback, private repositories) ===`);
  log(`(a) herd: ${HERD} concurrent curl processes, one uncached ${HERD_MIB} MiB artifact through virtual → remote → counting upstream`);
  log(`    upstream requests: ${herdUpstream} (for ${HERD} client requests; still ${herdUpstreamAfter} after ${HERD} more); failures: ${bad.length}; sha256 ${herdOk ? "ok" : "MISMATCH"}; X-Cache ${JSON.stringify(split)}`);
  log(`    single cold request alone (baseline): time to first byte ${ms(solo.ttfb)}, total ${ms(solo.seconds)}`);
  log(`    cold herd (curl, per request): ${latency(herd)};  wall ${herdWall.toFixed(2)} s; the one upstream request arrived ${fillArrivedMs} ms after the spawns began`);
  log(`    warm herd (same ${HERD} at once, all HIT): ${latency(warmHerd)};  cold/warm total p50 ${(p50(herd) / p50(warmHerd)).toFixed(2)}`);
  const controlRate = throughput.find((t) => t.label === CONTROL).median;
  log(`(b) warm download, ${SIZE_MIB} MiB, median of ${RUNS} (MiB/s, ratio to nginx, ratio to the bare Worker streaming the same R2 object):`);
  for (const t of throughput) log(`    ${t.label.padEnd(32)} ${t.median.toFixed(1).padStart(8)} MiB/s   ${(t.median / nginxRate).toFixed(3)}   ${(t.median / controlRate).toFixed(3)}   (runs: ${t.runs.map((x) => x.toFixed(1)).join(", ")})${t.calls === null ? "" : `   calls ${formatCalls(t.calls)}`}`);
  log(`    upstream requests for the ${SIZE_MIB} MiB artifact: ${payloadUpstream} (the fill; every timed read was a HIT)`);
  log(`(c) mvn -B compile, 1 hosted + ${MVN_DEPS} remote dependencies through the virtual repository (${MVN_RUNS} rounds):`);
  const pick = (key) => mvnRounds.map((r) => r[key].ms / 1000);
  log(`    cold  (empty local repo, registry cache purged): median ${median(pick("cold")).toFixed(2)} s  (runs: ${pick("cold").map((x) => x.toFixed(2)).join(", ")}; ${mvnRounds[0].cold.downloads} downloads; upstream requests ${mvnRounds.map((r) => r.coldUpstream).join(", ")})`);
  log(`    warm  (empty local repo, registry cache full):   median ${median(pick("warm")).toFixed(2)} s  (runs: ${pick("warm").map((x) => x.toFixed(2)).join(", ")}; ${mvnRounds[0].warm.downloads} downloads; upstream requests ${mvnRounds.map((r) => r.warmUpstream).join(", ")})`);
  log(`    floor (all in the local repo, no downloads):      median ${median(pick("floor")).toFixed(2)} s  (runs: ${pick("floor").map((x) => x.toFixed(2)).join(", ")})`);
  log(`    ratios: cold/warm ${(median(pick("cold")) / median(pick("warm"))).toFixed(2)}; warm − floor ${(median(pick("warm")) - median(pick("floor"))).toFixed(2)} s, cold − floor ${(median(pick("cold")) - median(pick("floor"))).toFixed(2)} s`);
  if (herdUpstream !== 1 || herdUpstreamAfter !== 1 || bad.length || !herdOk || mvnRounds.some((r) => r.warmUpstream !== 0)) process.exitCode = 1;
}

try {
  await main();
  await cleanup();
} catch (error) {
  console.error(error);
  await cleanup();
  process.exit(1);
}
