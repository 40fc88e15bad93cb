// Warm read cache for answers built from remote metadata (docs/architecture.md "Warm read
// cache"): a virtual npm packument merged from a hosted and a remote member is kept in the
// isolate while the remote's cache entry is fresh (`metadataTtlSeconds`), so a warm read costs
// no D1 statement, no R2 read and no Durable Object call; after the validity period it is
// asked upstream again, a purge or a settings change drops it, `metadataTtlSeconds` 0 is never
// kept, a caller who cannot read every member never gets it, and an answer whose remote reads
// were not recorded (an edge cache hit) is not kept (fail closed). Counted, never timed: the
// only wait is past a 1-second validity period.
import { beforeAll, describe, expect, it } from "vitest";
import { forgetCachedRepositories } from "../../src/repositories/repository-cache";
import { ADMIN, api, BASE, bytes, createRepository, createToken } from "../helpers/client";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { fakeNpmPackage } from "../helpers/fake-npm";
import { UPSTREAM, useFakeUpstream } from "../helpers/upstream";
import { publish, tarballBytes } from "./npm-helpers";

const upstream = useFakeUpstream();

/** Reads trust the cached repository row for a minute here: only the stamp and expiry can make them miss. */
const LONG = { REPOSITORY_CACHE_SECONDS: "60" };
const PACKAGE = "rcm-pkg";
const DAY = 86_400_000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

type Names = { hosted: string; remote: string; virtual: string };
let n = 0;

/** A virtual (no shielding, so both copies merge) over a hosted member with 2.0.0 and a remote member whose upstream has 1.0.0. */
async function setup(metadataTtlSeconds: number, visibility = "private"): Promise<Names> {
  const id = ++n;
  const names = { hosted: `rcm-hosted-${id}`, remote: `rcm-remote-${id}`, virtual: `rcm-virtual-${id}` };
  await createRepository({ name: names.hosted, format: "npm", kind: "hosted", visibility });
  await createRepository({ name: names.remote, format: "npm", kind: "remote", visibility, remote: { url: `${UPSTREAM}/${names.remote}/`, metadataTtlSeconds } });
  await createRepository({
    name: names.virtual, format: "npm", kind: "virtual", visibility, settings: { shielding: false },
    members: [{ repository: names.hosted, priority: 10 }, { repository: names.remote, priority: 1 }],
  });
  expect((await publish(names.hosted, PACKAGE, "2.0.0", tarballBytes(64))).status).toBe(201);
  await upstreamVersions(names, ["1.0.0"]);
  return names;
}

function upstreamVersions(names: Names, versions: string[]): Promise<unknown> {
  return fakeNpmPackage(upstream, names.remote, PACKAGE, versions.map((version, i) => ({ version, published: iso(30 * DAY), tarball: bytes(50, i + 1) })), { latest: versions.at(-1) ?? "" });
}

