// Unit and integration tests run inside workerd through the Cloudflare Vitest plugin,
// with the same wrangler.toml bindings (D1, R2, Durable Objects) the Worker deploys with.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  // Read once here and handed to the setup file, which applies them to each test's D1.
  const migrations = await readD1Migrations("./migrations");
  return {
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
          },
        },
      }),
    ],
    test: {
      include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      // The Worker logs one JSON line per request; keep them out of test output (errors still show).
      onConsoleLog: (log: string, type: "stdout" | "stderr") => !(type === "stdout" && log.startsWith('{"id":')),
    },
  };
});
