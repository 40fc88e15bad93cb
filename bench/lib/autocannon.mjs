// One autocannon run (the pinned copy in .e2e/tools, see test/e2e/npm.ts) in its own Node
// process with a bare environment, parsed from its JSON output. Shared by bench/npm and bench/pypi.
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";

/** Runs `autocannon -c connections -d seconds -j [-H header]… url` and returns its summary. */
export function autocannon(bin, url, { connections, duration, headers = [] }) {
  const args = [bin, "-c", String(connections), "-d", String(duration), "-j", ...headers.flatMap((h) => ["-H", h]), url];
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", HOME: tmpdir() } });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`autocannon exit ${code}: ${err}`));
      try {
        const j = JSON.parse(out);
        done({ rps: j.requests.average, p50: j.latency.p50, p99: j.latency.p99, total: j.requests.total, non2xx: j.non2xx, errors: j.errors, timeouts: j.timeouts, bytesPerSec: j.throughput.average });
      } catch (error) {
        reject(new Error(`autocannon output: ${error}\n${out}\n${err}`));
      }
    });
  });
}
