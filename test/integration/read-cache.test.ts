// Warm read cache (docs/architecture.md "Warm read cache"): a warm read of unchanged hosted
// content costs no D1 statement and no R2 call (repository row from the isolate's repository
// cache, answer from the isolate's read cache keyed on the revision); writes made by this
// isolate are read at once; writes made elsewhere within REPOSITORY_CACHE_SECONDS; callers
// are still authorized on every read. Counted with proxies around the bindings, never timed.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { flushDownloads } from "../../src/repositories/download-counter";
import { forgetCachedRepositories } from "../../src/repositories/repository-cache";
import { api, BASE, call, createRepository, createToken } from "../helpers/client";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { publish, tarballBytes } from "./npm-helpers";
import { twineFields, uploadBody, wheel } from "./pypi-fixtures";

/** Reads trust the cached repository row for a minute here, so only invalidation can make them fresh. */
const LONG = { REPOSITORY_CACHE_SECONDS: "60" };

function get(path: string, headers: Record<string, string> = {}, token: string | null = null, method = "GET"): Request {
  return new Request(`${BASE}${path}`, { method, headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
}

const read = (path: string, headers: Record<string, string> = {}, token: string | null = null, vars: Record<string, string> = LONG) =>
  countRoundTrips(get(path, headers, token), vars);

/** A fresh read (as after any write: the isolate's rows forgotten) then the warm one, which must be a hit. */
async function warmHit(path: string, headers: Record<string, string> = {}, token: string | null = null) {
  forgetCachedRepositories();
  const first = await read(path, headers, token);
  expect(first.response.status).toBe(200);
  const firstBody = await first.response.text();
  const warm = await read(path, headers, token);
  expect(warm.response.status).toBe(200);
  expect(warm.response.headers.get("X-Read-Cache")).toBe("HIT");
  expect(warm.counts.statements).toBe(0);
  expect(warm.calls).toEqual({ r2: 0, durableObjects: 0 });
  expect(await warm.response.text()).toBe(firstBody);
  return firstBody;
}

let reader = "";

beforeAll(async () => {
  await createRepository({ name: "rc-generic", format: "generic", kind: "hosted", visibility: "public" });
  await createRepository({ name: "rc-private", format: "generic", kind: "hosted", visibility: "private" });
  await createRepository({ name: "rc-virtual", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "rc-generic" }] });
  await createRepository({ name: "rc-npm", format: "npm", kind: "hosted", visibility: "public" });
  await createRepository({ name: "rc-pypi", format: "pypi", kind: "hosted", visibility: "public" });
  for (const repo of ["rc-generic", "rc-private"]) {
    for (const v of ["1.0", "2.0"]) expect((await call(`/generic/${repo}/tool/${v}/tool.bin`, { method: "PUT", body: `tool ${v}` })).status).toBe(201);
  }
  expect((await publish("rc-npm", "rc-pkg", "1.0.0", tarballBytes(64))).status).toBe(201);
  const filename = "rc_tool-1.0-py3-none-any.whl";
  const content = wheel("rc-tool", "1.0");
  const { body, contentType } = uploadBody(await twineFields("rc-tool", "1.0", filename, content), { filename, content });
  expect((await call("/pypi/rc-pypi/", { method: "POST", body, headers: { "Content-Type": contentType } })).status).toBe(200);
  reader = await createToken({ name: "rc-reader", scopes: ["read"] });
});

