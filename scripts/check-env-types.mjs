#!/usr/bin/env node
// Fails when src/env.ts (Bindings) and wrangler.toml have drifted. `wrangler types` generates
// the Env interface from wrangler.toml (into a temp file; .dev.vars is not read); every binding
// and var it lists must be in Bindings with the same type (a var may be optional there), and
// every other member of Bindings must be an optional string: a secret (`wrangler secret put`).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "edge-registry-env-check-"));
const generatedFile = join(dir, "env.d.ts");
let generated;
try {
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
  for (const key of Object.keys(env)) if (/^(CLOUDFLARE|CF)_/.test(key)) delete env[key];
  const run = spawnSync(
    process.execPath,
    [join(root, "node_modules", "wrangler", "bin", "wrangler.js"), "types", generatedFile, "--include-runtime=false", "--strict-vars=false", "--env-interface", "GeneratedEnv", "--env-file", "/dev/null"],
    { cwd: root, env, encoding: "utf8", timeout: 120_000 },
  );
  if (run.status !== 0) {
    console.error(`wrangler types failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
    process.exit(1);
  }
  generated = readFileSync(generatedFile, "utf8");
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Members `NAME[?]: TYPE;` of the first `interface NAME {` block matching `header`. */
function members(text, header) {
  const start = text.search(header);
  if (start < 0) throw new Error(`no ${header} in the text`);
  const body = text.slice(text.indexOf("{", start) + 1, text.indexOf("\n}", start));
  const out = new Map();
  for (const line of body.split("\n")) {
    const m = /^\s*(\w+)(\?)?:\s*(.+?);\s*$/.exec(line);
    if (m) out.set(m[1], { optional: m[2] === "?", type: m[3].replace(/import\("[^"]*"\)\./g, "").replace(/\s+/g, "") });
  }
  return out;
}

const fromToml = members(generated, /interface __BaseEnv_GeneratedEnv\b/);
const bindings = members(readFileSync(join(root, "src", "env.ts"), "utf8"), /export interface Bindings\b/);
const problems = [];
for (const [name, { type }] of fromToml) {
  const ours = bindings.get(name);
  if (!ours) problems.push(`${name}: in wrangler.toml (${type}) but not in Bindings`);
  else if (ours.type !== type) problems.push(`${name}: Bindings says ${ours.type}, wrangler.toml makes it ${type}`);
  else if (ours.optional && type !== "string") problems.push(`${name}: a ${type} binding is always there; Bindings must not mark it optional`);
}
for (const [name, { optional, type }] of bindings) {
  if (!fromToml.has(name) && !(optional && type === "string")) problems.push(`${name}: in Bindings but not in wrangler.toml (only optional string secrets may be absent there)`);
}
if (problems.length) {
  console.error(`src/env.ts and wrangler.toml have drifted:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`src/env.ts agrees with wrangler.toml (${fromToml.size} bindings and vars; secrets: ${[...bindings.keys()].filter((n) => !fromToml.has(n)).join(", ")}).`);
