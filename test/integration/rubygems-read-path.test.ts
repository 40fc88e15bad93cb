// RubyGems' warm reads within the read-path budget (docs/architecture.md): the hosted compact
// index (/info, /versions, /names: stored documents), a .gem download, and /info and
// /versions through a virtual cost at most 2 sequential D1 round trips and write nothing to
// D1. Counted with a proxy around the D1 binding, never timed.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { flushDownloads } from "../../src/repositories/download-counter";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { ADMIN, BASE, call, createRepository, createToken } from "../helpers/client";
import { buildGem } from "./rubygems-fixtures";

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
  await createRepository({ name: "rp-gems", format: "rubygems", kind: "hosted", visibility: "private" });
  await createRepository({ name: "rp-gems-all", format: "rubygems", kind: "virtual", visibility: "private", members: [{ repository: "rp-gems" }] });
  for (const version of ["1.0.0", "1.1.0"]) {
    const res = await call("/rubygems/rp-gems/api/v1/gems", { method: "POST", token: null, body: await buildGem("rp-gem", version), headers: { Authorization: ADMIN } });
    expect(res.status).toBe(200);
  }
  token = await createToken({ name: "rp-gems", scopes: ["read"] });
});

describe("rubygems warm reads: at most 2 sequential D1 round trips, no D1 write", () => {
  for (const [what, path] of [
    ["hosted /info", "/rubygems/rp-gems/info/rp-gem"],
    ["hosted /versions", "/rubygems/rp-gems/versions"],
    ["hosted /names", "/rubygems/rp-gems/names"],
    ["hosted .gem download", "/rubygems/rp-gems/gems/rp-gem-1.1.0.gem"],
    ["/info through a virtual", "/rubygems/rp-gems-all/info/rp-gem"],
    ["/versions through a virtual", "/rubygems/rp-gems-all/versions"],
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