function read(names: Names, token: string | null = ADMIN, vars: Record<string, string> = LONG) {
  const headers: Record<string, string> = { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  return countRoundTrips(new Request(`${BASE}/npm/${names.virtual}/${PACKAGE}`, { headers }), vars);
}

const versionsOf = async (response: Response) => Object.keys(((await response.json()) as { versions: Record<string, unknown> }).versions).sort();
const packumentPath = (names: Names) => `/${names.remote}/${PACKAGE}`;

/** The first read after the isolate forgot its rows (as after any write): it reads the row from D1 and may store its answer. */
async function firstRead(names: Names, token: string | null = ADMIN) {
  forgetCachedRepositories();
  const first = await read(names, token);
  expect(first.response.status).toBe(200);
  return first;
}

describe("a virtual packument with a remote member, kept while the remote's entry is fresh", () => {
  it("is answered from the isolate on the second read: no D1 statement, no R2 read, no Durable Object call", async () => {
    const names = await setup(300);
    const first = await firstRead(names);
    expect(first.response.headers.get("X-Read-Cache")).toBeNull();
    expect(await versionsOf(first.response)).toEqual(["1.0.0", "2.0.0"]);
    const warm = await read(names);
    expect(warm.response.headers.get("X-Read-Cache")).toBe("HIT");
    expect(warm.response.headers.get("X-Cache")).toBe("HIT");
    expect(warm.counts.statements).toBe(0);
    expect(warm.calls).toEqual({ r2: 0, durableObjects: 0 });
    expect(await versionsOf(warm.response)).toEqual(["1.0.0", "2.0.0"]);
    expect(upstream.count(packumentPath(names))).toBe(1);
  });

  it("after the validity period: asked upstream again, and an upstream change is visible", async () => {
    const names = await setup(1);
    await (await firstRead(names)).response.arrayBuffer();
    await upstreamVersions(names, ["1.0.0", "1.1.0"]);
    await scheduler.wait(1100);
    const expired = await read(names);
    expect(expired.response.headers.get("X-Read-Cache")).toBeNull();
    expect(await versionsOf(expired.response)).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
    expect(upstream.count(packumentPath(names))).toBe(2);
  });

  it("after the validity period with the upstream unchanged: revalidated (conditional request), not answered from the isolate", async () => {
    const names = await setup(1);
    await (await firstRead(names)).response.arrayBuffer();
    await scheduler.wait(1100);
    const expired = await read(names);
    expect(expired.response.headers.get("X-Read-Cache")).toBeNull();
    expect(expired.response.headers.get("X-Cache")).toBe("REVALIDATED");
    expect(await versionsOf(expired.response)).toEqual(["1.0.0", "2.0.0"]);
    const asked = upstream.requests.filter((r) => r.path === packumentPath(names));
    expect(asked).toHaveLength(2);
    expect(asked[1]?.headers.get("If-None-Match")).toBeTruthy();
  });

  it("a purge of the remote's cache drops it; so does a settings change of the remote", async () => {
    const names = await setup(300);
    await (await firstRead(names)).response.arrayBuffer();
    expect((await read(names)).response.headers.get("X-Read-Cache")).toBe("HIT");
    await upstreamVersions(names, ["1.0.0", "1.2.0"]);
    expect((await api(`/repositories/${names.remote}/cache`, "DELETE")).status).toBe(200);
    const purged = await read(names);
    expect(purged.response.headers.get("X-Read-Cache")).toBeNull();
    expect(await versionsOf(purged.response)).toEqual(["1.0.0", "1.2.0", "2.0.0"]);
    expect((await read(names)).response.headers.get("X-Read-Cache")).toBe("HIT");

    expect((await api(`/repositories/${names.remote}`, "PATCH", { remote: { metadataTtlSeconds: 600 } })).status).toBe(200);
    const patched = await read(names);
    expect(patched.response.headers.get("X-Read-Cache")).toBeNull();
    await patched.response.arrayBuffer();
  });

  it("metadataTtlSeconds 0 (never rechecked): never kept in the isolate", async () => {
    const names = await setup(0);
    for (let i = 0; i < 3; i++) {
      const { response, counts } = await firstRead(names);
      expect(response.headers.get("X-Read-Cache")).toBeNull();
      expect(counts.statements).toBeGreaterThan(0);
      expect(await versionsOf(response)).toEqual(["1.0.0", "2.0.0"]);
    }
    expect(upstream.count(packumentPath(names))).toBe(1);
  });
});

describe("who gets the kept answer", () => {
  let names: Names;
  let hostedOnly = "";

  beforeAll(async () => {
    names = await setup(300);
    hostedOnly = await createToken({ name: "rcm-hosted-only", scopes: ["read"], repositories: [names.virtual, names.hosted] });
  });

  it("a caller who cannot read the remote member gets its own answer, never the kept one", async () => {
    await (await firstRead(names)).response.arrayBuffer();
    expect((await read(names)).response.headers.get("X-Read-Cache")).toBe("HIT");
    for (let i = 0; i < 2; i++) {
      const limited = await read(names, hostedOnly);
      expect(limited.response.status).toBe(200);
      expect(limited.response.headers.get("X-Read-Cache")).toBeNull();
      expect(await versionsOf(limited.response)).toEqual(["2.0.0"]);
    }
  });

  it("fail closed: an answer whose remote reads were not recorded (a public virtual's edge cache hit) is not kept", async () => {
    const open = await setup(300, "public");
    // The edge cache filled with the isolate's cache off, then read with it on: no RemoteSource read happens.
    await (await read(open, null, { ...LONG, READ_CACHE_MIB: "0" })).response.arrayBuffer();
    for (let i = 0; i < 2; i++) {
      const { response } = i === 0 ? await firstRead(open, null) : await read(open, null);
      expect(response.headers.get("X-Edge-Cache")).toBe("HIT");
      expect(response.headers.get("X-Read-Cache")).toBeNull();
      await response.arrayBuffer();
    }
  });
});
