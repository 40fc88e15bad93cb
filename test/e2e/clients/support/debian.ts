/**
 * Debian clients for test/e2e/clients/*.ts: installs the packages of missing commands with
 * apt-get (as root, or through sudo) and reports the commands still missing. Versions are
 * the ones the machine's Debian release (bookworm) ships; nothing else is downloaded.
 *
 * Only erasable TypeScript and node built-ins (run by scripts/ensure-e2e-clients.mjs under Node 24).
 */
import { spawnSync } from "node:child_process";
import { hasClient } from "../../harness.ts";

/** `command` → Debian package that provides it. */
export type DebianClients = Record<string, string>;

let updated = false;

function apt(args: string[], log: (line: string) => void): boolean {
  const root = process.getuid?.() === 0;
  // Another installer (a parallel run on the same machine) may hold dpkg's lock: wait for it.
  const withLockWait = ["-o", "DPkg::Lock::Timeout=600", ...args];
  const [command, argv] = root ? ["apt-get", withLockWait] : ["sudo", ["-n", "apt-get", ...withLockWait]];
  log(`${root ? "" : "sudo "}apt-get ${args.join(" ")}`);
  const run = spawnSync(command, argv, { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, encoding: "utf8", timeout: 900_000 });
  if (run.status !== 0) log(`apt-get ${args[0]} failed (${run.status ?? run.signal}): ${(run.stderr || run.stdout).trim().split("\n").slice(-5).join(" | ")}`);
  return run.status === 0;
}

/** Installs the packages of the commands that are missing; returns the commands still missing. */
export function ensureDebianClients(clients: DebianClients, log: (line: string) => void): string[] {
  const missing = Object.keys(clients).filter((command) => !hasClient(command));
  if (missing.length === 0) return [];
  const packages = [...new Set(missing.map((command) => clients[command] as string))];
  log(`missing ${missing.join(", ")}: installing Debian ${packages.join(" ")}`);
  if (!updated) updated = apt(["update", "-q"], log);
  apt(["install", "-y", "-q", "--no-install-recommends", ...packages], log);
  return Object.keys(clients).filter((command) => !hasClient(command));
}
