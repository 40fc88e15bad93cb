// Warm read caches and every write path (docs/architecture.md "Warm read cache"): after a
// format upload, an API delete, a cleanup run, a cargo yank, a write to a virtual's hosted
// member, the next read through this isolate sees the write — though reads here trust a
// cached repository row for a minute, so only the write's own invalidation can make them
// fresh. A remote cache purge drops every edge-cached variant (each Accept) of the remote
// and of virtual repositories containing it. Counted with binding proxies, never timed.
import { beforeAll, describe, expect, it } from "vitest";
import { forgetCachedRepositories } from "../../src/repositories/repository-cache";
import { ADMIN, api, BASE, call, createRepository } from "../helpers/client";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { UPSTREAM, useFakeUpstream } from "../helpers/upstream";
import { publishBodyFor } from "./cargo-fixtures";
import { publish, tarballBytes } from "./npm-helpers";
import { twineFields, uploadBody, wheel } from "./pypi-fixtures";

const upstream = useFakeUpstream();
const LONG = { REPOSITORY_CACHE_SECONDS: "60" };

const read = (path: string, headers: Record<string, string> = {}) => countRoundTrips(new Request(`${BASE}${path}`, { headers }), LONG);

/** Reads `path` until the isolate answers it (fresh row, stored, then a hit with no D1 statement); returns the body. */
async function warm(path: string, headers: Record<string, string> = {}): Promise<string> {
  forgetCachedRepositories();
  await (await read(path, headers)).response.arrayBuffer();
  const hit = await read(path, headers);
  expect(hit.response.headers.get("X-Read-Cache")).toBe("HIT");
  expect(hit.counts.statements).toBe(0);
  return hit.response.text();
}

/** The read right after a write: not from the isolate's cache, and the write is in it. */
async function afterWrite(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const { response } = await read(path, headers);
  expect(response.headers.get("X-Read-Cache")).toBeNull();
  return { status: response.status, text: await response.text() };
}

async function pypiUpload(repo: string, version: string): Promise<void> {
  const filename = `rw_tool-${version}-py3-none-any.whl`;
  const content = wheel("rw-tool", version);
  const { body, contentType } = uploadBody(await twineFields("rw-tool", version, filename, content), { filename, content });
  expect((await call(`/pypi/${repo}/`, { method: "POST", body, headers: { "Content-Type": contentType } })).status).toBe(200);
}

beforeAll(async () => {
  await createRepository({ name: "rw-generic", format: "generic", kind: "hosted", visibility: "public" });
  await createRepository({ name: "rw-virtual", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "rw-generic" }] });
  await createRepository({ name: "rw-npm", format: "npm", kind: "hosted", visibility: "public", settings: { cleanup: { keepCount: 1 } } });
  await createRepository({ name: "rw-pypi", format: "pypi", kind: "hosted", visibility: "public" });
  await createRepository({ name: "rw-cargo", format: "cargo", kind: "hosted", visibility: "public" });
  for (const v of ["1.0", "2.0"]) expect((await call(`/generic/rw-generic/tool/${v}/tool.bin`, { method: "PUT", body: `tool ${v}` })).status).toBe(201);
  expect((await publish("rw-npm", "rw-pkg", "1.0.0", tarballBytes(64))).status).toBe(201);
  await pypiUpload("rw-pypi", "1.0");
  const crate = await publishBodyFor("rw-crate", "1.0.0");
  expect((await call("/cargo/rw-cargo/api/v1/crates/new", { method: "PUT", token: null, body: crate.body, headers: { Authorization: ADMIN } })).status).toBe(200);
});

describe("every hosted write path is read at once by the isolate that made it", () => {
  it("format upload: npm publish, then the packument (full and abbreviated) has the new version", async () => {
    for (const accept of ["application/json", "application/vnd.npm.install-v1+json"]) expect(await warm("/npm/rw-npm/rw-pkg", { Accept: accept })).not.toContain("1.1.0");
    expect((await publish("rw-npm", "rw-pkg", "1.1.0", tarballBytes(65))).status).toBe(201);
    for (const accept of ["application/json", "application/vnd.npm.install-v1+json"]) expect((await afterWrite("/npm/rw-npm/rw-pkg", { Accept: accept })).text).toContain('"1.1.0"');
  });

  it("format upload: a PyPI upload, then the simple page lists the new file", async () => {
    expect(await warm("/pypi/rw-pypi/simple/rw-tool/")).not.toContain("rw_tool-1.1");
    await pypiUpload("rw-pypi", "1.1");
    expect((await afterWrite("/pypi/rw-pypi/simple/rw-tool/")).text).toContain("rw_tool-1.1-py3-none-any.whl");
  });

  it("API delete of a version: the file is gone from the hosted repository and from the virtual", async () => {
    expect(await warm("/generic/rw-generic/tool/2.0/tool.bin")).toBe("tool 2.0");
    expect(await warm("/generic/rw-virtual/tool/2.0/tool.bin")).toBe("tool 2.0");
    expect((await api("/repositories/rw-generic/packages/tool/versions/2.0", "DELETE")).status).toBe(204);
    expect((await afterWrite("/generic/rw-generic/tool/2.0/tool.bin")).status).toBe(404);
    expect((await afterWrite("/generic/rw-virtual/tool/2.0/tool.bin")).status).toBe(404);
  });

  it("cleanup: a policy run removes the older version from the packument", async () => {
    const before = await warm("/npm/rw-npm/rw-pkg", { Accept: "application/json" });
    expect(before).toContain('"1.0.0"');
    expect(await (await api("/repositories/rw-npm/cleanup", "POST")).json()).toMatchObject({ versionsRemoved: 1 });
    const after = await afterWrite("/npm/rw-npm/rw-pkg", { Accept: "application/json" });
    expect(after.text).not.toContain('"1.0.0"');
    expect(after.text).toContain('"1.1.0"');
  });

  it("yank: cargo yank, then the sparse index file says yanked", async () => {
    const path = "/cargo/rw-cargo/index/rw/-c/rw-crate";
    expect(JSON.parse(await warm(path))).toMatchObject({ vers: "1.0.0", yanked: false });
    const yank = await call("/cargo/rw-cargo/api/v1/crates/rw-crate/1.0.0/yank", { method: "DELETE", token: null, headers: { Authorization: ADMIN } });
    expect(yank.status).toBe(200);
    expect(JSON.parse((await afterWrite(path)).text)).toMatchObject({ vers: "1.0.0", yanked: true });
  });

  it("a format delete of a file (generic DELETE), through the hosted repository", async () => {
    expect(await warm("/generic/rw-generic/tool/1.0/tool.bin")).toBe("tool 1.0");
    expect((await call("/generic/rw-generic/tool/1.0/tool.bin", { method: "DELETE" })).status).toBe(204);
    expect((await afterWrite("/generic/rw-generic/tool/1.0/tool.bin")).status).toBe(404);
  });
});

