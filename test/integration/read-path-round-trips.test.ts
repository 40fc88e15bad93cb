// Read-path budget (docs/architecture.md): a warm read — hosted, or through a
// virtual repository; with a token or anonymous — costs at most 2 sequential D1 round
// trips and writes nothing to D1. Counted with a proxy around the D1 binding, never timed.
import { beforeAll, describe, expect, it } from "vitest";
import { flushDownloads } from "../../src/repositories/download-counter";
import { openDatabase } from "../../src/db/client";
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { BASE, call, createRepository, createToken } from "../helpers/client";
import { fakeNpmPackage } from "../helpers/fake-npm";
import { UPSTREAM, useFakeUpstream } from "../helpers/upstream";
import { publish, tarballBytes } from "./npm-helpers";
import { twineFields, uploadBody, wheel } from "./pypi-fixtures";

const upstream = useFakeUpstream();

let token = "";

function get(path: string, auth: string | null, headers: Record<string, string> = {}): Request {
  return new Request(`${BASE}${path}`, { headers: { ...headers, ...(auth ? { Authorization: `Bearer ${auth}` } : {}) } });
}

/** The second of two identical requests (the first warms stored documents and the token's last-used time). */
async function warm(path: string, auth: string | null, headers: Record<string, string> = {}) {
  const first = await countRoundTrips(get(path, auth, headers));
  expect(first.response.status).toBe(200);
  // Download counts are buffered per isolate; start the measured request with an empty buffer.
  await flushDownloads(openDatabase(env.DB));
  return countRoundTrips(get(path, auth, headers));
}

beforeAll(async () => {
  await createRepository({ name: "rp-hosted", format: "generic", kind: "hosted", visibility: "public" });
  await createRepository({ name: "rp-private", format: "generic", kind: "hosted", visibility: "private" });
  await createRepository({ name: "rp-virtual", format: "generic", kind: "virtual", visibility: "private", members: [{ repository: "rp-private" }] });
  await createRepository({ name: "rp-npm", format: "npm", kind: "hosted", visibility: "private" });
  for (const repo of ["rp-hosted", "rp-private"]) {
    expect((await call(`/generic/${repo}/tool/1.0/tool.bin`, { method: "PUT", body: "some bytes" })).status).toBe(201);
  }
  expect((await publish("rp-npm", "@rp/pkg", "1.0.0", tarballBytes(100))).status).toBe(201);
  expect((await publish("rp-npm", "@rp/pkg", "1.1.0", tarballBytes(120))).status).toBe(201);
  // An npm virtual over a hosted and a remote member, shielding on (the default).
  await createRepository({ name: "rp-npm-remote", format: "npm", kind: "remote", visibility: "private", remote: { url: `${UPSTREAM}/rp-npm-remote/` } });
  await createRepository({ name: "rp-npm-all", format: "npm", kind: "virtual", visibility: "private", members: [{ repository: "rp-npm" }, { repository: "rp-npm-remote" }] });
  await createRepository({ name: "rp-pypi", format: "pypi", kind: "hosted", visibility: "private" });
  await createRepository({ name: "rp-pypi-all", format: "pypi", kind: "virtual", visibility: "private", members: [{ repository: "rp-pypi" }] });
  for (const version of ["1.0", "1.1"]) {
    const filename = `rp_tool-${version}-py3-none-any.whl`;
    const content = wheel("rp-tool", version);
    const { body, contentType } = uploadBody(await twineFields("rp-tool", version, filename, content), { filename, content });
    expect((await call("/pypi/rp-pypi/", { method: "POST", body, headers: { "Content-Type": contentType } })).status).toBe(200);
  }
  // A stored token (looked up in D1), not the bootstrap admin secret.
  token = await createToken({ name: "rp", scopes: ["read"] });
});

