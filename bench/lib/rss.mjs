// RSS sampling of the workerd processes `wrangler dev` or `npm start` starts, shared by the benches.
// `ps -o pid=,rss=` every SAMPLE_MS; a baseline is the median of ~1 s idle right before a phase.
import { execFile, spawnSync } from "node:child_process";

export const SAMPLE_MS = 100;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Every workerd process below `rootPid`, labelled by role. */
export function workerdProcesses(rootPid, port) {
  const r = spawnSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" });
  const rows = r.stdout.split("\n").filter(Boolean).map((line) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    return m ? { pid: Number(m[1]), ppid: Number(m[2]), args: m[3] } : null;
  }).filter(Boolean);
  const children = new Map();
  for (const row of rows) children.set(row.ppid, [...(children.get(row.ppid) ?? []), row]);
  const found = [];
  const walk = (pid) => {
    for (const child of children.get(pid) ?? []) {
      if (/\bworkerd\b/.test(child.args.split(" ")[0] ?? "")) {
        const role = child.args.includes(`entry=127.0.0.1:${port}`) ? "proxy (wrangler's entry on the dev port)"
          : child.args.includes("--inspector-addr") ? "user Worker (+ local R2/D1/DO simulators)" : "other";
        found.push({ pid: child.pid, role });
      }
      walk(child.pid);
    }
  };
  walk(rootPid);
  return found;
}

/** The workerd processes running now. */
export function workerdPids() {
  const r = spawnSync("pgrep", ["-x", "workerd"], { encoding: "utf8" });
  return new Set(r.stdout.split("\n").filter(Boolean).map(Number));
}

/**
 * The workerd processes `start()` launches (those running after it that were not before),
 * labelled `role`: under `npm start` (Miniflare) one workerd runs the Worker and the local
 * R2/D1/DO simulators. Nothing else may start workerd meanwhile.
 */
export async function startedWorkerds(start, role) {
  const before = workerdPids();
  const value = await start();
  return { value, workerds: [...workerdPids()].filter((pid) => !before.has(pid)).map((pid) => ({ pid, role })) };
}

/** Samples RSS (KiB) of `pids` every 100 ms with ps until stop(). */
export function rssSampler(pids) {
  const samples = [];
  let timer = null;
  let busy = false;
  const sampleOnce = () =>
    new Promise((done) => {
      execFile("ps", ["-o", "pid=,rss=", "-p", pids.join(",")], (error, stdout) => {
        const at = Date.now();
        const values = {};
        for (const line of (stdout ?? "").split("\n")) {
          const [pid, rss] = line.trim().split(/\s+/).map(Number);
          if (pid && Number.isFinite(rss)) values[pid] = rss;
        }
        if (Object.keys(values).length) samples.push({ at, values });
        done();
      });
    });
  return {
    samples,
    start() {
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        void sampleOnce().finally(() => (busy = false));
      }, SAMPLE_MS);
    },
    async stop() {
      clearInterval(timer);
      while (busy) await sleep(10);
      await sampleOnce();
    },
  };
}

/** Idle RSS per pid: median of ~1 s of samples right before a transfer. */
export async function baseline(pids) {
  const s = rssSampler(pids);
  s.start();
  await sleep(1000);
  await s.stop();
  return Object.fromEntries(pids.map((pid) => [pid, median(s.samples.map((x) => x.values[pid]).filter((v) => v !== undefined)) ?? 0]));
}

/** Runs `transfer` while sampling RSS; returns its result and baseline/peak per pid (KiB). */
export async function withRss(pids, transfer) {
  const base = await baseline(pids);
  const s = rssSampler(pids);
  s.start();
  let result;
  try {
    result = await transfer();
  } finally {
    await s.stop();
  }
  const peak = Object.fromEntries(pids.map((pid) => [pid, Math.max(0, ...s.samples.map((x) => x.values[pid] ?? 0))]));
  // A workerd that exits mid-transfer (crash, or a reload) makes this phase's numbers meaningless.
  const vanished = pids.filter((pid) => s.samples.some((x) => x.values[pid] === undefined) || !(base[pid] > 0));
  return { result, base, peak, vanished, samples: s.samples.length };
}

