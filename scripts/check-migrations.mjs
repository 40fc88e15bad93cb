#!/usr/bin/env node
// Fails when src/db/schema.ts and migrations/ have drifted: drizzle-kit would generate a new migration.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";

// drizzle-kit only accepts an output folder relative to the project; .wrangler/ is git-ignored.
const out = ".wrangler/migrations-drift-check";
rmSync(out, { recursive: true, force: true });
cpSync("migrations", out, { recursive: true });
const before = readdirSync(out).length;
const run = spawnSync("drizzle-kit", ["generate", "--dialect", "sqlite", "--schema", "./src/db/schema.ts", "--out", out, "--name", "drift"], {
  stdio: ["ignore", "pipe", "inherit"],
  encoding: "utf8",
});
const after = existsSync(out) ? readdirSync(out).length : -1;
rmSync(out, { recursive: true, force: true });
if (run.status !== 0 || after < 0 || /Error/.test(run.stdout ?? "")) {
  console.error(run.stdout);
  process.exit(run.status || 1);
}
if (after !== before) {
  console.error("Schema and migrations differ: run `npm run db:generate` and commit the new migration.");
  process.exit(1);
}
console.log("Schema and migrations agree.");
