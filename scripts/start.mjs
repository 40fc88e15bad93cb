#!/usr/bin/env node
// `npm start [-- --port N --ip ADDR --persist-to DIR --cron "EXPR"]`: the production local server.
// Serves the built Worker on workerd through Miniflare's API, WITHOUT wrangler dev's development
// proxy (which alone caps a Worker near ~700 req/s on a 2-core machine; docs/self-hosting.md):
// 1. creates .dev.vars with a random ADMIN_TOKEN and CREDENTIALS_KEY unless present (never committed);
// 2. applies the D1 migrations to the local state (same layout as `wrangler dev`: <persist-to>/v3);
// 3. bundles the Worker once (`wrangler deploy --dry-run`, exactly what a deploy would upload);
// 4. serves it with persistent local D1, R2, Durable Objects and Cache, the Worker's JSON log
//    lines on stdout, and fires the `scheduled` handler on wrangler.toml's cron triggers (UTC).
// `npm run dev` keeps `wrangler dev` with live reload for development (scripts/dev.mjs).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { nextFireTime, parseCron } from "./lib/cron.mjs";
import { applyMigrations, argValue, ensureDevVars, printBanner, root, wrangler } from "./lib/local-setup.mjs";

const OPTIONS = ["--port", "--ip", "--persist-to", "--cron"];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const name = args[i].split("=")[0];
  if (!OPTIONS.includes(name)) {
    console.error(`npm start: unknown option ${args[i]} (options: ${OPTIONS.join(", ")}). For wrangler dev's options and live reload, use \`npm run dev -- ${args[i]}\`.`);
    process.exit(2);
  }
  if (!args[i].includes("=")) i++;
}

const port = Number(argValue(args, "--port") ?? "8787");
const host = argValue(args, "--ip") ?? "127.0.0.1";
const persistTo = argValue(args, "--persist-to") ?? join(root, ".wrangler", "state");
const config = unstable_readConfig({ config: join(root, "wrangler.toml") });
const crons = (argValue(args, "--cron") !== undefined ? [argValue(args, "--cron")] : (config.triggers?.crons ?? [])).filter(Boolean).map(parseCron);

const { path: varsPath, vars } = ensureDevVars();
applyMigrations(persistTo);

const outdir = mkdtempSync(join(tmpdir(), "edge-registry-build-"));
const build = spawnSync(wrangler, ["deploy", "--dry-run", "--outdir", outdir], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
if (build.status !== 0) {
  console.error("npm start: bundling the Worker failed (wrangler deploy --dry-run)");
  process.exit(build.status ?? 1);
}

/**
 * The Worker's console output, as workerd hands it over (one structured record per call):
 * the message as it was written, a line each, errors and warnings on stderr. Lines are
 * gathered and written once per turn of the event loop — one write for many requests'
 * log lines under load, instead of Miniflare's default console.log per line.
 */
const pending = { out: [], err: [] };
let flushQueued = false;
function writeLogLine({ level, message }) {
  (level === "error" || level === "warn" ? pending.err : pending.out).push(message);
  if (flushQueued) return;
  flushQueued = true;
  setImmediate(() => {
    flushQueued = false;
    if (pending.out.length) process.stdout.write(`${pending.out.join("\n")}\n`);
    if (pending.err.length) process.stderr.write(`${pending.err.join("\n")}\n`);
    pending.out = [];
    pending.err = [];
  });
}

const { workerOptions } = unstable_getMiniflareWorkerOptions(join(root, "wrangler.toml"));
const mf = new Miniflare(
  convertV4MiniflareOptions({
    // Miniflare's own entry socket (its router Worker in front of ours) stays internal, on a
    // free loopback port: the registry is served on `--ip`/`--port` by a direct socket into the
    // Worker, which skips that extra Worker hop per request (a bare Worker: ~2,100 req/s through
    // the entry, ~7,500 direct on 2 cores; docs/self-hosting.md).
    host: "127.0.0.1",
    port: 0,
    resourcePersistencePath: join(persistTo, "v3"),
    log: new Log(LogLevel.INFO),
    logRequests: false, // the Worker writes its own JSON line per request
    // The cron fires through the entry socket's `/cdn-cgi/local/scheduled` (plain async HTTP),
    // not `mf.getWorker().scheduled()`: that proxy blocks Node's main thread (Atomics.wait)
    // until workerd answers, while workerd, under load, blocks writing log lines to the stdout
    // that only that thread reads — a deadlock that stopped the server at the first cron
    // under load. The entry socket listens on loopback only.
    unsafeTriggerHandlers: true,
    handleStructuredLogs: writeLogLine,
    cf: false, // no network: don't fetch Cloudflare's request.cf sample
    // bench/server/profile.mjs: workerd's V8 inspector, to take a CPU profile under load.
    inspectorPort: process.env.EDGE_REGISTRY_INSPECTOR_PORT ? Number(process.env.EDGE_REGISTRY_INSPECTOR_PORT) : undefined,
    workers: [
      {
        ...workerOptions,
        name: config.name,
        modules: [{ type: "ESModule", path: join(outdir, "index.js") }],
        modulesRoot: outdir,
        cronTriggers: [], // fired below, on schedule
        bindings: { ...workerOptions.bindings, ...vars },
        unsafeDirectSockets: [{ host, port }],
      },
    ],
  }),
);

let stopping = false;
const timers = new Set();
async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const timer of timers) clearTimeout(timer);
  await mf.dispose().catch(() => {});
  rmSync(outdir, { recursive: true, force: true });
  process.exit(code);
}
process.removeAllListeners("SIGINT");
process.removeAllListeners("SIGTERM");
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

let url;
try {
  await mf.ready;
  url = await mf.unsafeGetDirectURL(config.name);
} catch (error) {
  console.error(`npm start: the server did not start: ${error instanceof Error ? error.message : error}`);
  await stop(1);
}

function schedule(cron) {
  const at = nextFireTime(cron, new Date());
  const timer = setTimeout(async () => {
    timers.delete(timer);
    const started = Date.now();
    let outcome;
    try {
      const trigger = `http://localhost/cdn-cgi/local/scheduled?format=json&cron=${encodeURIComponent(cron.expression)}&time=${at.getTime()}`;
      ({ outcome } = await (await mf.dispatchFetch(trigger)).json());
    } catch (error) {
      outcome = `error: ${error instanceof Error ? error.message : error}`;
    }
    console.log(JSON.stringify({ cron: cron.expression, scheduledTime: at.toISOString(), outcome, ms: Date.now() - started }));
    if (!stopping) schedule(cron);
  }, Math.max(0, at.getTime() - Date.now()));
  timers.add(timer);
}
for (const cron of crons) schedule(cron);

const base = `http://${host === "0.0.0.0" || host === "::" ? "localhost" : host}:${url.port}`;
printBanner({
  base,
  token: vars.ADMIN_TOKEN,
  varsPath,
  extra: [
    `state:         ${persistTo}`,
    `cron triggers: ${crons.length ? crons.map((c) => `"${c.expression}"`).join(", ") : "none"} (UTC)`,
    "served by workerd without the development proxy; `npm run dev` for live reload",
  ],
});
