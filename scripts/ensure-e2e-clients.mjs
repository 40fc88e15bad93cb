// Installs what the e2e suites need: runs `ensure(log)` of every test/e2e/clients/*.ts (each
// installs its clients, pinned, when missing, and returns the names still missing). Prints
// each one's time. Exit 1 when something is missing and CI is set (there a missing client is a
// failure, never a skip); otherwise only a warning. Run with Node 24 (node_modules/.bin/node):
// the client files are TypeScript.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = join(import.meta.dirname, "..");
const dir = join(root, "test", "e2e", "clients");
const ci = !["", "0", "false"].includes((process.env.CI ?? "").toLowerCase());
const only = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && (only.length === 0 || only.some((o) => f.includes(o)))).sort();

const missing = [];
for (const file of files) {
  const name = file.replace(/\.ts$/, "");
  const log = (line) => console.log(`[${name}] ${line}`);
  const started = Date.now();
  let still;
  try {
    const client = await import(pathToFileURL(join(dir, file)).href);
    if (typeof client.ensure !== "function") throw new Error(`${file} exports no ensure(log)`);
    still = await client.ensure(log);
  } catch (error) {
    log(`ensure() threw: ${error?.stack ?? error}`);
    still = [`${name} (ensure failed)`];
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (still.length) {
    missing.push(...still.map((s) => `${name}: ${s}`));
    log(`MISSING ${still.join(", ")} (${seconds} s)`);
  } else log(`ok (${seconds} s)`);
}
if (missing.length) {
  console.error(`e2e clients missing: ${missing.join("; ")}`);
  if (ci) process.exit(1);
  console.error("(not CI: the suites that need them will skip)");
} else console.log(`e2e clients: all ${files.length} ok (${files.map((f) => f.replace(/\.ts$/, "")).join(", ")})`);
