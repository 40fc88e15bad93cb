// Cargo hosted: config.json, publish (framing, Cargo.toml check), sparse index, download,
// yank/unyank, search, owners, raw-token auth, private repositories, bad input stores nothing.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, createRepository, createToken } from "../helpers/client";
import { crate, hexDigest, publishBody, publishBodyFor, publishMetadata } from "./cargo-fixtures";

function publish(body: Uint8Array, repo = "crates", token: string | null = ADMIN): Promise<Response> {
  // cargo sends the token as the whole Authorization value, no scheme.
  return call(`/cargo/${repo}/api/v1/crates/new`, { method: "PUT", token: null, body, headers: token ? { Authorization: token } : {} });
}

async function indexLines(path: string, repo = "crates", token: string | null = null): Promise<Record<string, unknown>[]> {
  const res = await call(`/cargo/${repo}/index/${path}`, { token: null, headers: token ? { Authorization: token } : {} });
  expect(res.status).toBe(200);
  return (await res.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function counts(): Promise<{ files: number; blobs: number }> {
  const files = (await env.DB.prepare("SELECT count(*) AS n FROM package_file").first<{ n: number }>())?.n ?? 0;
  const blobs = (await env.DB.prepare("SELECT count(*) AS n FROM package_blob").first<{ n: number }>())?.n ?? 0;
  return { files, blobs };
}

async function errorDetail(res: Response): Promise<string> {
  expect(res.headers.get("Content-Type")).toContain("application/json");
  const body = (await res.json()) as { errors: { detail: string }[] };
  return body.errors[0]?.detail ?? "";
}

beforeAll(async () => {
  await createRepository({ name: "crates", format: "cargo", kind: "hosted", visibility: "public" });
  await createRepository({ name: "crates-private", format: "cargo", kind: "hosted", visibility: "private" });
});

describe("cargo hosted", () => {
  it("serves config.json with dl and api pointing here, auth-required only when private", async () => {
    const res = await call("/cargo/crates/index/config.json", { token: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ dl: "http://registry.test/cargo/crates/api/v1/crates", api: "http://registry.test/cargo/crates" });
    const privateConfig = await call("/cargo/crates-private/index/config.json", { token: null, headers: { Authorization: ADMIN } });
    expect(await privateConfig.json()).toMatchObject({ "auth-required": true });
  });

  it("publishes, lists the version at once with the sha256 cksum, and serves the .crate", async () => {
    const { body, crate: bytes } = await publishBodyFor("Hello_World", "0.1.0", {
      deps: [{ name: "serde", version_req: "^1", features: [], optional: false, default_features: true, target: null, kind: "normal", registry: "https://github.com/rust-lang/crates.io-index", explicit_name_in_toml: null }],
    });
    const res = await publish(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, warnings: { invalid_categories: [], invalid_badges: [], other: [] } });

    const lines = await indexLines("he/ll/hello_world");
    expect(lines).toEqual([
      {
        name: "Hello_World",
        vers: "0.1.0",
        deps: [{ name: "serde", req: "^1", features: [], optional: false, default_features: true, target: null, kind: "normal", registry: "https://github.com/rust-lang/crates.io-index" }],
        cksum: await hexDigest("SHA-256", bytes),
        features: {},
        yanked: false,
        links: null,
      },
    ]);
    const download = await call("/cargo/crates/api/v1/crates/Hello_World/0.1.0/download", { token: null });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);

    // Read-your-writes: the next version is in the index file at once.
    expect((await publish((await publishBodyFor("Hello_World", "0.2.0")).body)).status).toBe(200);
    expect((await indexLines("he/ll/hello_world")).map((l) => l.vers)).toEqual(["0.1.0", "0.2.0"]);
  });

  it("refuses a version that exists (also differing only in build metadata) and a name differing only in case", async () => {
    expect((await publish((await publishBodyFor("dup", "1.0.0")).body)).status).toBe(200);
    const again = await publish((await publishBodyFor("dup", "1.0.0")).body);
    expect(again.status).toBe(409);
    expect(await errorDetail(again)).toBe("crate version `dup@1.0.0` already exists");
    expect((await publish((await publishBodyFor("dup", "1.0.0+other")).body)).status).toBe(409);
    const cased = await publish((await publishBodyFor("DUP", "2.0.0")).body);
    expect(cased.status).toBe(409);
    expect(await errorDetail(cased)).toMatch(/conflicts with the existing crate `dup`/);
  });

  it("answers bad input in cargo's error JSON and stores nothing", async () => {
    const before = await counts();
    const cases: [Uint8Array, number, RegExp][] = [
      [(await publishBodyFor("mismatch", "1.0.0", {}, { manifestName: "other" })).body, 400, /Cargo.toml says other 1.0.0, the publish metadata mismatch 1.0.0/],
      [(await publishBodyFor("mismatch", "1.0.0", {}, { manifestVersion: "9.9.9" })).body, 400, /Cargo.toml says mismatch 9.9.9/],
      [publishBody(publishMetadata("corrupt", "1.0.0"), new TextEncoder().encode("definitely not a gzip stream")), 400, /^invalid .crate file/],
      [publishBody(publishMetadata("9bad", "1.0.0"), await crate("9bad", "1.0.0")), 400, /invalid crate name: crate name `9bad` must start with an ASCII letter/],
      [publishBody(publishMetadata("bad.name", "1.0.0"), await crate("bad.name", "1.0.0")), 400, /may contain only ASCII letters/],
      [publishBody(publishMetadata("badver", "1.0"), await crate("badver", "1.0")), 400, /invalid version `1.0`/],
      [publishBody(publishMetadata("short", "1.0.0"), await crate("short", "1.0.0"), 99999), 400, /the header says 99999/],
      [new Uint8Array([1, 0]), 400, /ends before the metadata length/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await publish(body);
      expect(res.status).toBe(status);
      expect(await errorDetail(res)).toMatch(detail);
    }
    expect(await counts()).toEqual(before);
    expect((await call("/cargo/crates/index/mi/sm/mismatch", { token: null })).status).toBe(404);
  });

  it("yanks and unyanks: the index line says so, the .crate stays downloadable", async () => {
    expect((await publish((await publishBodyFor("yankee", "1.0.0")).body)).status).toBe(200);
    const yank = await call("/cargo/crates/api/v1/crates/yankee/1.0.0/yank", { method: "DELETE", token: null, headers: { Authorization: ADMIN } });
    expect(yank.status).toBe(200);
    expect(await yank.json()).toEqual({ ok: true });
    expect((await indexLines("ya/nk/yankee"))[0]?.yanked).toBe(true);
    expect((await call("/cargo/crates/api/v1/crates/yankee/1.0.0/download", { token: null })).status).toBe(200);
    const unyank = await call("/cargo/crates/api/v1/crates/yankee/1.0.0/unyank", { method: "PUT", token: null, headers: { Authorization: ADMIN } });
    expect(unyank.status).toBe(200);
    expect((await indexLines("ya/nk/yankee"))[0]?.yanked).toBe(false);
    const missing = await call("/cargo/crates/api/v1/crates/yankee/9.0.0/yank", { method: "DELETE", token: null, headers: { Authorization: ADMIN } });
    expect(missing.status).toBe(404);
    expect(await errorDetail(missing)).toBe("crate `yankee@9.0.0` does not exist");
  });

  it("searches hosted crates and lists the repository as the owner", async () => {
    expect((await publish((await publishBodyFor("searchme", "0.3.0")).body)).status).toBe(200);
    const res = await call("/cargo/crates/api/v1/crates?q=searchme&per_page=5", { token: null });
    expect(await res.json()).toEqual({ crates: [{ name: "searchme", max_version: "0.3.0", description: "searchme for tests" }], meta: { total: 1 } });
    const owners = await call("/cargo/crates/api/v1/crates/searchme/owners", { token: null });
    expect(((await owners.json()) as { users: { login: string }[] }).users.map((u) => u.login)).toEqual(["crates"]);
    const add = await call("/cargo/crates/api/v1/crates/searchme/owners", { method: "PUT", token: null, headers: { Authorization: ADMIN }, body: '{"users":["x"]}' });
    expect(add.status).toBe(405);
    expect(await errorDetail(add)).toMatch(/grant write access to the repository/);
  });

  it("requires write permission to publish, and hides private repositories", async () => {
    const reader = await createToken({ name: "cargo-reader", scopes: ["read"] });
    const denied = await publish((await publishBodyFor("nope", "1.0.0")).body, "crates", reader);
    expect(denied.status).toBe(403);
    expect(await errorDetail(denied)).toMatch(/./);
    const anonymous = await publish((await publishBodyFor("nope", "1.0.0")).body, "crates", null);
    expect(anonymous.status).toBe(401);
    // Anonymous reads of a private or missing repository: the same 401 challenge.
    for (const repo of ["crates-private", "no-such-repo"]) {
      const res = await call(`/cargo/${repo}/index/config.json`, { token: null });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Cargo /);
    }
    expect((await publish((await publishBodyFor("secret", "1.0.0")).body, "crates-private")).status).toBe(200);
    expect((await indexLines("se/cr/secret", "crates-private", ADMIN)).map((l) => l.vers)).toEqual(["1.0.0"]);
    expect((await call("/cargo/crates-private/index/se/cr/secret", { token: null })).status).toBe(401);
  });

  it("404s an index path whose prefix does not match the name", async () => {
    const res = await call("/cargo/crates/index/xx/yy/hello_world", { token: null });
    expect(res.status).toBe(404);
    expect(await errorDetail(res)).toMatch(/index file/);
  });
});
