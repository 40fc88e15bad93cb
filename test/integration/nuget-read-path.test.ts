// NuGet's warm reads within the read-path budget (docs/architecture.md): stored documents
// (flat container index, registration index and leaf) and a .nupkg download cost at most 2
// sequential D1 round trips and write nothing to D1 — hosted, and the flat index through a
// virtual. Counted with a proxy around the D1 binding, never timed.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { flushDownloads } from "../../src/repositories/download-counter";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { ADMIN, BASE, call, createRepository, createToken } from "../helpers/client";
import { nupkg, pushBody } from "./nuget-fixtures";

let token = "";

async function warm(path: string) {
  const request = () => new Request(`${BASE}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const first = await countRoundTrips(request());
  expect(first.response.status).toBe(200);
  await first.response.arrayBuffer();
  await flushDownloads(openDatabase(env.DB));
  return countRoundTrips(request());
}

beforeAll(async () => {
  await createRepository({ name: "rp-nuget", format: "nuget", kind: "hosted", visibility: "private" });
  await createRepository({ name: "rp-nuget-all", format: "nuget", kind: "virtual", visibility: "private", members: [{ repository: "rp-nuget" }] });
  for (const version of ["1.0.0", "1.1.0"]) {
    const { body, contentType } = pushBody(nupkg("Rp.Pkg", version));
    const res = await call("/nuget/rp-nuget/", { method: "PUT", token: null, body, headers: { "X-NuGet-ApiKey": ADMIN, "Content-Type": contentType } });
    expect(res.status).toBe(201);
  }
  token = await createToken({ name: "rp-nuget", scopes: ["read"] });
});

describe("nuget warm reads: at most 2 sequential D1 round trips, no D1 write", () => {
  for (const [what, path] of [
    ["hosted flat container index", "/nuget/rp-nuget/v3-flatcontainer/rp.pkg/index.json"],
    ["hosted registration index", "/nuget/rp-nuget/registration/rp.pkg/index.json"],
    ["hosted registration leaf", "/nuget/rp-nuget/registration-semver2/rp.pkg/1.1.0.json"],
    ["hosted .nupkg download", "/nuget/rp-nuget/v3-flatcontainer/rp.pkg/1.1.0/rp.pkg.1.1.0.nupkg"],
    ["flat container index through a virtual", "/nuget/rp-nuget-all/v3-flatcontainer/rp.pkg/index.json"],
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
