#!/usr/bin/env node
// `npm run dev [-- wrangler dev args]`: the development server — `wrangler dev` with live reload
// of src/ (behind wrangler's development proxy, so slower than `npm start`; see
// docs/self-hosting.md). Same secrets file, migrations and banner as `npm start`.
import { spawn } from "node:child_process";
import { applyMigrations, argValue, ensureDevVars, printBanner, root, wrangler } from "./lib/local-setup.mjs";

const args = process.argv.slice(2);
const { path: varsPath, vars } = ensureDevVars();
const port = argValue(args, "--port") ?? "8787";
applyMigrations(argValue(args, "--persist-to"));
printBanner({ base: `http://localhost:${port}`, token: vars.ADMIN_TOKEN, varsPath });

const hasPort = args.includes("--port") || args.some((a) => a.startsWith("--port="));
const dev = spawn(wrangler, ["dev", "--env-file", varsPath, ...(hasPort ? [] : ["--port", port]), ...args], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
