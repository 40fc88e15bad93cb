// Debian's nginx-light as the physical baseline for serving bytes, shared by the benches.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** nginx (one worker, sendfile) on loopback `port` serving `root`, state under `dir`; returns its base URL and a stop function. */
export async function startNginx(nginxBin, root, dir, port) {
  const nginxDir = join(dir, "nginx");
  await mkdir(nginxDir);
  const conf = join(nginxDir, "nginx.conf");
  await writeFile(conf, `daemon off;
worker_processes 1;
pid ${nginxDir}/nginx.pid;
error_log ${nginxDir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path ${nginxDir}/client_body;
  proxy_temp_path ${nginxDir}/proxy;
  fastcgi_temp_path ${nginxDir}/fastcgi;
  uwsgi_temp_path ${nginxDir}/uwsgi;
  scgi_temp_path ${nginxDir}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location / { }
  }
}
`);
  const nginx = spawn(nginxBin, ["-p", nginxDir, "-e", join(nginxDir, "error.log"), "-c", conf], { stdio: ["ignore", "inherit", "inherit"], detached: true });
  const exited = once(nginx, "exit");
  const stop = async () => {
    if (nginx.exitCode === null && nginx.signalCode === null) {
      process.kill(-nginx.pid, "SIGQUIT");
      const timer = setTimeout(() => process.kill(-nginx.pid, "SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${baseUrl}/`, { method: "HEAD" })).status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (i > 100 || nginx.exitCode !== null) throw new Error("nginx did not start");
    await sleep(100);
  }
  return { baseUrl, stop };
}
