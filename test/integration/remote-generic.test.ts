import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, call, createRepository, sha256 } from "../helpers/client";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { UPSTREAM, useFakeUpstream } from "../helpers/upstream";

const upstream = useFakeUpstream();

let n = 0;
/** A fresh private remote repository per test, so cache state never leaks between tests. */
async function remote(settings: Record<string, unknown> = {}): Promise<string> {
  const name = `remote-${++n}`;
  await createRepository({ name, format: "generic", kind: "remote", visibility: "private", remote: { url: `${UPSTREAM}/${name}/`, ...settings } });
  return name;
}

const get = (repo: string, file = "tool/1.0/tool.bin") => call(`/generic/${repo}/${file}`);
const age = (repo: string, seconds: number) =>
  env.DB.prepare("UPDATE cache_entry SET checked_at = checked_at - ? WHERE repository_id = (SELECT id FROM repository WHERE name = ?)").bind(seconds * 1000, repo).run();

describe("remote repository cache", () => {
  it("fetches on a cold miss, then serves warm hits with no upstream call", async () => {
    const repo = await remote();
    upstream.files.set(`/${repo}/tool/1.0/tool.bin`, { body: "bytes from upstream" });
    const first = await get(repo);
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    expect(await first.text()).toBe("bytes from upstream");
    const second = await get(repo);
    expect(second.headers.get("X-Cache")).toBe("HIT");
    expect(await second.text()).toBe("bytes from upstream");
    expect(upstream.count(`/${repo}/tool/1.0/tool.bin`)).toBe(1);
  });

  it("revalidates an expired entry with its ETag: 304 keeps it, changed content replaces it", async () => {
    const repo = await remote({ artifactTtlSeconds: 60 });
    const path = `/${repo}/tool/1.0/tool.bin`;
    upstream.files.set(path, { body: "v1", etag: '"v1"' });
    await get(repo);
    await age(repo, 120);
    const revalidated = await get(repo);
    expect(revalidated.headers.get("X-Cache")).toBe("REVALIDATED");
    expect(upstream.requests.at(-1)?.headers.get("If-None-Match")).toBe('"v1"');
    expect(await revalidated.text()).toBe("v1");

    upstream.files.set(path, { body: "v2", etag: '"v2"' });
    await age(repo, 120);
    const changed = await get(repo);
    expect(changed.headers.get("X-Cache")).toBe("MISS");
    expect(await changed.text()).toBe("v2");
  });

  it("without validators, identical bytes count as revalidated", async () => {
    const repo = await remote({ artifactTtlSeconds: 60 });
    upstream.files.set(`/${repo}/tool/1.0/tool.bin`, { body: "same" });
    await get(repo);
    await age(repo, 120);
    expect((await get(repo)).headers.get("X-Cache")).toBe("REVALIDATED");
  });

  it("serves the stale entry when the upstream is down or answers 5xx", async () => {
    const repo = await remote({ artifactTtlSeconds: 60 });
    upstream.files.set(`/${repo}/tool/1.0/tool.bin`, { body: "kept" });
    await get(repo);
    for (const failure of ["down", 503] as const) {
      upstream.failure = failure;
      await age(repo, 120);
      const stale = await get(repo);
      expect(stale.status).toBe(200);
      expect(stale.headers.get("X-Cache")).toBe("STALE");
      expect(await stale.text()).toBe("kept");
    }
  });

  it("answers 502 in the client's format when the upstream is down and nothing is cached", async () => {
    const repo = await remote();
    upstream.failure = 500;
    const res = await get(repo);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("upstream_unavailable");
  });

  it("caches a 404 briefly, then asks again after the negative period", async () => {
    const repo = await remote({ negativeTtlSeconds: 60 });
    const path = `/${repo}/tool/1.0/tool.bin`;
    expect((await get(repo)).status).toBe(404);
    expect((await get(repo)).status).toBe(404);
    expect(upstream.count(path)).toBe(1);
    upstream.files.set(path, { body: "published later" });
    await age(repo, 61);
    expect((await get(repo)).status).toBe(200);
    expect(upstream.count(path)).toBe(2);
  });

  it("never negatively caches a 5xx", async () => {
    const repo = await remote();
    const path = `/${repo}/tool/1.0/tool.bin`;
    upstream.failure = 500;
    expect((await get(repo)).status).toBe(502);
    upstream.failure = null;
    upstream.files.set(path, { body: "back" });
    expect((await get(repo)).status).toBe(200);
  });

  it("opens the circuit after repeated failures and then serves only the cache", async () => {
    const repo = await remote();
    upstream.failure = "down";
    for (let i = 0; i < 5; i++) expect((await get(repo, `tool/1.0/f${i}.bin`)).status).toBe(502);
    const before = upstream.requests.length;
    upstream.failure = null;
    upstream.files.set(`/${repo}/tool/1.0/other.bin`, { body: "x" });
    expect((await get(repo, "tool/1.0/other.bin")).status).toBe(502);
    expect(upstream.requests.length).toBe(before);
  });

  it("sends the stored credentials upstream and never returns them", async () => {
    const repo = await remote({ username: "svc", password: "s3cret" });
    upstream.files.set(`/${repo}/tool/1.0/tool.bin`, { body: "private" });
    await get(repo);
    expect(upstream.requests.at(-1)?.headers.get("Authorization")).toBe(`Basic ${btoa("svc:s3cret")}`);
    const described = await (await api(`/repositories/${repo}`)).text();
    expect(described).not.toContain("s3cret");
  });

  it("coalesces concurrent misses into one upstream request with identical bytes", async () => {
    const repo = await remote();
    const body = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
    upstream.files.set(`/${repo}/tool/1.0/tool.bin`, { body });
    const responses = await Promise.all(Array.from({ length: 20 }, () => get(repo)));
    const digests = await Promise.all(responses.map(async (r) => sha256(await r.arrayBuffer())));
    expect(upstream.count(`/${repo}/tool/1.0/tool.bin`)).toBe(1);
    expect(new Set(digests)).toEqual(new Set([await sha256(body)]));
  });

  it("fails every coalesced follower at once when the leader's fetch fails", async () => {
    const repo = await remote();
    upstream.failure = 503;
    const responses = await Promise.all(Array.from({ length: 10 }, () => get(repo)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(502));
    expect(upstream.count(`/${repo}/tool/1.0/tool.bin`)).toBe(1);
  });

  it("serves a public remote's artifact from the edge cache on the second request", async () => {
    const name = `remote-${++n}`;
    await createRepository({ name, format: "generic", kind: "remote", visibility: "public", remote: { url: `${UPSTREAM}/${name}/` } });
    upstream.files.set(`/${name}/tool/1.0/tool.bin`, { body: "edge" });
    // The isolate's read cache off (READ_CACHE_MIB=0): it would answer first.
    const noIsolateCache = () => countRoundTrips(new Request(`${BASE}/generic/${name}/tool/1.0/tool.bin`), { READ_CACHE_MIB: "0" });
    await (await noIsolateCache()).response.text();
    const second = (await noIsolateCache()).response;
    expect(second.headers.get("X-Edge-Cache")).toBe("HIT");
    expect(await second.text()).toBe("edge");
  });

  it("keeps an immutable artifact in the isolate; not one the remote rechecks", async () => {
    const immutable = await remote();
    const rechecked = await remote({ artifactTtlSeconds: 60 });
    for (const repo of [immutable, rechecked]) upstream.files.set(`/${repo}/tool/1.0/tool.bin`, { body: repo });
    for (const repo of [immutable, rechecked]) await (await get(repo)).text();
    const warm = await get(immutable);
    expect(warm.headers.get("X-Read-Cache")).toBe("HIT");
    expect(warm.headers.get("X-Cache")).toBe("HIT");
    expect(await warm.text()).toBe(immutable);
    const again = await get(rechecked);
    expect(again.headers.get("X-Read-Cache")).toBeNull();
    expect(await again.text()).toBe(rechecked);
  });

  it("lists and purges cache entries, and tests the upstream connection", async () => {
    const repo = await remote();
    upstream.files.set(`/${repo}/tool/1.0/tool.bin`, { body: "abc" });
    await get(repo);
    await get(repo);
    const list = (await (await api(`/repositories/${repo}/cache`)).json()) as { entries: { path: string; size: number; hits: number }[] };
    expect(list.entries).toEqual([expect.objectContaining({ path: "tool/1.0/tool.bin", size: 3 })]);
    expect(await (await api(`/repositories/${repo}/cache?path=tool/1.0/tool.bin`, "DELETE")).json()).toEqual({ purged: 1 });
    await get(repo);
    expect(upstream.count(`/${repo}/tool/1.0/tool.bin`)).toBe(2);
    expect(await (await api(`/repositories/${repo}/cache`, "DELETE")).json()).toEqual({ purged: 1 });
    const test = (await (await api(`/repositories/${repo}/test-upstream`, "POST")).json()) as { ok: boolean };
    expect(test.ok).toBe(true);
  });

  it("the cron drops entries not requested for cacheRetentionDays", async () => {
    const name = `remote-${++n}`;
    await createRepository({ name, format: "generic", kind: "remote", visibility: "private", remote: { url: `${UPSTREAM}/${name}/` }, settings: { cacheRetentionDays: 7 } });
    upstream.files.set(`/${name}/tool/1.0/tool.bin`, { body: "old" });
    upstream.files.set(`/${name}/tool/1.0/fresh.bin`, { body: "new" });
    await get(name);
    await get(name, "tool/1.0/fresh.bin");
    await get(name, "tool/1.0/fresh.bin");
    const { runScheduledJobs } = await import("../../src/jobs/scheduled");
    await runScheduledJobs(env, Date.now() + 3 * 86_400_000);
    await env.DB.prepare("UPDATE cache_entry SET last_hit_at = ?, fetched_at = ? WHERE key = ?").bind(Date.now() - 8 * 86_400_000, Date.now() - 8 * 86_400_000, "tool/1.0/tool.bin").run();
    await runScheduledJobs(env, Date.now());
    const list = (await (await api(`/repositories/${name}/cache`)).json()) as { entries: { path: string }[] };
    expect(list.entries.map((e) => e.path)).toEqual(["tool/1.0/fresh.bin"]);
  });

  it("refuses uploads with 405", async () => {
    const repo = await remote();
    expect((await call(`/generic/${repo}/tool/1.0/x.bin`, { method: "PUT", body: "x" })).status).toBe(405);
  });
});
