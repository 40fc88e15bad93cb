// npm account endpoints and search: whoami, ping, legacy login (PUT
// /-/user/org.couchdb.user:{name} → token usable as _authToken), and /-/v1/search with
// text, qualifiers, from and size in the shape npm 11 prints.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, call, createRepository, createToken } from "../helpers/client";
import { publish, putJson, tarballBytes } from "./npm-helpers";

const R = "npm-acct";

beforeAll(async () => {
  await createRepository({ name: R, format: "npm", kind: "hosted", visibility: "public" });
  await createRepository({ name: "npm-acct-private", format: "npm", kind: "hosted", visibility: "private" });
  for (const body of [{ name: "npm-alice", password: "alice-password-1" }, { name: "npm-bob", password: "bob-password-12" }, { name: "npm-nopass" }]) {
    expect((await api("/users", "POST", body)).status).toBe(201);
  }
  expect((await api("/users/npm-bob", "PATCH", { disabled: true })).status).toBe(200);
  // Users act within their grants (docs/auth.md).
  expect((await api("/users/npm-alice/grants", "PUT", { grants: [{ repository: "npm-acct*", role: "write" }] })).status).toBe(200);
});

describe("whoami and ping", () => {
  it("whoami names the token's user; anonymous is a 401 with a challenge", async () => {
    expect(await (await call(`/npm/${R}/-/whoami`)).json()).toEqual({ username: "admin" });
    const alice = await createToken({ name: "a", scopes: ["read"], user: "npm-alice" });
    expect(await (await call(`/npm/${R}/-/whoami`, { token: alice })).json()).toEqual({ username: "npm-alice" });
    const anonymous = await call(`/npm/${R}/-/whoami`, { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
    expect(await anonymous.json()).toEqual({ error: "not logged in" });
  });

  it("ping answers {} on npm repositories only", async () => {
    const res = await call(`/npm/${R}/-/ping?write=true`, { token: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect((await call("/npm/no-such-repo/-/ping", { token: null })).status).toBe(404);
    expect((await call("/npm/npm-acct-private/-/ping", { token: null })).status).toBe(404);
  });
});

describe("legacy login", () => {
  const login = (name: string, password: string, repo = R) =>
    putJson(`/npm/${repo}/-/user/org.couchdb.user:${encodeURIComponent(name)}`, { _id: `org.couchdb.user:${name}`, name, password, type: "user", roles: [], date: new Date().toISOString() }, null);

  it("returns a read+write token for this repository that works as _authToken", async () => {
    const res = await login("npm-alice", "alice-password-1");
    expect(res.status).toBe(201);
    const body = (await res.json()) as { ok: boolean; id: string; token: string };
    expect(body).toMatchObject({ ok: true, id: "org.couchdb.user:npm-alice" });
    expect(body.token).toMatch(/^er_[0-9a-f]{64}$/);
    expect(await (await call(`/npm/${R}/-/whoami`, { token: body.token })).json()).toEqual({ username: "npm-alice" });
    expect((await publish(R, "from-login", "1.0.0", tarballBytes(20), { token: body.token })).status).toBe(201);
    // Limited to the repository it logged in to.
    expect((await publish("npm-acct-private", "from-login", "1.0.0", tarballBytes(20), { token: body.token })).status).toBe(404);
    const row = await env.DB.prepare("SELECT scopes, repositories FROM token WHERE name = ?").bind(`npm login (${R})`).first<{ scopes: string; repositories: string }>();
    expect(row).toEqual({ scopes: '["read","write"]', repositories: `["${R}"]` });
  });

  it("logging in to a private repository works without prior credentials", async () => {
    const res = await login("npm-alice", "alice-password-1", "npm-acct-private");
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    expect((await call("/npm/npm-acct-private/-/ping", { token })).status).toBe(200);
  });

  it("wrong password, unknown, disabled or password-less users are a 401; bad bodies a 400", async () => {
    for (const [name, password] of [["npm-alice", "wrong-password"], ["npm-nobody", "whatever-pass"], ["npm-bob", "bob-password-12"], ["npm-nopass", "anything-goes"]] as const) {
      const res = await login(name, password);
      expect(res.status, name).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
      expect(await res.json()).toEqual({ error: "incorrect username or password" });
    }
    expect((await login("npm-alice", "wrong-password", "no-such-repo")).status).toBe(401);
    expect((await login("npm-alice", "alice-password-1", "no-such-repo")).status).toBe(404);
    expect((await putJson(`/npm/${R}/-/user/org.couchdb.user:npm-alice`, { name: "npm-bob", password: "x" }, null)).status).toBe(400);
    expect((await putJson(`/npm/${R}/-/user/org.couchdb.user:npm-alice`, { name: "npm-alice" }, null)).status).toBe(400);
  });
});

describe("search", () => {
  beforeAll(async () => {
    const packages: [string, Record<string, unknown>][] = [
      ["search-alpha", { description: "The first letter", keywords: ["greek", "letters"] }],
      ["search-beta", { description: "Second of the alphabet", keywords: ["greek"] }],
      ["@greek/gamma", { description: "Third", keywords: ["letters"], homepage: "https://example.com/gamma", repository: { type: "git", url: "git+https://example.com/g.git" } }],
      ["unrelated", { description: "nothing to see" }],
    ];
    for (const [name, manifest] of packages) expect((await publish(R, name, "1.0.0", tarballBytes(10), { manifest })).status).toBe(201);
    expect((await publish(R, "search-alpha", "1.1.0", tarballBytes(11), { manifest: { description: "The first letter, again", keywords: ["greek"] } })).status).toBe(201);
  });

  const search = async (query: string) => {
    const res = await call(`/npm/${R}/-/v1/search?${query}`, { token: null });
    expect(res.status).toBe(200);
    return (await res.json()) as { objects: { package: Record<string, unknown>; score: { final: number; detail: Record<string, number> }; searchScore: number }[]; total: number; time: string };
  };

  it("finds packages by name, description and keywords, on their latest version", async () => {
    const result = await search("text=alpha&size=20&from=0&quality=0.65&popularity=0.98&maintenance=0.5");
    expect(result.objects.map((o) => o.package.name)).toEqual(["search-alpha", "search-beta"]);
    expect(result.total).toBe(2);
    const [first] = result.objects;
    expect(first?.package).toMatchObject({
      name: "search-alpha",
      scope: "unscoped",
      version: "1.1.0",
      description: "The first letter, again",
      keywords: ["greek"],
      publisher: { username: "admin" },
      maintainers: [{ username: "admin" }],
    });
    expect(new Date(String(first?.package.date)).toISOString()).toBe(first?.package.date);
    expect(first?.score.detail).toEqual({ quality: 1, popularity: 0, maintenance: 1 });
    expect(first?.searchScore).toBeGreaterThan(result.objects[1]?.searchScore ?? 0);
    expect(typeof result.time).toBe("string");
  });

  it("supports keywords: and scope: qualifiers, and links", async () => {
    expect((await search("text=keywords:letters")).objects.map((o) => o.package.name)).toEqual(["@greek/gamma"]);
    const scoped = await search("text=scope:greek");
    expect(scoped.objects.map((o) => o.package.name)).toEqual(["@greek/gamma"]);
    expect(scoped.objects[0]?.package).toMatchObject({ scope: "greek", links: { homepage: "https://example.com/gamma", repository: "git+https://example.com/g.git" } });
    expect((await search("text=nomatch-anywhere")).total).toBe(0);
  });

  it("pages with from and size; total counts every match", async () => {
    const all = await search("text=&size=250");
    expect(all.total).toBeGreaterThanOrEqual(5);
    const names = all.objects.map((o) => o.package.name);
    const page = await search("text=&size=2&from=1");
    expect(page.total).toBe(all.total);
    expect(page.objects.map((o) => o.package.name)).toEqual(names.slice(1, 3));
    expect((await search("text=&size=0")).objects).toEqual([]);
    expect((await call(`/npm/${R}/-/v1/search?text=a&size=-1`, { token: null })).status).toBe(400);
    expect((await call(`/npm/${R}/-/v1/search?text=a&from=x`, { token: null })).status).toBe(400);
  });
});