describe("warm reads cost at most 2 sequential D1 round trips and no D1 write", () => {
  it("hosted generic download, anonymous", async () => {
    const { response, counts } = await warm("/generic/rp-hosted/tool/1.0/tool.bin", null);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("some bytes");
    expect(counts.roundTrips).toBeLessThanOrEqual(2);
    expect(counts.writes).toBe(0);
  });

  it("hosted generic download, with a token", async () => {
    const { response, counts } = await warm("/generic/rp-private/tool/1.0/tool.bin", token);
    expect(response.status).toBe(200);
    expect(counts.roundTrips).toBeLessThanOrEqual(2);
    expect(counts.writes).toBe(0);
  });

  it("npm hosted packument, with a token (full and abbreviated)", async () => {
    for (const accept of ["application/json", "application/vnd.npm.install-v1+json"]) {
      const { response, counts } = await warm("/npm/rp-npm/@rp%2fpkg", token, { Accept: accept });
      expect(response.status).toBe(200);
      expect(Object.keys(((await response.json()) as { versions: object }).versions)).toEqual(["1.0.0", "1.1.0"]);
    expect(counts.roundTrips).toBeLessThanOrEqual(2);
      expect(counts.writes).toBe(0);
    }
  });

  it("generic download through a virtual repository (hosted member), with a token", async () => {
    const { response, counts } = await warm("/generic/rp-virtual/tool/1.0/tool.bin", token);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Registry-Member")).toBe("rp-private");
    expect(counts.roundTrips).toBeLessThanOrEqual(2);
    expect(counts.writes).toBe(0);
  });

  it("merged npm packument through a virtual with hosted and remote members, shielding on", async () => {
    await fakeNpmPackage(upstream, "rp-npm-remote", "rp-public", [{ version: "2.0.0", published: new Date(Date.now() - 86_400_000).toISOString(), tarball: tarballBytes(90) }], { latest: "2.0.0" });
    // A name only the remote has (the hosted answer rules shielding out) and one the hosted member shields.
    for (const path of ["/npm/rp-npm-all/rp-public", "/npm/rp-npm-all/@rp%2fpkg"]) {
      const { response, counts } = await warm(path, token);
      expect(response.headers.get("X-Cache")).toBe("HIT");
      expect(counts.roundTrips).toBeLessThanOrEqual(2);
      expect(counts.writes).toBe(0);
    }
    expect(upstream.count("/rp-npm-remote/@rp%2fpkg")).toBe(0);
  });

  it("PyPI hosted project page, HTML and JSON", async () => {
    for (const accept of ["text/html", "application/vnd.pypi.simple.v1+json"]) {
      const { response, counts } = await warm("/pypi/rp-pypi/simple/rp-tool/", token, { Accept: accept });
      expect(await response.text()).toContain("rp_tool-1.1-py3-none-any.whl");
      expect(counts.roundTrips).toBeLessThanOrEqual(2);
      expect(counts.writes).toBe(0);
    }
  });

  it("the counter sees sequential round trips (a cold packument build costs more)", async () => {
    await publish("rp-npm", "@rp/pkg", "1.2.0", tarballBytes(130));
    const { response, counts } = await countRoundTrips(get("/npm/rp-npm/@rp%2fpkg", token));
    expect(response.status).toBe(200);
    expect(counts.roundTrips).toBeGreaterThan(2);
  });
});

describe("call counts (D1_ROUND_TRIPS_HEADER=1, for benchmarks)", () => {
  it("reports D1 round trips and statements, R2 and Durable Object calls only when asked", async () => {
    const ctx = createExecutionContext();
    const plain = await worker.fetch(get("/healthz", null), env, ctx);
    expect(plain.headers.has("X-D1-Round-Trips")).toBe(false);
    expect(plain.headers.has("X-R2-Calls")).toBe(false);
    // /healthz reads D1 once and heads R2 once.
    const unasked = await worker.fetch(get("/healthz", null), { ...env, D1_ROUND_TRIPS_HEADER: "1" }, ctx);
    expect(unasked.headers.has("X-D1-Statements")).toBe(false); // the request did not ask
    const reported = await worker.fetch(get("/healthz", null, { "X-Report-Calls": "1" }), { ...env, D1_ROUND_TRIPS_HEADER: "1" }, ctx);
    expect(reported.status).toBe(200);
    expect(reported.headers.get("X-D1-Round-Trips")).toBe("1");
    expect(reported.headers.get("X-D1-Statements")).toBe("1");
    expect(reported.headers.get("X-R2-Calls")).toBe("1");
    expect(reported.headers.get("X-DO-Calls")).toBe("0");
    await Promise.all([plain.arrayBuffer(), unasked.arrayBuffer(), reported.arrayBuffer()]);
    await waitOnExecutionContext(ctx);
  });

  it("counts Durable Object calls (an upload takes the package lock)", async () => {
    const ctx = createExecutionContext();
    const put = new Request(`${BASE}/generic/rp-hosted/counted/1.0/c.bin`, { method: "PUT", body: "counted", headers: { Authorization: "Bearer test-admin-token", "X-Report-Calls": "1" } });
    const reported = await worker.fetch(put, { ...env, D1_ROUND_TRIPS_HEADER: "1" }, ctx);
    expect(reported.status).toBe(201);
    expect(Number(reported.headers.get("X-DO-Calls"))).toBeGreaterThanOrEqual(1);
    expect(Number(reported.headers.get("X-R2-Calls"))).toBeGreaterThanOrEqual(1);
    expect(Number(reported.headers.get("X-D1-Statements"))).toBeGreaterThan(1);
    await reported.arrayBuffer();
    await waitOnExecutionContext(ctx);
  });
});

describe("download counts are buffered off the read path", () => {
  it("downloads are counted once the buffer is flushed", async () => {
    await flushDownloads(openDatabase(env.DB));
    for (let i = 0; i < 3; i++) expect((await call("/generic/rp-hosted/tool/1.0/tool.bin", { token: null })).status).toBe(200);
    await flushDownloads(openDatabase(env.DB));
    const versions = (await (await call("/api/v1/repositories/rp-hosted/packages/tool/versions")).json()) as { versions: { downloads: number }[] };
    expect(versions.versions[0]?.downloads).toBeGreaterThanOrEqual(3);
  });
});
