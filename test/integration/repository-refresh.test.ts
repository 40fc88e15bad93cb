// Refresh ahead (src/repositories/repository-cache.ts `claimRefresh`): a warm hit on a cached
// repository row older than half REPOSITORY_CACHE_SECONDS reads the row again in the background,
// so a busy repository's row never expires under load (every expiry used to send the requests in
// flight to the full path, each reading D1) and a change made by another isolate is seen sooner.
// The bound is unchanged: no row is trusted longer than the TTL after its own read.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { forgetCachedRepositories } from "../../src/repositories/repository-cache";
import { BASE, call, createRepository } from "../helpers/client";
import { countRoundTrips } from "../helpers/d1-round-trips";

const TTL = { REPOSITORY_CACHE_SECONDS: "0.4" };
const PATH = "/generic/rr-public/tool/1.0/tool.bin";
const read = () => countRoundTrips(new Request(`${BASE}${PATH}`), TTL);

/** A change behind this isolate's back, as another isolate's write would be. */
const setVisibility = (visibility: string) => env.DB.prepare("UPDATE repository SET visibility = ? WHERE name = 'rr-public'").bind(visibility).run();

beforeAll(async () => {
  await createRepository({ name: "rr-public", format: "generic", kind: "hosted", visibility: "public" });
  expect((await call(PATH, { method: "PUT", body: "rr 1.0" })).status).toBe(201);
});

describe("refresh ahead of a cached repository row", () => {
  it("a hit past half the TTL refreshes the row in the background; past the first read's TTL, hits still need no D1 statement", async () => {
    forgetCachedRepositories();
    const first = await read(); // row read from D1, answer kept
    expect(first.response.status).toBe(200);
    await scheduler.wait(250);
    const due = await read();
    expect(due.response.headers.get("X-Read-Cache")).toBe("HIT");
    expect(due.counts.statements).toBe(0); // the refresh runs after the answer
    await scheduler.wait(250); // > 0.4 s since the first read, < 0.4 s since the refresh
    const later = await read();
    expect(later.response.headers.get("X-Read-Cache")).toBe("HIT");
    expect(later.counts.statements).toBe(0);
  });

  it("the refresh picks up a change made behind the isolate's back: made private, the anonymous hit stops", async () => {
    forgetCachedRepositories();
    expect((await read()).response.status).toBe(200);
    await setVisibility("private");
    try {
      // Within the TTL the row read before the change is still trusted (the stated bound) …
      const stale = await read();
      expect(stale.response.status).toBe(200);
      expect(stale.counts.statements).toBe(0);
      await scheduler.wait(250);
      // … this hit is past half the TTL: still the old row, and it starts the refresh …
      expect((await read()).response.status).toBe(200);
      // … after which the same caller is refused, before the first read's TTL ran out.
      const refused = await read();
      expect(refused.response.status).toBe(404); // as for a missing repository
    } finally {
      await setVisibility("public");
      forgetCachedRepositories();
    }
  });

  it("a repository deleted behind the isolate's back is dropped by the refresh", async () => {
    await createRepository({ name: "rr-gone", format: "generic", kind: "hosted", visibility: "public" });
    const path = "/generic/rr-gone/tool/1.0/tool.bin";
    expect((await call(path, { method: "PUT", body: "gone" })).status).toBe(201);
    const get = () => countRoundTrips(new Request(`${BASE}${path}`), TTL);
    forgetCachedRepositories();
    expect((await get()).response.status).toBe(200);
    await env.DB.prepare("UPDATE repository SET name = 'rr-gone-renamed' WHERE name = 'rr-gone'").run();
    await scheduler.wait(250);
    expect((await get()).response.status).toBe(200); // the old row, within its TTL; refresh started
    const after = await get();
    expect(after.response.status).toBe(404);
  });
});