describe("a warm read of unchanged hosted content costs no D1 statement, no R2 and no Durable Object call", () => {
  it("generic file (hosted, and through a virtual repository)", async () => {
    expect(await warmHit("/generic/rc-generic/tool/1.0/tool.bin")).toBe("tool 1.0");
    expect(await warmHit("/generic/rc-virtual/tool/1.0/tool.bin")).toBe("tool 1.0");
  });

  it("npm packument, full and abbreviated (separate entries)", async () => {
    const full = await warmHit("/npm/rc-npm/rc-pkg", { Accept: "application/json" });
    const abbreviated = await warmHit("/npm/rc-npm/rc-pkg", { Accept: "application/vnd.npm.install-v1+json" });
    expect(full).toContain('"time"');
    expect(abbreviated).not.toContain('"time"');
  });

  it("PyPI simple page, HTML and JSON", async () => {
    expect(await warmHit("/pypi/rc-pypi/simple/rc-tool/", { Accept: "text/html" })).toContain("rc_tool-1.0-py3-none-any.whl");
    expect(await warmHit("/pypi/rc-pypi/simple/rc-tool/", { Accept: "application/vnd.pypi.simple.v1+json" })).toContain('"files"');
  });

  it("private repository with a token: still authorized on every read (anonymous: 404, other callers: 404)", async () => {
    await warmHit("/generic/rc-private/tool/1.0/tool.bin", {}, "test-admin-token");
    const anonymous = await read("/generic/rc-private/tool/1.0/tool.bin");
    expect(anonymous.response.status).toBe(404);
    const stranger = await createToken({ name: "rc-stranger", scopes: ["read"], repositories: ["rc-generic"] });
    expect((await read("/generic/rc-private/tool/1.0/tool.bin", {}, stranger)).response.status).toBe(404);
    const allowed = await read("/generic/rc-private/tool/1.0/tool.bin", {}, reader);
    expect(allowed.response.status).toBe(200);
    expect(allowed.response.headers.get("X-Read-Cache")).toBe("HIT");
  });

  it("a repository made private or deleted is hidden at once by the isolate that changed it", async () => {
    await createRepository({ name: "rc-closing", format: "generic", kind: "hosted", visibility: "public" });
    expect((await call("/generic/rc-closing/tool/1.0/tool.bin", { method: "PUT", body: "closing" })).status).toBe(201);
    await warmHit("/generic/rc-closing/tool/1.0/tool.bin");
    expect((await api("/repositories/rc-closing", "PATCH", { visibility: "private" })).status).toBe(200);
    expect((await read("/generic/rc-closing/tool/1.0/tool.bin")).response.status).toBe(404);
    const member = await read("/generic/rc-closing/tool/1.0/tool.bin", {}, reader);
    expect(member.response.status).toBe(200);
    expect((await api("/repositories/rc-closing", "DELETE")).status).toBe(204);
    expect((await read("/generic/rc-closing/tool/1.0/tool.bin", {}, reader)).response.status).toBe(404);
  });

  it("HEAD and If-None-Match are answered from the stored GET", async () => {
    await warmHit("/generic/rc-generic/tool/2.0/tool.bin");
    const head = await countRoundTrips(get("/generic/rc-generic/tool/2.0/tool.bin", {}, null, "HEAD"), LONG);
    expect(head.response.status).toBe(200);
    expect(head.response.headers.get("Content-Length")).toBe("8");
    expect(head.counts.statements).toBe(0);
    const etag = head.response.headers.get("ETag") ?? "";
    const revalidated = await read("/generic/rc-generic/tool/2.0/tool.bin", { "If-None-Match": etag });
    expect(revalidated.response.status).toBe(304);
    expect(revalidated.response.headers.get("Content-Length")).toBeNull();
    expect(revalidated.counts.statements).toBe(0);
    // Each hit's headers are its own: the 304's changes do not reach the next 200.
    const again = await read("/generic/rc-generic/tool/2.0/tool.bin");
    expect(again.response.status).toBe(200);
    expect(again.response.headers.get("Content-Length")).toBe("8");
    expect(again.response.headers.get("X-Request-Id")).not.toBe(revalidated.response.headers.get("X-Request-Id"));
  });

  it("downloads served from the cache are still counted", async () => {
    await warmHit("/generic/rc-generic/tool/1.0/tool.bin");
    const downloads = async () => {
      await flushDownloads(openDatabase(env.DB));
      const listed = (await (await api("/repositories/rc-generic/packages/tool/versions")).json()) as { versions: { version: string; downloads: number }[] };
      return listed.versions.find((v) => v.version === "1.0")?.downloads ?? 0;
    };
    const before = await downloads();
    for (let i = 0; i < 3; i++) expect((await read("/generic/rc-generic/tool/1.0/tool.bin")).response.headers.get("X-Read-Cache")).toBe("HIT");
    expect(await downloads()).toBe(before + 3);
  });
});