describe("a remote cache purge drops every edge- and isolate-cached variant", () => {
  it("each Accept variant of the remote and of a virtual containing it is fetched again after a purge", async () => {
    await createRepository({ name: "rw-remote", format: "generic", kind: "remote", visibility: "public", remote: { url: `${UPSTREAM}/rw-remote/` } });
    await createRepository({ name: "rw-remote-all", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "rw-remote" }] });
    upstream.files.set("/rw-remote/tool/1.0/tool.bin", { body: "first" });
    const paths = ["/generic/rw-remote/tool/1.0/tool.bin", "/generic/rw-remote-all/tool/1.0/tool.bin"];
    const variants: Record<string, string>[] = [{ Accept: "application/octet-stream" }, { Accept: "*/*" }, {}];
    for (const path of paths) {
      for (const headers of variants) {
        expect(await (await call(path, { token: null, headers })).text()).toBe("first");
        const again = await call(path, { token: null, headers });
        // From the isolate (an immutable remote artifact) or, in another isolate, the edge cache.
        expect(again.headers.get("X-Read-Cache") ?? again.headers.get("X-Edge-Cache")).toBe("HIT");
        expect(await again.text()).toBe("first");
      }
    }
    upstream.files.set("/rw-remote/tool/1.0/tool.bin", { body: "second" });
    const purge = await api("/repositories/rw-remote/cache?path=tool/1.0/tool.bin", "DELETE");
    expect(await purge.json()).toEqual({ purged: 1 });
    for (const path of paths) {
      for (const headers of variants) {
        const after = await call(path, { token: null, headers });
        expect(after.headers.get("X-Edge-Cache")).toBeNull();
        expect(after.headers.get("X-Read-Cache")).toBeNull();
        expect(await after.text()).toBe("second");
      }
    }
  });
});

describe("immutable artifacts of remote members are kept in the isolate too", () => {
  it("a private virtual with a remote member: warm artifact reads cost nothing; fresh metadata is kept; a purge drops them", async () => {
    await createRepository({ name: "rw-npm-remote", format: "npm", kind: "remote", visibility: "private", remote: { url: `${UPSTREAM}/rw-npmjs/`, metadataTtlSeconds: 3600 } });
    await createRepository({ name: "rw-npm-all", format: "npm", kind: "virtual", visibility: "private", members: [{ repository: "rw-npm", priority: 1 }, { repository: "rw-npm-remote", priority: 2 }] });
    const tarball = "upstream tarball bytes";
    upstream.files.set("/rw-npmjs/up-pkg", {
      contentType: "application/json",
      body: JSON.stringify({ name: "up-pkg", "dist-tags": { latest: "1.0.0" }, versions: { "1.0.0": { name: "up-pkg", version: "1.0.0", dist: { tarball: `${UPSTREAM}/rw-npmjs/up-pkg/-/up-pkg-1.0.0.tgz` } } } }),
    });
    upstream.files.set("/rw-npmjs/up-pkg/-/up-pkg-1.0.0.tgz", { body: tarball });
    const auth = { Authorization: ADMIN };
    const packument = await read("/npm/rw-npm-all/up-pkg", auth);
    expect(packument.response.status).toBe(200);
    await packument.response.arrayBuffer();
    const path = "/npm/rw-npm-all/up-pkg/-/up-pkg-1.0.0.tgz";
    expect(await warm(path, auth)).toBe(tarball);
    expect(upstream.count("/rw-npmjs/up-pkg/-/up-pkg-1.0.0.tgz")).toBe(1);
    // The merged packument (remote metadata) is kept while the remote's entry is fresh (3600 s here).
    forgetCachedRepositories();
    await (await read("/npm/rw-npm-all/up-pkg", auth)).response.arrayBuffer();
    expect((await read("/npm/rw-npm-all/up-pkg", auth)).response.headers.get("X-Read-Cache")).toBe("HIT");
    // A purge of the remote's cache bumps its revision: the next read is not from the isolate.
    upstream.files.set("/rw-npmjs/up-pkg/-/up-pkg-1.0.0.tgz", { body: "republished upstream" });
    expect((await api("/repositories/rw-npm-remote/cache", "DELETE")).status).toBe(200);
    expect(await afterWrite(path, auth)).toEqual({ status: 200, text: "republished upstream" });
    expect((await read("/npm/rw-npm-all/up-pkg", auth)).response.headers.get("X-Read-Cache")).toBeNull();
  });
});
