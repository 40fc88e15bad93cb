/**
 * e2e client: the system npm 11 (preinstalled with Node; the suites run it as the client) and
 * the pinned npm-ecosystem tools of test/e2e/npm.ts (yarn, pnpm, Verdaccio, autocannon),
 * installed with that npm into the git-ignored .e2e/tools (ensureNpmTools).
 */
import { spawnSync } from "node:child_process";
import { CLIENT_PATH } from "../harness.ts";
import { NPM_TOOL_PINS, ensureNpmTools, missingNpmTools, npmToolsDir } from "../npm.ts";

/** npm major the suites are written against (npm 11: `npm warn deprecated …` wording, search output). */
export const NPM_MAJOR = 11;

export async function ensure(log: (line: string) => void): Promise<string[]> {
  const missing: string[] = [];
  const version = spawnSync("npm", ["--version"], { env: { ...process.env, PATH: CLIENT_PATH }, encoding: "utf8" }).stdout?.trim() ?? "";
  if (version.startsWith(`${NPM_MAJOR}.`)) log(`npm ${version}`);
  else {
    log(`the system npm is ${version || "missing"}, the suites need npm ${NPM_MAJOR} (it comes with the machine's Node)`);
    missing.push(`npm@${NPM_MAJOR}`);
  }
  try {
    ensureNpmTools({ log });
  } catch (error) {
    log(String(error));
  }
  const tools = missingNpmTools();
  if (tools.length === 0) log(`${Object.entries(NPM_TOOL_PINS).map(([name, pin]) => `${name}@${pin}`).join(" ")} in ${npmToolsDir}`);
  return [...missing, ...tools.map((name) => `${name}@${NPM_TOOL_PINS[name as keyof typeof NPM_TOOL_PINS]}`)];
}
