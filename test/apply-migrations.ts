// Applies the D1 migrations (read in vitest.config.ts) before tests; safe to run repeatedly.
import { applyD1Migrations, env } from "cloudflare:test";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
