// Read-path budget for Debian (docs/architecture.md): warm reads of a hosted repository's
// InRelease and Packages.gz, a pool download, and a virtual's Packages cost at most 2
// sequential D1 round trips and write nothing — the indexes are stored generations, never
// built on the read.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { flushDownloads } from "../../src/repositories/download-counter";
import { openDatabase } from "../../src/db/client";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { BASE, createRepository, createToken } from "../helpers/client";
import { rebuild, uploadDeb } from "./debian-helpers";

let token = "";

const get = (path: string, auth: string | null): Request => new Request(`${BASE}${path}`, { headers: auth ? { Authorization: `Bearer ${auth}` } : {} });

async function warm(path: string, auth: string | null) {
  const first = await countRoundTrips(get(path, auth));
  expect(first.response.status, path).toBe(200);
  await flushDownloads(openDatabase(env.DB));
  return (await countRoundTrips(get(path, auth))).counts;
}

beforeAll(async () => {
  await createRepository({ name: "drp-hosted", format: "debian", kind: "hosted", visibility: "private" });
  await createRepository({ name: "drp-public", format: "debian", kind: "hosted", visibility: "public" });
  await createRepository({ name: "drp-virtual", format: "debian", kind: "virtual", visibility: "private", members: [{ repository: "drp-hosted" }] });
  for (const repo of ["drp-hosted", "drp-public"]) {
    expect((await uploadDeb(repo, { name: "hello", version: "1.0" })).status).toBe(201);
    await rebuild(repo);
  }
  // The member's build scheduled the virtual's; its alarm builds it (reads never do).
  expect(await rebuild("drp-virtual")).toBe(true);
  token = await createToken({ name: "drp-reader", scopes: ["read"] });
});

describe("Debian read path", () => {
  for (const path of ["dists/stable/InRelease", "dists/stable/main/binary-amd64/Packages.gz", "pool/stable/main/hello_1.0_amd64.deb"]) {
    it(`hosted ${path}, with a token: ≤ 2 round trips, no writes`, async () => {
      const counts = await warm(`/debian/drp-hosted/${path}`, token);
      expect(counts.roundTrips).toBeLessThanOrEqual(2);
      expect(counts.writes).toBe(0);
    });
  }

  it("public pool download, anonymous", async () => {
    const counts = await warm("/debian/drp-public/pool/stable/main/hello_1.0_amd64.deb", null);
    expect(counts.roundTrips).toBeLessThanOrEqual(2);
    expect(counts.writes).toBe(0);
  });

  it("virtual Packages and pool file (its generation current), with a token", async () => {
    for (const path of ["dists/stable/main/binary-amd64/Packages", "pool/stable/main/hello_1.0_amd64.deb"]) {
      const counts = await warm(`/debian/drp-virtual/${path}`, token);
      expect(counts.roundTrips, path).toBeLessThanOrEqual(2);
      expect(counts.writes).toBe(0);
    }
  });
});
