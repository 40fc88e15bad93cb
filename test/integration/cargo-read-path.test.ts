// Cargo's warm reads within the read-path budget (docs/architecture.md): a hosted index file,
// a `.crate` download and an index file through a virtual cost at most 2 sequential D1 round
// trips and write nothing to D1. Counted with a proxy around the D1 binding, never timed.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { flushDownloads } from "../../src/repositories/download-counter";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { ADMIN, BASE, call, createRepository, createToken } from "../helpers/client";
import { publishBodyFor } from "./cargo-fixtures";

let token = "";

async function warm(path: string) {
  const request = () => new Request(`${BASE}${path}`, { headers: { Authorization: token } });
  const first = await countRoundTrips(request());
  expect(first.response.status).toBe(200);
  await first.response.arrayBuffer();
  await flushDownloads(openDatabase(env.DB));
  return countRoundTrips(request());
}

beforeAll(async () => {
  await createRepository({ name: "rp-cargo", format: "cargo", kind: "hosted", visibility: "private" });
  await createRepository({ name: "rp-cargo-all", format: "cargo", kind: "virtual", visibility: "private", members: [{ repository: "rp-cargo" }] });
  for (const version of ["1.0.0", "1.1.0"]) {
    const res = await call("/cargo/rp-cargo/api/v1/crates/new", { method: "PUT", token: null, body: (await publishBodyFor("rp-crate", version)).body, headers: { Authorization: ADMIN } });
    expect(res.status).toBe(200);
  }
  token = await createToken({ name: "rp-cargo", scopes: ["read"] });
});

describe("cargo warm reads: at most 2 sequential D1 round trips, no D1 write", () => {
  for (const [what, path] of [
    ["hosted index file", "/cargo/rp-cargo/index/rp/-c/rp-crate"],
    ["hosted .crate download", "/cargo/rp-cargo/api/v1/crates/rp-crate/1.1.0/download"],
    ["index file through a virtual", "/cargo/rp-cargo-all/index/rp/-c/rp-crate"],
  ] as const) {
    it(what, async () => {
      const { response, counts } = await warm(path);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(counts.writes).toBe(0);
      expect(counts.roundTrips).toBeLessThanOrEqual(2);
    });
  }
});
