/**
 * e2e client: nuget.exe 2.8.7 on mono, Debian bookworm's `nuget` package (it pulls mono).
 * It speaks only the v2 (OData) protocol; no v3 client (`dotnet`, nuget.exe 4+) installs
 * here, so the v3 suite speaks NuGet.Client's HTTP exactly instead (nuget-v3-protocol.test.ts).
 *
 * API for the suites:
 * - `nugetGate()`: skip outside CI when missing; `assertAvailable()` fails under CI=true.
 * - `runNuGet(args, home)`: runs `nuget` with a scrubbed environment and HOME under `home`
 *   (its NuGet.Config and caches live there), non-interactive.
 *
 * Only erasable TypeScript and node built-ins.
 */
import { clientGate, runCli, type CliResult } from "../harness.ts";
import { ensureDebianClients } from "./support/debian.ts";

export async function ensure(log: (line: string) => void): Promise<string[]> {
  return ensureDebianClients({ nuget: "nuget", mono: "mono-runtime", script: "bsdutils" }, log);
}

export function nugetGate(): ReturnType<typeof clientGate> {
  return clientGate("nuget");
}

const quote = (arg: string): string => `'${arg.replace(/'/g, "'\\''")}'`;

/**
 * Runs nuget. `tty`: inside a pseudo-terminal (util-linux `script`): nuget.exe 2.8 on mono
 * prints `list` results justified to the console width and, with no terminal (width 0),
 * loops printing empty lines forever.
 */
export function runNuGet(args: readonly string[], home: string, cwd?: string, tty = false): Promise<CliResult> {
  const options = { home, ...(cwd ? { cwd } : {}), env: { XDG_CONFIG_HOME: `${home}/.config`, MONO_REGISTRY_PATH: `${home}/.mono-registry`, TERM: "xterm" }, timeoutMs: 150_000 };
  const argv = [...args, "-NonInteractive"];
  if (!tty) return runCli("nuget", argv, options);
  return runCli("script", ["-qec", `stty cols 200; nuget ${argv.map(quote).join(" ")}`, "/dev/null"], options);
}

export const output = (r: CliResult): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
