// Warm hits before the app (src/virtual/warm-hits.ts): a read whose repository row the isolate
// holds (REPOSITORY_CACHE_SECONDS 60 here, no D1 bookmark) is answered by the Worker's fetch from
// the read cache; the same read carrying a D1 bookmark skips it and takes the full path
// (prefetch from D1, routing, loader, `cachedRead`), which hits the same entry. Both answers
// must be the same bytes and headers, and the middleware must decide access exactly as the
// loader does: a caller who cannot read a repository gets the missing repository's answer,
// even when another caller's answer is cached.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { flushDownloads } from "../../src/repositories/download-counter";
import { forgetCachedRepositories } from "../../src/repositories/repository-cache";
import { api, BASE, bytes, call, createRepository, createToken } from "../helpers/client";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { fakeNpmPackage } from "../helpers/fake-npm";
import { UPSTREAM, useFakeUpstream } from "../helpers/upstream";
import { publish, tarballBytes } from "./npm-helpers";

const upstream = useFakeUpstream();

const LONG = { REPOSITORY_CACHE_SECONDS: "60" };

function request(path: string, options: { headers?: Record<string, string>; token?: string | null; method?: string } = {}): Request {
  const auth: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  return new Request(`${BASE}${path}`, { method: options.method ?? "GET", headers: { ...options.headers, ...auth } });
}

const read = (path: string, options: Parameters<typeof request>[1] = {}) => countRoundTrips(request(path, options), LONG);

/** What a response says apart from its per-request id and session bookmark. */
async function answerOf(response: Response) {
  const headers = [...response.headers].filter(([name]) => !["x-request-id", "x-d1-bookmark"].includes(name.toLowerCase()));
  return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) };
}

let bookmark = "";
let reader = "";
let stranger = "";

beforeAll(async () => {
  await createRepository({ name: "wh-public", format: "generic", kind: "hosted", visibility: "public" });
  await createRepository({ name: "wh-private", format: "generic", kind: "hosted", visibility: "private" });
  await createRepository({ name: "wh-mixed", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "wh-private" }, { repository: "wh-public" }] });
  await createRepository({ name: "wh-npm", format: "npm", kind: "hosted", visibility: "private" });
  // A virtual packument merged from the hosted member and a remote one: kept while the remote's metadata is fresh.
  await createRepository({ name: "wh-npm-remote", format: "npm", kind: "remote", visibility: "private", remote: { url: `${UPSTREAM}/wh-npm-remote/`, metadataTtlSeconds: 300 } });
  await createRepository({
    name: "wh-npm-virtual", format: "npm", kind: "virtual", visibility: "private", settings: { shielding: false },
    members: [{ repository: "wh-npm", priority: 10 }, { repository: "wh-npm-remote", priority: 1 }],
  });
  for (const repo of ["wh-public", "wh-private"]) {
    const put = await call(`/generic/${repo}/tool/1.0/tool.bin`, { method: "PUT", body: `${repo} 1.0` });
    expect(put.status).toBe(201);
    bookmark = put.headers.get("X-D1-Bookmark") ?? "";
  }
  expect(bookmark).not.toBe("");
  expect((await publish("wh-npm", "wh-pkg", "1.0.0", tarballBytes(64))).status).toBe(201);
  const published = new Date(Date.now() - 30 * 86_400_000).toISOString();
  await fakeNpmPackage(upstream, "wh-npm-remote", "wh-pkg", [{ version: "0.9.0", published, tarball: bytes(50) }], { latest: "0.9.0" });
  reader = await createToken({ name: "wh-reader", scopes: ["read"] });
  stranger = await createToken({ name: "wh-stranger", scopes: ["read"], repositories: ["wh-public"] });
});

/** Fills the entry (a GET, row read from D1 now), then returns a fast-path hit and a full-path hit. */
async function bothPaths(path: string, options: Parameters<typeof request>[1] = {}) {
  forgetCachedRepositories();
  const first = await read(path, { ...options, method: "GET" });
  expect(first.response.status).toBe(200);
  const fast = await read(path, options);
  expect(fast.response.headers.get("X-Read-Cache")).toBe("HIT");
  expect(fast.counts.statements).toBe(0);
  expect(fast.calls).toEqual({ r2: 0, durableObjects: 0 });
  const full = await read(path, { ...options, headers: { ...options.headers, "X-D1-Bookmark": bookmark } });
  expect(full.response.headers.get("X-Read-Cache")).toBe("HIT");
  expect(full.counts.statements).toBeGreaterThan(0); // the row from D1: the full path ran
  return { fast: fast.response, full: full.response };
}

