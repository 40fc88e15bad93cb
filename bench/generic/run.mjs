#!/usr/bin/env node
// Generic-format throughput and memory benchmark: `npm run bench:generic`.
//
// 1. Starts the registry — `npm start` (workerd through Miniflare on a direct socket, like every
//    bench; bench/lib/registry.mjs), or `wrangler dev` with BENCH_SERVER=dev — and writes a
//    random file (default 256 MiB).
// 2. Uploads it with `curl --upload-file` and downloads it with curl through the Worker,
//    timing each transfer (curl's %{time_total}) and checking the sha256.
// 3. Does the same against a control Worker (bench/generic/control: streams the body into one
//    R2 put, or R2 multipart in 8 MiB parts, and the object back; nothing else), served the
//    same way as the registry (npm start: its own Miniflare on a direct socket,
//    bench/lib/control-worker.mjs; dev: its own wrangler dev), so it separates the registry's
//    costs from the runtime's and the local R2 simulator's.
// 4. Serves the same file from nginx (Debian nginx-light, installed with apt if `nginx` is
//    missing), started by hand on a free loopback port with a temp config, and downloads it
//    the same way: the ratio worker/nginx says how close the Worker is to a plain file server.
// 5. Samples the RSS of the workerd processes of each side (`ps -o pid=,rss= -p …` every
//    100 ms) during upload and download and prints the peak against the idle baseline before
//    the transfer: flat means the Worker streamed, growth near the file size means it buffered.
// 6. Prints the registry's binding calls (D1 statements and round trips, R2, Durable Objects;
//    bench/lib/call-counts.mjs) of the upload (the PUT) and of one warm download of the file,
//    from the counting headers it answers with (started with D1_ROUND_TRIPS_HEADER=1).
//
// Env: BENCH_SIZE_MIB (256), BENCH_RUNS (download repetitions per server, 3), BENCH_UPLOADS
//      (upload repetitions per server, 3; the median is reported),
//      BENCH_KEEP=1 keeps the temp directory. Everything started here is stopped here.
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CALL_COUNT_VARS, countsFromHeaderDump, formatCalls, REPORT_CALLS_CURL } from "../lib/call-counts.mjs";
import { sha256File, writeRandomFile } from "../lib/files.mjs";
import { ensureNginx, startNginx, which } from "../lib/nginx.mjs";
import { SAMPLE_MS, startedWorkerds, withRss, workerdProcesses } from "../lib/rss.mjs";
import { startControlWorker } from "../lib/control-worker.mjs";
import { SERVER, startNpmStart } from "../lib/registry.mjs";
import { cleanup, cleanups } from "../lib/cleanup.mjs";

if (!process.features.typescript) {
  console.error("bench/generic/run.mjs needs Node >= 22.18 with type stripping; run it with `npm run bench:generic` (Node 24).");
  process.exit(2);
}
const { apiOk, freePort, repoRoot, runCli, startRegistry, startWranglerDev } = await import("../../test/e2e/harness.ts");

const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 256);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 3);
const SIZE = SIZE_MIB * MiB;


const log = (...args) => console.log(...args);
const mib = (bytes) => (bytes / MiB).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---------------------------------------------------------------------------------------

async function curlTransfer(args) {
  const r = await runCli("curl", ["-q", "-sS", "-w", "%{http_code} %{size_upload} %{size_download} %{time_total}", ...args], { timeoutMs: 600_000 });
  const [status, up, down, seconds] = r.stdout.trim().split(/\s+/).slice(-4).map(Number);
  if (r.code !== 0) throw new Error(`curl failed (${r.code}): ${r.stderr}`);
  return { status, up, down, seconds };
}

// ---------------------------------------------------------------------------------------

/** The workerd processes of a wrangler dev the harness started. */
function wranglerWorkerds(dev) {
  const workerds = workerdProcesses(dev.pid, dev.port);
  if (!workerds.length) throw new Error("no workerd process found under wrangler");
  return workerds;
}

/**
 * Uploads `file` once and downloads it RUNS times through a running Worker (`server`:
 * `{ workerds, logs() }`), sampling the RSS of its workerd processes; checks the bytes both ways.
 */
