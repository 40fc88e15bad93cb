// Two projects, one `vitest run`:
// - unit: pure code (parsers, renderers, version order, merge rules) in plain Node; no bindings.
// - integration: the Worker in workerd through the Cloudflare Vitest plugin, with the same
//   wrangler.toml bindings (D1, R2, Durable Objects) the Worker deploys with.
// `npm test` runs both; `npm run test:unit` / `npm run test:integration` run one.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The Worker logs one JSON line per request; keep them out of test output (errors still show).
const onConsoleLog = (log: string, type: "stdout" | "stderr") => !(type === "stdout" && log.startsWith('{"id":'));

export default defineConfig(async () => {
  // Read once here and handed to the setup file, which applies them to each test's D1.
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      onConsoleLog,
      projects: [
        {
          test: {
            name: "unit",
            include: ["test/unit/**/*.test.ts"],
            environment: "node",
            onConsoleLog,
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: "test-admin-token",
                  // 32 bytes, base64: the AES-GCM key for upstream credentials in tests only.
                  CREDENTIALS_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                  // Small threshold so tests exercise the multipart path without huge bodies.
                  MULTIPART_THRESHOLD_BYTES: "6291456",
                  // Index builds run when a test runs the IndexBuilder's alarm, never on their own
                  // (a 500 ms virtual debounce elapsed by itself on a loaded CI machine). Below
                  // MAX_DELAY_MS, so the cap is still what the index-builder test checks.
                  INDEX_DEBOUNCE_MS: "25000",
                  INDEX_VIRTUAL_DEBOUNCE_MS: "25000",
                },
              },
            }),
          ],
          test: {
            name: "integration",
            include: ["test/integration/**/*.test.ts"],
            setupFiles: ["./test/apply-migrations.ts"],
            // The default 5 s fails tests on a 2-core machine shared with other jobs (seen: an
            // API test taking 5.0 s while workerd booted other files); no test asserts time.
            testTimeout: 30_000,
            onConsoleLog,
          },
        },
      ],
    },
  };
});
