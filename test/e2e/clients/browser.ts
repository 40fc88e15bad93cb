/**
 * e2e client: a headless browser for the Web UI suites — Debian's `chromium` (bookworm's
 * package, at /usr/bin/chromium) driven by `playwright-core` with axe-core for accessibility
 * checks, both exact-pinned npm devDependencies (never a browser download: `playwright install`
 * cannot reach its CDN here, and Debian's build is what the machine keeps patched).
 */
import { createRequire } from "node:module";
import { ensureDebianClients } from "./support/debian.ts";

export const CHROMIUM = "/usr/bin/chromium";

/** Flags for headless Chromium on a machine with no outside network and no sandbox (run as root). */
export const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function ensure(log: (line: string) => void): Promise<string[]> {
  const missing = ensureDebianClients({ chromium: "chromium" }, log);
  const require = createRequire(import.meta.url);
  for (const name of ["playwright-core", "axe-core"]) {
    try {
      const version = (require(`${name}/package.json`) as { version: string }).version;
      log(`${name} ${version} (npm devDependency)`);
    } catch {
      missing.push(`${name} (npm ci installs it)`);
    }
  }
  return missing;
}