async function measureWorker(server, { uploadUrl, downloadUrl, headers, file, digest, dir }) {
  const { workerds } = server;
  const pids = workerds.map((w) => w.pid);
  const response = join(dir, "upload-response.json");
  const uploadHeaders = join(dir, "upload-headers.txt");
  // UPLOADS uploads, each to its own URL (`uploadUrl(i)`); the median one is reported, and the
  // RSS of every one is printed. The last is the one downloaded.
  const uploads = [];
  for (let i = 0; i < UPLOADS; i++) {
    // The last upload also reports its binding calls (counting a 256 MiB upload's dozen calls costs nothing measurable).
    const report = i === UPLOADS - 1 ? REPORT_CALLS_CURL : [];
    const upload = await withRss(pids, () => curlTransfer([...headers, ...report, "-D", uploadHeaders, "-o", response, "--upload-file", file, uploadUrl(i)]));
    if (upload.result.status !== 201) throw new Error(`upload answered ${upload.result.status}: ${await readFile(response, "utf8").catch(() => "")}`);
    const stored = JSON.parse(await readFile(response, "utf8"));
    if (stored.size !== SIZE || (stored.sha256 !== undefined && stored.sha256 !== digest)) throw new Error(`upload stored ${stored.size} bytes ${stored.sha256}, expected ${SIZE} ${digest}`);
    uploads.push(upload);
  }
  const upload = [...uploads].sort((a, b) => a.result.seconds - b.result.seconds)[Math.floor(uploads.length / 2)];
  // Timed runs go to /dev/null; one more run checks the bytes.
  const downloads = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await withRss(pids, () => curlTransfer(["-o", "/dev/null", downloadUrl]));
    if (run.result.status !== 200 || run.result.down !== SIZE) throw new Error(`download answered ${run.result.status} with ${run.result.down} bytes`);
    downloads.push(run);
  }
  const copy = join(dir, "download.bin");
  const downloadHeaders = join(dir, "download-headers.txt");
  await curlTransfer([...REPORT_CALLS_CURL, "-D", downloadHeaders, "-o", copy, downloadUrl]);
  const copyDigest = await sha256File(copy);
  await rm(copy);
  if (copyDigest !== digest) throw new Error(`downloaded sha256 ${copyDigest} != ${digest}`);
  const calls = { upload: countsFromHeaderDump(await readFile(uploadHeaders, "utf8")), download: countsFromHeaderDump(await readFile(downloadHeaders, "utf8")) };
  return { workerds, upload, uploads, downloads, calls, log: () => server.logs() };
}

async function measureNginx(nginxBin, dir) {
  const { baseUrl, stop } = await startNginx(nginxBin, dir, dir, await freePort());
  cleanups.push(stop);
  const url = `${baseUrl}/payload.bin`;
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await curlTransfer(["-o", "/dev/null", url]);
    if (run.status !== 200 || run.down !== SIZE) throw new Error(`nginx answered ${run.status} with ${run.down} bytes`);
    runs.push(run);
  }
  await stop();
  return runs;
}

