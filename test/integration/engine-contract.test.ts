// The remote/virtual engine's contract, observed through real formats (npm, generic) with a
// fake public upstream: derived documents keyed on their sources (rebuilt on a revision
// change, never otherwise), provenance deciding which member serves an index entry, Accept
// variants kept apart, and members the caller may not read left out of a virtual.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, bytes, call, createRepository, createToken, sha256 } from "../helpers/client";
import { fakeNpmPackage } from "../helpers/fake-npm";
import { UPSTREAM, useFakeUpstream } from "../helpers/upstream";
import { ABBREVIATED, integrityOf, publish } from "./npm-helpers";
import { forgetReadCache } from "../../src/virtual/read-cache";

const upstream = useFakeUpstream();

let n = 0;
const DAY = 86_400_000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const unique = (prefix: string) => `${prefix}-${++n}`;

async function repo(body: Record<string, unknown>): Promise<string> {
  await createRepository({ visibility: "private", ...body });
  return body.name as string;
}
const npmRemote = (name = unique("eng-remote")) => repo({ name, format: "npm", kind: "remote", remote: { url: `${UPSTREAM}/${name}/` } });

/** Marks a stored derived document as "not built by this test" (fetched_at 0), so a rebuild is visible. */
async function markDocument(keyLike: string): Promise<void> {
  await env.DB.prepare("UPDATE cache_entry SET fetched_at = 0 WHERE key LIKE ?").bind(keyLike).run();
}
async function rebuilt(keyLike: string): Promise<boolean> {
  const row = await env.DB.prepare("SELECT fetched_at FROM cache_entry WHERE key LIKE ?").bind(keyLike).first<{ fetched_at: number }>();
  if (!row) throw new Error(`no document ${keyLike}`);
  return row.fetched_at !== 0;
}
/** Makes a remote's cache entries (positive and negative) due for a recheck. */
async function expire(repository: string): Promise<void> {
  await env.DB.prepare("UPDATE cache_entry SET checked_at = 0 WHERE repository_id = (SELECT id FROM repository WHERE name = ?)").bind(repository).run();
  forgetReadCache(); // the isolate's answers built from them would have expired too
}

type Packument = { versions: Record<string, { dist: { integrity: string } }> };

describe("derived documents", () => {
  it("are rebuilt when a hosted revision or an upstream copy changes, and not otherwise", async () => {
    const hosted = await repo({ name: unique("eng-hosted"), format: "npm", kind: "hosted" });
    const remote = await npmRemote();
    const virtual = await repo({
      name: unique("eng-virtual"), format: "npm", kind: "virtual", settings: { shielding: false },
      members: [{ repository: hosted, priority: 10 }, { repository: remote, priority: 1 }],
    });
    await fakeNpmPackage(upstream, remote, "mixed", [{ version: "1.0.0", published: iso(30 * DAY), tarball: bytes(50, 1) }], { latest: "1.0.0" });
    expect((await publish(hosted, "mixed", "2.0.0", bytes(50, 2))).status).toBe(201);
    const key = `npm:packument:full:%/npm/${virtual}/:mixed`;
    const versions = async () => Object.keys(((await (await call(`/npm/${virtual}/mixed`)).json()) as Packument).versions).sort();

    expect(await versions()).toEqual(["1.0.0", "2.0.0"]);
    await markDocument(key);
    expect(await versions()).toEqual(["1.0.0", "2.0.0"]);
    expect(await rebuilt(key)).toBe(false);

    // A hosted publish bumps the package revision: the next read rebuilds.
    expect((await publish(hosted, "mixed", "2.1.0", bytes(50, 3))).status).toBe(201);
    expect(await versions()).toEqual(["1.0.0", "2.0.0", "2.1.0"]);
    expect(await rebuilt(key)).toBe(true);

    // A revalidated upstream copy with the same bytes keeps the document…
    await markDocument(key);
    await expire(remote);
    expect(await versions()).toEqual(["1.0.0", "2.0.0", "2.1.0"]);
    expect(await rebuilt(key)).toBe(false);
    // …new upstream bytes rebuild it.
    await fakeNpmPackage(upstream, remote, "mixed", [
      { version: "1.0.0", published: iso(30 * DAY), tarball: bytes(50, 1) },
      { version: "1.1.0", published: iso(20 * DAY), tarball: bytes(50, 4) },
    ], { latest: "1.1.0" });
    await expire(remote);
    expect(await versions()).toEqual(["1.0.0", "1.1.0", "2.0.0", "2.1.0"]);
    expect(await rebuilt(key)).toBe(true);
  }, 30_000);

  it("keep Accept variants apart: full and abbreviated are two documents from one upstream copy", async () => {
    const remote = await npmRemote();
    await fakeNpmPackage(upstream, remote, "variants", [{ version: "1.0.0", published: iso(30 * DAY), tarball: bytes(20, 5) }], { latest: "1.0.0" });
    const full = await call(`/npm/${remote}/variants`);
    const abbreviated = await call(`/npm/${remote}/variants`, { headers: { Accept: ABBREVIATED } });
    expect(full.headers.get("Content-Type")).toContain("application/json");
    expect(abbreviated.headers.get("Content-Type")).toContain("application/vnd.npm.install-v1+json");
    expect(Object.keys((await full.json()) as object)).toContain("readme");
    expect(Object.keys((await abbreviated.json()) as object)).not.toContain("readme");
    const rows = await env.DB.prepare("SELECT key FROM cache_entry WHERE repository_id = (SELECT id FROM repository WHERE name = ?) ORDER BY key").bind(remote).all<{ key: string }>();
    const keys = rows.results.map((r) => r.key).filter((k) => !k.endsWith("#provenance"));
    expect(keys.filter((k) => k.startsWith("npm:packument:abbreviated:"))).toHaveLength(1);
    expect(keys.filter((k) => k.startsWith("npm:packument:full:"))).toHaveLength(1);
    expect(upstream.count(`/${remote}/variants`)).toBe(1);
  }, 30_000);
});

