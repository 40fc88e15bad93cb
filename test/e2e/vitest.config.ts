// End-to-end tests: plain Node vitest (not the Cloudflare pool). global-setup.ts starts ONE
// real `wrangler dev` for the run (test/e2e/harness.ts); suites drive it with real clients over
// TCP, each with its own repositories and tokens. `npm run test:e2e -- pypi` runs only files
// whose name contains "pypi".
// Run with `npm run test:e2e` so the pinned Node 24 (node_modules/.bin/node) is used.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    environment: "node",
    pool: "forks",
    // Suites spawn real clients (and some their own peers); on 2 cores they must not overlap.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
