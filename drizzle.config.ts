// drizzle-kit reads the schema and writes flat NNNN_name.sql migrations that both
// `wrangler d1 migrations apply` and the vitest plugin's readD1Migrations understand.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