describe("provenance", () => {
  it("serves an index entry from the member the index named until the index is rebuilt", async () => {
    const first = await npmRemote();
    const second = await npmRemote();
    const virtual = await repo({
      name: unique("eng-virtual"), format: "npm", kind: "virtual",
      members: [{ repository: first, priority: 10 }, { repository: second, priority: 1 }],
    });
    const fromSecond = bytes(64, 7);
    const fromFirst = bytes(64, 8);
    await fakeNpmPackage(upstream, second, "prov", [{ version: "1.0.0", published: iso(30 * DAY), tarball: fromSecond }], { latest: "1.0.0" });
    const tarball = async () => {
      const res = await call(`/npm/${virtual}/prov/-/prov-1.0.0.tgz`);
      return { member: res.headers.get("X-Registry-Member"), sha: await sha256(await res.arrayBuffer()) };
    };

    // The index is built while only the lower-priority member has the package.
    const before = (await (await call(`/npm/${virtual}/prov`)).json()) as Packument;
    expect(before.versions["1.0.0"]?.dist.integrity).toBe(await integrityOf(fromSecond));
    // The higher-priority upstream gains a different file of the same name; its "missing" answer is still fresh.
    await fakeNpmPackage(upstream, first, "prov", [{ version: "1.0.0", published: iso(30 * DAY), tarball: fromFirst }], { latest: "1.0.0" });
    expect(await tarball()).toEqual({ member: second, sha: await sha256(fromSecond) });

    // Once the index is rebuilt, it names the higher-priority member — even though the other holds a cached copy.
    await expire(first);
    const after = (await (await call(`/npm/${virtual}/prov`)).json()) as Packument;
    expect(after.versions["1.0.0"]?.dist.integrity).toBe(await integrityOf(fromFirst));
    expect(await tarball()).toEqual({ member: first, sha: await sha256(fromFirst) });
  }, 30_000);
});

describe("member readability", () => {
  it("a read through a virtual consults only the members the caller may read", async () => {
    const secret = await repo({ name: unique("eng-secret"), format: "generic", kind: "hosted" });
    const open = await repo({ name: unique("eng-open"), format: "generic", kind: "hosted", visibility: "public" });
    const virtual = await repo({
      name: unique("eng-all"), format: "generic", kind: "virtual", visibility: "public",
      members: [{ repository: secret, priority: 10 }, { repository: open, priority: 1 }],
    });
    const secretBytes = bytes(32, 9);
    const openBytes = bytes(32, 10);
    expect((await call(`/generic/${secret}/tool/1.0/tool.bin`, { method: "PUT", body: secretBytes })).status).toBe(201);
    expect((await call(`/generic/${open}/tool/1.0/tool.bin`, { method: "PUT", body: openBytes })).status).toBe(201);
    expect((await call(`/generic/${secret}/only-secret/1.0/x.bin`, { method: "PUT", body: secretBytes })).status).toBe(201);
    const read = async (token: string | null, path = "tool/1.0/tool.bin") => {
      const res = await call(`/generic/${virtual}/${path}`, { token });
      return res.status === 200 ? { member: res.headers.get("X-Registry-Member"), sha: await sha256(await res.arrayBuffer()) } : res.status;
    };
    const virtualOnly = await createToken({ name: unique("v-only"), scopes: ["read"], repositories: [virtual] });
    const both = await createToken({ name: unique("both"), scopes: ["read"], repositories: [virtual, secret] });

    // Anonymous first (an edge-cacheable public virtual), then callers who may read more.
    expect(await read(null)).toEqual({ member: open, sha: await sha256(openBytes) });
    expect(await read(virtualOnly)).toEqual({ member: open, sha: await sha256(openBytes) });
    expect(await read(both)).toEqual({ member: secret, sha: await sha256(secretBytes) });
    expect(await read(null)).toEqual({ member: open, sha: await sha256(openBytes) });
    // A file only the unreadable member holds is as absent as a missing one.
    expect(await read(null, "only-secret/1.0/x.bin")).toBe(404);
    expect(await read(virtualOnly, "only-secret/1.0/x.bin")).toBe(404);
    expect(await read(both, "only-secret/1.0/x.bin")).toMatchObject({ member: secret });
  }, 30_000);

  it("keeps a merged document per readable member set", async () => {
    const secret = await repo({ name: unique("eng-npm-secret"), format: "npm", kind: "hosted" });
    const open = await repo({ name: unique("eng-npm-open"), format: "npm", kind: "hosted", visibility: "public" });
    const virtual = await repo({
      name: unique("eng-npm-all"), format: "npm", kind: "virtual", visibility: "public",
      members: [{ repository: secret, priority: 10 }, { repository: open, priority: 1 }],
    });
    expect((await publish(secret, "split", "2.0.0", bytes(10, 11))).status).toBe(201);
    expect((await publish(open, "split", "1.0.0", bytes(10, 12))).status).toBe(201);
    const versions = async (token: string | null) => {
      const res = await call(`/npm/${virtual}/split`, { token });
      return Object.keys(((await res.json()) as Packument).versions).sort();
    };
    expect(await versions(null)).toEqual(["1.0.0"]);
    expect(await versions(ADMIN)).toEqual(["1.0.0", "2.0.0"]);
    expect(await versions(null)).toEqual(["1.0.0"]);
    expect((await call(`/npm/${virtual}/split/-/split-2.0.0.tgz`, { token: null })).status).toBe(404);
  }, 30_000);
});