describe("a warm hit answered before routing is the full path's answer", () => {
  const cases: [string, string, Parameters<typeof request>[1]][] = [
    ["public generic file, anonymous", "/generic/wh-public/tool/1.0/tool.bin", {}],
    ["private generic file, token", "/generic/wh-private/tool/1.0/tool.bin", { token: "" }],
    ["generic file through a virtual with a private member, reader of both", "/generic/wh-mixed/tool/1.0/tool.bin", { token: "" }],
    ["private npm packument, full", "/npm/wh-npm/wh-pkg", { token: "", headers: { Accept: "application/json" } }],
    ["private npm packument, abbreviated", "/npm/wh-npm/wh-pkg", { token: "", headers: { Accept: "application/vnd.npm.install-v1+json" } }],
    ["private npm tarball, HEAD", "/npm/wh-npm/wh-pkg/-/wh-pkg-1.0.0.tgz", { token: "", method: "HEAD" }],
    ["virtual npm packument with a remote member (remote metadata, fresh)", "/npm/wh-npm-virtual/wh-pkg", { token: "", headers: { Accept: "application/json" } }],
  ];
  for (const [what, path, options] of cases) {
    it(what, async () => {
      const { fast, full } = await bothPaths(path, { ...options, token: options?.token === "" ? reader : null });
      expect(fast.headers.get("X-Request-Id")).toBeTruthy();
      expect(await answerOf(fast)).toEqual(await answerOf(full));
    });
  }

  it("If-None-Match: 304 with the same headers on both paths", async () => {
    const path = "/generic/wh-private/tool/1.0/tool.bin";
    const { fast } = await bothPaths(path, { token: reader });
    const etag = fast.headers.get("ETag") ?? "";
    expect(etag).not.toBe("");
    const revalidated = await read(path, { token: reader, headers: { "If-None-Match": etag } });
    const full = await read(path, { token: reader, headers: { "If-None-Match": etag, "X-D1-Bookmark": bookmark } });
    expect(revalidated.response.status).toBe(304);
    expect(revalidated.counts.statements).toBe(0);
    expect(await answerOf(revalidated.response)).toEqual(await answerOf(full.response));
  });
});

describe("the fast path decides access as the loader does", () => {
  it("a caller who may not read a private repository gets the missing repository's answer, though the entry is cached", async () => {
    const path = "/generic/wh-private/tool/1.0/tool.bin";
    await bothPaths(path, { token: reader });
    const missing = await answerOf((await read("/generic/wh-nowhere/tool/1.0/tool.bin")).response);
    const mask = (a: Awaited<ReturnType<typeof answerOf>>) => ({ ...a, body: new TextDecoder().decode(a.body).replaceAll("wh-private", "wh-nowhere").replace(/"requestId":"[^"]+"/, "") });
    for (const [token, method] of [[null, "GET"], [null, "HEAD"], [stranger, "GET"]] as const) {
      const refused = await read(path, { token, method });
      expect(refused.response.status).toBe(404);
      expect(refused.response.headers.get("X-Read-Cache")).toBeNull();
      if (method === "GET" && token === null) expect(mask(await answerOf(refused.response))).toEqual(mask(missing));
    }
  });

  it("through a public virtual, a caller who cannot read every member is not served the cached answer", async () => {
    const path = "/generic/wh-mixed/tool/1.0/tool.bin";
    const { fast } = await bothPaths(path, { token: reader });
    expect(await fast.text()).toBe("wh-private 1.0"); // the private member comes first
    const anonymous = await read(path);
    expect(anonymous.response.status).toBe(200);
    expect(anonymous.response.headers.get("X-Read-Cache")).toBeNull();
    expect(await anonymous.response.text()).toBe("wh-public 1.0");
  });

  it("malformed credentials on a cached entry get the app's 401 in the format's shape, not the entry", async () => {
    const path = "/generic/wh-public/tool/1.0/tool.bin";
    await bothPaths(path);
    const refused = await read(path, { headers: { Authorization: "Basic %%%" } });
    expect(refused.response.status).toBe(401);
    expect(refused.response.headers.get("X-Read-Cache")).toBeNull();
    expect(JSON.stringify(await refused.response.json())).toContain("malformed Basic credentials");
  });

  it("a token this isolate does not hold is looked up by the app (in the request's D1 session), then answered from the entry", async () => {
    const path = "/generic/wh-private/tool/1.0/tool.bin";
    await bothPaths(path, { token: reader });
    const fresh = await createToken({ name: "wh-fresh", scopes: ["read"] });
    const first = await read(path, { token: fresh });
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get("X-Read-Cache")).toBe("HIT");
    expect(first.counts.statements).toBeGreaterThan(0); // the token and its owner's grants
    const second = await read(path, { token: fresh });
    expect(second.counts.statements).toBe(0);
  });

  it("a token revoked through this isolate is refused on the next request, cached entry or not", async () => {
    const path = "/generic/wh-private/tool/1.0/tool.bin";
    const created = await api("/tokens", "POST", { name: "wh-doomed", scopes: ["read"] });
    const { id, token } = (await created.json()) as { id: number; token: string };
    await bothPaths(path, { token });
    expect((await api(`/tokens/${id}`, "DELETE")).status).toBe(204);
    const refused = await read(path, { token });
    expect(refused.response.status).toBe(401);
    expect(refused.response.headers.get("X-Read-Cache")).toBeNull();
  });
});

describe("counting", () => {
  it("GET hits count the download, HEAD hits do not, on the fast path as on the full path", async () => {
    const path = "/generic/wh-public/tool/1.0/tool.bin";
    const downloads = async () => {
      await flushDownloads(openDatabase(env.DB));
      const listed = (await (await api("/repositories/wh-public/packages/tool/versions")).json()) as { versions: { version: string; downloads: number }[] };
      return listed.versions.find((v) => v.version === "1.0")?.downloads ?? 0;
    };
    await bothPaths(path);
    const before = await downloads();
    for (let i = 0; i < 3; i++) expect((await read(path)).response.headers.get("X-Read-Cache")).toBe("HIT");
    expect((await read(path, { method: "HEAD" })).response.headers.get("X-Read-Cache")).toBe("HIT");
    expect(await downloads()).toBe(before + 3);
  });
});
