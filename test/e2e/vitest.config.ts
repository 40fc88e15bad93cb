// End-to-end tests: plain Node vitest (not the Cloudflare pool). Each suite starts a real
// `wrangler dev` (test/e2e/harness.ts) and drives it with real clients over TCP.
// Run with `npm run test:e2e` so the pinned Node 24 (node_modules/.bin/node) is used.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    // Suites each own a wrangler dev and workerd; on 2 cores they must not overlap.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
