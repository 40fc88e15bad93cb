// The registry a benchmark measures: `npm start` (scripts/start.mjs, workerd via Miniflare, no
// development proxy; issue 15's targets are stated under it) by default, or `wrangler dev`
// (the e2e harness) with BENCH_SERVER=dev. Always with the call counters on
// (D1_ROUND_TRIPS_HEADER=1, bench/lib/call-counts.mjs). Returns { baseUrl, adminToken, logs(), stop() }.
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CALL_COUNT_VARS } from "./call-counts.mjs";

const { freePort, startRegistry } = await import("../../test/e2e/harness.ts");
const { startLocalServer } = await import("../../test/e2e/local-server.ts");

/** Which server BENCH_SERVER selects, for the report. */
export const SERVER = process.env.BENCH_SERVER === "dev" ? "wrangler dev" : "npm start";

/** `npm start` on a fresh state dir with `vars` written to its secrets file (start.mjs passes them as bindings). */
export async function startNpmStart(label, vars = {}) {
  const dir = await mkdtemp(join(tmpdir(), `${label}-`));
  const varsFile = join(dir, "vars");
  writeFileSync(varsFile, `${Object.entries({ ...CALL_COUNT_VARS, ...vars }).map(([k, v]) => `${k}="${v}"`).join("\n")}\n`);
  const server = await startLocalServer(["--port", String(await freePort()), "--persist-to", join(dir, "state")], varsFile);
  return {
    baseUrl: server.base,
    adminToken: /ADMIN_TOKEN="([^"]+)"/.exec(readFileSync(varsFile, "utf8"))[1],
    logs: () => server.output(),
    stop: async () => {
      const code = await server.stop();
      if (!process.env.BENCH_KEEP) await rm(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** The registry under test, as BENCH_SERVER says. */
export function startBenchRegistry(label, vars = {}) {
  if (SERVER === "wrangler dev") return startRegistry({ label, vars: { ...CALL_COUNT_VARS, ...vars } });
  return startNpmStart(label, vars);
}
