#!/usr/bin/env node
// `npm start [-- wrangler dev args]`: serve the registry locally on workerd with local D1/R2/DO.
// 1. Creates .dev.vars with a random ADMIN_TOKEN and CREDENTIALS_KEY unless they exist (never committed).
// 2. Applies D1 migrations to the same local state directory `wrangler dev` will use.
// 3. Prints the admin token and a copy-paste example, then runs `wrangler dev` with the given args.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const args = process.argv.slice(2);

function argValue(name) {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes("=") ? args[i].slice(name.length + 1) : args[i + 1];
}

function ensureDevVars() {
  const path = join(root, ".dev.vars");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const vars = Object.fromEntries(
    text.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")).trim(), l.slice(l.indexOf("=") + 1).trim().replace(/^"|"$/g, "")]),
  );
  const additions = [];
  if (!vars.ADMIN_TOKEN) additions.push(`ADMIN_TOKEN="${(vars.ADMIN_TOKEN = `er_admin_${randomBytes(24).toString("hex")}`)}"`);
  if (!vars.CREDENTIALS_KEY) additions.push(`CREDENTIALS_KEY="${(vars.CREDENTIALS_KEY = randomBytes(32).toString("base64"))}"`);
  if (additions.length) writeFileSync(path, `${text}${text && !text.endsWith("\n") ? "\n" : ""}${additions.join("\n")}\n`, { mode: 0o600 });
  return vars;
}

const vars = ensureDevVars();
const persistTo = argValue("--persist-to");
const port = argValue("--port") ?? "8787";

const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, CI: "true" }, // no interactive confirmation
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const base = `http://localhost:${port}`;
console.log(`
Edge Registry on ${base}
  admin token: ${vars.ADMIN_TOKEN}   (from .dev.vars)

  curl -H "Authorization: Bearer ${vars.ADMIN_TOKEN}" -H "Content-Type: application/json" \\
       -d '{"name":"tools","format":"generic","kind":"hosted","visibility":"private"}' ${base}/api/v1/repositories
  curl -H "Authorization: Bearer ${vars.ADMIN_TOKEN}" --upload-file ./README.md ${base}/generic/tools/docs/1.0.0/README.md
  curl -H "Authorization: Bearer ${vars.ADMIN_TOKEN}" -O ${base}/generic/tools/docs/1.0.0/README.md
`);

const dev = spawn(wrangler, ["dev", ...(args.includes("--port") || args.some((a) => a.startsWith("--port=")) ? [] : ["--port", port]), ...args], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
