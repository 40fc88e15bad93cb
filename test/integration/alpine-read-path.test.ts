// Read-path budget for Alpine (docs/architecture.md): warm reads of a hosted repository's
// APKINDEX.tar.gz and a package, and of a virtual's, cost at most 2 sequential D1 round trips
// and write nothing — every index is a stored document the IndexBuilder built, never built
// (nor, for a virtual, merged) on the read; reads of the virtual leave its builder idle.
import { beforeAll, describe, expect, it } from "vitest";
import { warmReadRoundTrips } from "../helpers/d1-round-trips";
import { BASE, call, createRepository, createToken } from "../helpers/client";
import { buildApk } from "../helpers/apk-packages";
import { builds, rebuild } from "./alpine-helpers";

let token = "";

const warm = (path: string, auth: string | null) => warmReadRoundTrips(`${BASE}${path}`, auth);

beforeAll(async () => {
  await createRepository({ name: "arp-hosted", format: "alpine", kind: "hosted", visibility: "private" });
  await createRepository({ name: "arp-public", format: "alpine", kind: "hosted", visibility: "public" });
  await createRepository({ name: "arp-virtual", format: "alpine", kind: "virtual", visibility: "private", members: [{ repository: "arp-hosted" }] });
  for (const repo of ["arp-hosted", "arp-public"]) {
    expect((await call(`/alpine/${repo}/v3.20/main`, { method: "PUT", body: buildApk({ name: "hello", version: "1.0-r0" }).bytes })).status).toBe(201);
    expect(await rebuild(repo)).toBe(true);
  }
  // The member's build scheduled the virtual's.
  expect(await rebuild("arp-virtual")).toBe(true);
  token = await createToken({ name: "arp-reader", scopes: ["read"] });
});

describe("Alpine read path", () => {
  for (const path of ["v3.20/main/x86_64/APKINDEX.tar.gz", "v3.20/main/x86_64/hello-1.0-r0.apk"]) {
    it(`hosted ${path}, with a token: ≤ 2 round trips, no writes`, async () => {
      const counts = await warm(`/alpine/arp-hosted/${path}`, token);
      expect(counts.roundTrips).toBeLessThanOrEqual(2);
      expect(counts.writes).toBe(0);
    });
  }

  it("public package and index, anonymous", async () => {
    for (const path of ["v3.20/main/x86_64/APKINDEX.tar.gz", "v3.20/main/x86_64/hello-1.0-r0.apk"]) {
      const counts = await warm(`/alpine/arp-public/${path}`, null);
      expect(counts.roundTrips, path).toBeLessThanOrEqual(2);
      expect(counts.writes).toBe(0);
    }
  });

  it("virtual index and package, with a token: ≤ 2 round trips, no writes, no build", async () => {
    const before = await builds("arp-virtual");
    for (const path of ["v3.20/main/x86_64/APKINDEX.tar.gz", "v3.20/main/x86_64/hello-1.0-r0.apk"]) {
      const counts = await warm(`/alpine/arp-virtual/${path}`, token);
      console.log(`alpine virtual ${path}: ${counts.roundTrips} D1 round trips`);
      expect(counts.roundTrips, path).toBeLessThanOrEqual(2);
      expect(counts.writes).toBe(0);
    }
    expect(await builds("arp-virtual")).toBe(before);
  });
});
