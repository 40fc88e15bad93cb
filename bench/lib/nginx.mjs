// Debian's nginx-light as the physical baseline for serving bytes, shared by the benches.
import { spawnSync } from "node:child_process";

const CLIENT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function which(command) {
  const r = spawnSync("sh", ["-c", 'command -v "$0"', command], { env: { PATH: CLIENT_PATH }, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function pidsOf(name) {
  const r = spawnSync("ps", ["-eo", "pid=,comm="], { encoding: "utf8" });
  return new Set(r.stdout.split("\n").map((l) => l.trim().split(/\s+/)).filter(([, comm]) => comm === name).map(([pid]) => Number(pid)));
}

/** Finds nginx, installing Debian's nginx-light if needed; stops any service apt started. */
export function ensureNginx(log = console.log) {
  const found = which("nginx");
  if (found) return found;
  log("nginx not found: apt-get install -y nginx-light");
  const before = pidsOf("nginx");
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  const run = (args) => {
    const r = spawnSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status})`);
  };
  run(["apt-get", "update"]);
  run(["apt-get", "install", "-y", "--no-install-recommends", "nginx-light"]);
  // The package may start the system nginx service; we started it, so we stop it.
  for (const pid of pidsOf("nginx")) {
    if (!before.has(pid)) {
      try {
        process.kill(pid, "SIGQUIT");
      } catch {
        /* already gone */
      }
    }
  }
  const installed = which("nginx");
  if (!installed) throw new Error("nginx-light installed but nginx is not on PATH");
  return installed;
}

