// What `npm start` (scripts/start.mjs) and `npm run dev` (scripts/dev.mjs) share: the secrets
// file, local D1 migrations and the banner with the admin token.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const wrangler = join(root, "node_modules", ".bin", "wrangler");

/** The value of `--name value` or `--name=value` in args, else undefined. */
export function argValue(args, name) {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes("=") ? args[i].slice(name.length + 1) : args[i + 1];
}

/** KEY=value lines (dotenv style, optional double quotes) as an object. */
export function parseVarsFile(text) {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line.includes("=") && !line.trimStart().startsWith("#"))
      .map((line) => [line.slice(0, line.indexOf("=")).trim(), line.slice(line.indexOf("=") + 1).trim().replace(/^"|"$/g, "")]),
  );
}

/**
 * The local secrets file (`.dev.vars`, or EDGE_REGISTRY_DEV_VARS): creates a random ADMIN_TOKEN
 * and CREDENTIALS_KEY unless present (mode 0600, git-ignored) and returns every var in it.
 */
export function ensureDevVars() {
  const path = process.env.EDGE_REGISTRY_DEV_VARS ?? join(root, ".dev.vars");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const vars = parseVarsFile(text);
  const additions = [];
  if (!vars.ADMIN_TOKEN) additions.push(`ADMIN_TOKEN="${(vars.ADMIN_TOKEN = `er_admin_${randomBytes(24).toString("hex")}`)}"`);
  if (!vars.CREDENTIALS_KEY) additions.push(`CREDENTIALS_KEY="${(vars.CREDENTIALS_KEY = randomBytes(32).toString("base64"))}"`);
  if (additions.length) writeFileSync(path, `${text}${text && !text.endsWith("\n") ? "\n" : ""}${additions.join("\n")}\n`, { mode: 0o600 });
  return { path, vars };
}

/** Applies the D1 migrations to the local state under persistTo (wrangler's default when undefined). */
export function applyMigrations(persistTo) {
  const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CI: "true" }, // no interactive confirmation
  });
  if (migrate.status !== 0) process.exit(migrate.status ?? 1);
}

/** The "Edge Registry on …" banner with the admin token and a copy-paste example. */
export function printBanner({ base, token, varsPath, extra = [] }) {
  console.log(`
Edge Registry on ${base}
  admin token: ${token}   (from ${varsPath})
${extra.map((line) => `  ${line}\n`).join("")}
  curl -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" \\
       -d '{"name":"tools","format":"generic","kind":"hosted","visibility":"private"}' ${base}/api/v1/repositories
  curl -H "Authorization: Bearer ${token}" --upload-file ./README.md ${base}/generic/tools/docs/1.0.0/README.md
  curl -H "Authorization: Bearer ${token}" -O ${base}/generic/tools/docs/1.0.0/README.md
`);
}