describe("writes made elsewhere (another isolate): seen within REPOSITORY_CACHE_SECONDS", () => {
  /** What another isolate's delete of version 2.0 commits: the rows and the revision bump (no forget here). */
  const deleteBehindTheBack = () =>
    env.DB.batch([
      env.DB.prepare(
        "DELETE FROM package_file WHERE version_id IN (SELECT v.id FROM package_version v JOIN package p ON p.id = v.package_id JOIN repository r ON r.id = p.repository_id WHERE r.name = 'rc-private' AND v.lower_version = '2.0')",
      ),
      env.DB.prepare("UPDATE repository SET revision = revision + 1 WHERE name = 'rc-private'"),
    ]);

  it("serves the cached answer within the bound, the write after it; a bound of 0 reads D1 every time", async () => {
    const path = "/generic/rc-private/tool/2.0/tool.bin";
    await warmHit(path, {}, reader);
    await deleteBehindTheBack();
    // Within the bound: the previous revision, from the isolate.
    const stale = await read(path, {}, reader, { REPOSITORY_CACHE_SECONDS: "60" });
    expect(stale.response.status).toBe(200);
    expect(stale.response.headers.get("X-Read-Cache")).toBe("HIT");
    // Past the bound (0.2 s here): the row is read again, the revision moved, the file is gone.
    await scheduler.wait(300);
    expect((await read(path, {}, reader, { REPOSITORY_CACHE_SECONDS: "0.2" })).response.status).toBe(404);
  });

  it("an answer read with a cached row is stored by its next miss, which reads the row first (one statement)", async () => {
    await createRepository({ name: "rc-confirm", format: "generic", kind: "hosted", visibility: "public" });
    for (const v of ["1.0", "2.0"]) expect((await call(`/generic/rc-confirm/tool/${v}/tool.bin`, { method: "PUT", body: `confirm ${v}` })).status).toBe(201);
    forgetCachedRepositories();
    await (await read("/generic/rc-confirm/tool/1.0/tool.bin")).response.text(); // the row from D1, now cached
    const path = "/generic/rc-confirm/tool/2.0/tool.bin";
    const first = await read(path); // row from the isolate's cache: answered, not stored
    expect(first.response.headers.get("X-Read-Cache")).toBeNull();
    expect(first.counts.statements).toBeGreaterThan(0);
    const second = await read(path); // wanted: the row is read again first, then the answer is stored
    expect(second.response.headers.get("X-Read-Cache")).toBeNull();
    expect(await second.response.text()).toBe("confirm 2.0");
    expect(second.counts.statements).toBe(first.counts.statements + 1);
    const third = await read(path);
    expect(third.response.headers.get("X-Read-Cache")).toBe("HIT");
    expect(third.counts.statements).toBe(0);
  });

  it("with REPOSITORY_CACHE_SECONDS=0 every read looks the revision up (one D1 statement) and still needs no R2", async () => {
    const path = "/generic/rc-private/tool/1.0/tool.bin";
    await read(path, {}, reader, { REPOSITORY_CACHE_SECONDS: "0" });
    const warm = await read(path, {}, reader, { REPOSITORY_CACHE_SECONDS: "0" });
    expect(warm.response.headers.get("X-Read-Cache")).toBe("HIT");
    expect(warm.counts.statements).toBe(1);
    expect(warm.calls.r2).toBe(0);
  });
});
