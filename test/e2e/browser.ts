/**
 * Test infrastructure, no tests: headless Debian Chromium through playwright-core for the Web
 * UI suites — launch with the machine's flags, a page per step with its screenshot saved under
 * the run's artifacts folder, axe-core run in the page (serious/critical violations returned),
 * and every CSP violation or page error recorded.
 */
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "./clients/browser.ts";
import { hasClient } from "./harness.ts";

export const browserAvailable = (): boolean => hasClient("chromium");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}

/** `E2E_ARTIFACTS_DIR/<label>` when set (CI), else a fresh temp dir; kept after the run. */
export async function artifactsDir(label: string): Promise<string> {
  const root = process.env["E2E_ARTIFACTS_DIR"];
  if (!root) return mkdtemp(join(tmpdir(), `${label}-`));
  const dir = join(root, label);
  await mkdir(dir, { recursive: true });
  return dir;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

let axeSource: string | null = null;

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (it refuses inline script tags).
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[] }> } }).axe;
    const run = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ["violations"] });
    return run.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Console messages that are CSP refusals, and uncaught page errors, collected per page. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return problems;
}