async function main() {
  if (!which("curl")) throw new Error("curl is required");
  const nginxBin = ensureNginx(log);

  const dir = await mkdtemp(join(tmpdir(), "edge-registry-bench-"));
  if (process.env.BENCH_KEEP !== "1") cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await chmod(dir, 0o755); // nginx workers run unprivileged and must read the file
  const file = join(dir, "payload.bin");
  log(`writing ${SIZE_MIB} MiB of random data to ${file} …`);
  const digest = await writeRandomFile(file, SIZE);
  await chmod(file, 0o644);

  // 1. The registry.
  log(`starting the registry (${SERVER}) …`);
  const ROLE = "the Worker (+ local R2/D1/DO simulators)";
  const started = SERVER === "npm start" ? await startedWorkerds(() => startNpmStart("edge-registry-bench"), ROLE) : null;
  const registry = started ? started.value : await startRegistry({ label: "edge-registry-bench", vars: CALL_COUNT_VARS });
  const registryWorkerds = started ? started.workerds : wranglerWorkerds(registry);
  const registryLog = join(dir, "registry.log");
  let registryStopped = false;
  const stopRegistry = async () => {
    if (registryStopped) return;
    registryStopped = true;
    await writeFile(registryLog, registry.logs()).catch(() => {});
    await registry.stop();
  };
  cleanups.push(stopRegistry);
  await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: "bench", format: "generic", kind: "hosted", visibility: "public" } });
  const auth = ["-H", `Authorization: Bearer ${registry.adminToken}`];
  // Warm-up: first requests compile code and open D1/R2; keep that out of the baseline.
  const warm = join(dir, "warm.bin");
  await writeFile(warm, randomBytes(MiB));
  await curlTransfer([...auth, "-o", "/dev/null", "--upload-file", warm, `${registry.baseUrl}/generic/bench/warm/1/warm.bin`]);
  await curlTransfer(["-o", "/dev/null", `${registry.baseUrl}/generic/bench/warm/1/warm.bin`]);
  const fileUrl = (i) => `${registry.baseUrl}/generic/bench/payload/1.0.${i}/payload.bin`;
  log(`measuring the registry at ${registry.baseUrl} …`);
  const reg = await measureWorker({ workerds: registryWorkerds, logs: registry.logs }, { uploadUrl: (i) => fileUrl(i), downloadUrl: fileUrl(UPLOADS - 1), headers: auth, file, digest, dir });
  await stopRegistry();

  // 2. The control Worker: same runtime and R2 simulator, served the same way, no registry code.
  log("starting the control Worker (bench/generic/control) …");
  const controlDir = await mkdtemp(join(tmpdir(), "edge-registry-bench-control-"));
  cleanups.push(() => rm(controlDir, { recursive: true, force: true }));
  const controlStarted = SERVER === "npm start" ? await startedWorkerds(() => startControlWorker(controlDir), ROLE) : null;
  const controlServer = controlStarted ? controlStarted.value : await startWranglerDev({ stateDir: controlDir, args: ["--config", join(repoRoot, "bench", "generic", "control", "wrangler.toml")] });
  const control = { ...controlServer, workerds: controlStarted ? controlStarted.workerds : wranglerWorkerds(controlServer), logs: () => controlServer.logs?.() ?? "" };
  cleanups.push(() => control.stop());
  await curlTransfer(["-o", "/dev/null", "--upload-file", warm, `${control.baseUrl}/warm`]);
  await curlTransfer(["-o", "/dev/null", `${control.baseUrl}/warm`]);
  log(`measuring the control Worker at ${control.baseUrl} …`);
  const ctl = await measureWorker(control, { uploadUrl: () => `${control.baseUrl}/single`, downloadUrl: `${control.baseUrl}/single`, headers: [], file, digest, dir });
  const ctlMp = await measureWorker(control, { uploadUrl: () => `${control.baseUrl}/multi?multipart=1`, downloadUrl: `${control.baseUrl}/multi`, headers: [], file, digest, dir });
  await control.stop();

  // 3. nginx serving the same file.
  log("measuring nginx …");
  const nginxRuns = await measureNginx(nginxBin, dir);

  // Report.
  const rate = (r) => SIZE / MiB / r.seconds;
  const fmt = (xs) => xs.map((x) => x.toFixed(1)).join(", ");
  const regDown = reg.downloads.map((r) => rate(r.result));
  const ctlDown = ctl.downloads.map((r) => rate(r.result));
  const mpDown = ctlMp.downloads.map((r) => rate(r.result));
  const ngxDown = nginxRuns.map(rate);
  log("");
  log(`=== Edge Registry generic bench (${SERVER}): ${SIZE_MIB} MiB random file, curl over loopback, ${RUNS} download runs each (median) ===`);
  const uploadRuns = (m) => m.uploads.map((u) => rate(u.result).toFixed(1)).join(", ");
  log(`upload   registry: ${rate(reg.upload.result).toFixed(1)} MiB/s (median of ${UPLOADS}: ${uploadRuns(reg)}; one streamed put up to MULTIPART_THRESHOLD_BYTES (4 GiB by default), R2 multipart in 8 MiB parts above)`);
  log(`upload   control : ${rate(ctl.upload.result).toFixed(1)} MiB/s (median of ${UPLOADS}: ${uploadRuns(ctl)}; one streamed put)`);
  log(`upload   control-multipart: ${rate(ctlMp.upload.result).toFixed(1)} MiB/s (median of ${UPLOADS}: ${uploadRuns(ctlMp)}; R2 multipart, 8 MiB parts)`);
  log(`upload ratio registry/control (one streamed put each, all four digests on the registry's side): ${(rate(reg.upload.result) / rate(ctl.upload.result)).toFixed(3)}`);
  log(`download registry: ${median(regDown).toFixed(1)} MiB/s (runs: ${fmt(regDown)})`);
  log(`download control : ${median(ctlDown).toFixed(1)} MiB/s (runs: ${fmt(ctlDown)})`);
  log(`download control-multipart: ${median(mpDown).toFixed(1)} MiB/s (runs: ${fmt(mpDown)}; object stored as 8 MiB parts)`);
  log(`download nginx   : ${median(ngxDown).toFixed(1)} MiB/s (runs: ${fmt(ngxDown)}; nginx-light, sendfile, 1 worker)`);
  log(`download ratio worker/nginx: ${(median(regDown) / median(ngxDown)).toFixed(3)}   (control/nginx: ${(median(ctlDown) / median(ngxDown)).toFixed(3)}; control-multipart/nginx: ${(median(mpDown) / median(ngxDown)).toFixed(3)})`);
  log("sha256 of every upload and of one download per server verified");
  log(`calls per request, registry (D1 statements (round trips) · R2 · Durable Objects): upload ${formatCalls(reg.calls.upload)}; download (warm) ${formatCalls(reg.calls.download)}`);
  log("");
  log(`RSS of workerd (ps -o rss= every ${SAMPLE_MS} ms; baseline = median of 1 s idle right before each transfer):`);
  const growth = {};
  let broken = false;
  for (const [label, m] of [["registry", reg], ["control", ctl], ["control-multipart", ctlMp]]) {
    const phases = [...m.uploads.map((r, i) => [`upload #${i + 1}`, r]), ...m.downloads.map((r, i) => [`download #${i + 1}`, r])];
    for (const w of m.workerds) {
      for (const [name, phase] of phases) {
        const base = (phase.base[w.pid] ?? 0) * 1024;
        const peak = (phase.peak[w.pid] ?? 0) * 1024;
        const key = `${label}:${name.startsWith("upload") ? "upload" : "download"}`;
        growth[key] = Math.max(growth[key] ?? 0, peak - base);
        log(`  ${label.padEnd(17)} ${String(w.pid).padStart(7)} ${w.role.padEnd(42)} ${name.padEnd(12)} baseline ${mib(base).padStart(6)} MiB  peak ${mib(peak).padStart(6)} MiB  (+${mib(peak - base)} MiB, ${phase.samples} samples)`);
      }
    }
    for (const [name, phase] of phases) {
      if (phase.vanished.length) {
        broken = true;
        log(`WARNING: ${label} workerd ${phase.vanished.join(", ")} exited during ${name}: those RSS numbers are not valid`);
        log(`--- wrangler dev log (tail) ---\n${m.log().split("\n").slice(-60).join("\n")}`);
      }
    }
  }
  // The registry stores this file with one streamed put (below MULTIPART_THRESHOLD_BYTES), so
  // the fair control is the single-put one; the multipart control is shown beside it.
  const verdict = (what) => {
    const reg = growth[`registry:${what}`] ?? 0;
    const ctl = growth[`control:${what}`] ?? 0;
    const multipart = growth[`control-multipart:${what}`] ?? 0;
    const flat = reg < SIZE / 4;
    return `${what}: registry +${mib(reg)} MiB, control +${mib(ctl)} MiB (${mib(reg - ctl)} MiB apart), control-multipart +${mib(multipart)} MiB → ${flat ? "flat: streamed" : reg - ctl < SIZE / 4 ? "grew, but no more than the same R2 calls without registry code: workerd/local R2 simulator, not the registry" : "grew beyond the control: the registry buffered"}`;
  };
  log(`verdict (largest growth of any workerd; 'flat' = under a quarter of the file): ${verdict("upload")}; ${verdict("download")}`);
  if (broken) process.exitCode = 1;
}

try {
  await main();
  await cleanup();
} catch (error) {
  console.error(error);
  await cleanup();
  process.exit(1);
}
