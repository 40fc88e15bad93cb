// Users (admin-managed) and every way a client can present credentials: Bearer, Basic
// with a token or a user's password, and GitLab's PRIVATE-TOKEN header.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, createToken } from "../helpers/client";
import { exports } from "cloudflare:workers";

interface UserBody {
  id: number;
  name: string;
  email: string | null;
  admin: boolean;
  disabled: boolean;
  hasPassword: boolean;
}

function raw(path: string, headers: Record<string, string>, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}/api/v1${path}`, { ...init, headers }));
}

const basic = (username: string, password: string): Record<string, string> => ({ Authorization: `Basic ${btoa(`${username}:${password}`)}` });

async function whoami(headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; challenge: string | null }> {
  const res = await raw("/whoami", headers);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, challenge: res.headers.get("WWW-Authenticate") };
}

async function createUser(body: Record<string, unknown>): Promise<UserBody> {
  const res = await api("/users", "POST", body);
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

describe("users", () => {
  it("an admin creates and lists users; the password is never returned", async () => {
    const user = await createUser({ name: "u-dave", email: "dave@example.com", password: "correct horse" });
    expect(user).toMatchObject({ name: "u-dave", email: "dave@example.com", admin: false, disabled: false, hasPassword: true });
    expect(user).not.toHaveProperty("password");
    const noPassword = await createUser({ name: "u-erin", admin: true });
    expect(noPassword).toMatchObject({ admin: true, hasPassword: false });

    const list = await api("/users");
    const text = await list.text();
    expect(text).not.toContain("correct horse");
    expect(text).not.toContain("pbkdf2");
    expect((JSON.parse(text) as { users: UserBody[] }).users.map((u) => u.name)).toEqual(expect.arrayContaining(["u-dave", "u-erin"]));
    const row = await env.DB.prepare("SELECT password_hash FROM user WHERE name = ?").bind("u-dave").first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$/);
    expect(row?.password_hash).not.toContain("correct horse");

    expect((await api("/users", "POST", { name: "u-dave" })).status).toBe(409);
    expect((await api("/users", "POST", { name: "u-short", password: "short" })).status).toBe(400);
    expect((await api("/users", "POST", { name: "u bad" })).status).toBe(400);
  });

  it("only admins manage users", async () => {
    const writer = await createToken({ name: "writer", scopes: ["write"] });
    for (const [path, method, body] of [
      ["/users", "POST", { name: "u-nope" }],
      ["/users", "GET", undefined],
      ["/users/u-nope", "PATCH", { disabled: true }],
      ["/users/u-nope/password", "PUT", { password: "12345678" }],
    ] as const) {
      expect((await api(path, method, body, writer)).status, `${method} ${path}`).toBe(403);
      expect((await api(path, method, body, null)).status, `anonymous ${method} ${path}`).toBe(401);
    }
    expect((await api("/users/u-missing", "PATCH", { disabled: true })).status).toBe(404);
  });

  it("Basic auth with username and password works; a wrong password is a 401 challenge", async () => {
    await createUser({ name: "u-frank", password: "frank-password-1" });
    // A password acts with the user's grants (no longer `write` everywhere): none yet, read only.
    expect((await whoami(basic("u-frank", "frank-password-1"))).body).toMatchObject({ scopes: ["read"], grants: [] });
    expect((await api("/users/u-frank/grants", "PUT", { grants: [{ repository: "frank-*", role: "write" }] })).status).toBe(200);
    const ok = await whoami(basic("u-frank", "frank-password-1"));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: "u-frank", kind: "password", repositories: null, grants: [{ repository: "frank-*", role: "write" }] });
    expect(ok.body.scopes).toEqual(expect.arrayContaining(["read", "write"]));
    expect(ok.body.scopes).not.toContain("admin");

    for (const headers of [basic("u-frank", "wrong-password"), basic("u-nobody", "frank-password-1")]) {
      const bad = await whoami(headers);
      expect(bad.status).toBe(401);
      expect(bad.challenge).toMatch(/^Basic realm=/);
      expect(bad.body).toMatchObject({ error: { code: "unauthorized" } });
    }
    // A user's password lets them create their own tokens.
    const res = await raw("/tokens", { ...basic("u-frank", "frank-password-1"), "Content-Type": "application/json" }, { method: "POST", body: JSON.stringify({ name: "laptop", scopes: ["read"] }) });
    expect(res.status).toBe(201);
  });

  it("setting a password replaces the old one", async () => {
    await createUser({ name: "u-grace" });
    expect((await whoami(basic("u-grace", "anything-at-all"))).status).toBe(401);
    expect((await api("/users/u-grace/password", "PUT", { password: "first-password" })).status).toBe(204);
    expect((await whoami(basic("u-grace", "first-password"))).status).toBe(200);
    expect((await api("/users/u-grace/password", "PUT", { password: "second-password" })).status).toBe(204);
    expect((await whoami(basic("u-grace", "first-password"))).status).toBe(401);
    expect((await whoami(basic("u-grace", "second-password"))).status).toBe(200);
    expect((await api("/users/u-grace/password", "PUT", { password: "short" })).status).toBe(400);
    expect((await api("/users/u-missing/password", "PUT", { password: "long-enough" })).status).toBe(404);
  });

  it("a disabled user's tokens and password stop working until re-enabled", async () => {
    await createUser({ name: "u-heidi", password: "heidi-password" });
    const token = await createToken({ name: "heidi", scopes: ["read"], user: "u-heidi" });
    expect((await whoami({ Authorization: `Bearer ${token}` })).status).toBe(200);

    const disabled = await api("/users/u-heidi", "PATCH", { disabled: true });
    expect(await disabled.json()).toMatchObject({ name: "u-heidi", disabled: true });
    const byToken = await whoami({ Authorization: `Bearer ${token}` });
    expect(byToken.status).toBe(401);
    expect(byToken.challenge).toMatch(/^Basic /);
    expect((await whoami(basic("u-heidi", "heidi-password"))).status).toBe(401);
    expect((await raw("/repositories", { "PRIVATE-TOKEN": token })).status).toBe(401);

    expect((await api("/users/u-heidi", "PATCH", { disabled: false })).status).toBe(200);
    expect((await whoami({ Authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await whoami(basic("u-heidi", "heidi-password"))).status).toBe(200);
  });

  it("an admin user's password carries the admin scope", async () => {
    await createUser({ name: "u-ivan", password: "ivan-password", admin: true });
    expect((await raw("/users", basic("u-ivan", "ivan-password"))).status).toBe(200);
    expect((await api("/users/u-ivan", "PATCH", { admin: false })).status).toBe(200);
    expect((await raw("/users", basic("u-ivan", "ivan-password"))).status).toBe(403);
  });
});

describe("credential forms", () => {
  it("Bearer, Basic with the token as password and PRIVATE-TOKEN all authenticate", async () => {
    await createUser({ name: "u-judy" });
    const token = await createToken({ name: "judy", scopes: ["read"], user: "u-judy" });
    for (const headers of [
      { Authorization: `Bearer ${token}` },
      { Authorization: `bearer ${token}` },
      basic("u-judy", token),
      basic("anyone-at-all", token),
      basic("", token),
      { "PRIVATE-TOKEN": token },
    ]) {
      const res = await whoami(headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.body).toMatchObject({ name: "u-judy", kind: "token" });
    }
    const admin = await whoami(basic("x", "test-admin-token"));
    expect(admin.body).toMatchObject({ kind: "bootstrap", name: "admin" });
  });

  it("no credentials is anonymous; garbage credentials are a 401", async () => {
    expect((await whoami({})).body).toMatchObject({ kind: "anonymous", name: "anonymous", scopes: [] });
    // Clients that always send a username with an empty password are anonymous, not rejected.
    expect((await whoami(basic("someone", ""))).body).toMatchObject({ kind: "anonymous" });
    for (const headers of [
      { Authorization: "Basic !!!not-base64!!!" },
      { Authorization: `Basic ${btoa("just-garbage")}` },
      basic("someone", "er_0000"),
      { Authorization: "Bearer er_not-a-real-token" },
      { "PRIVATE-TOKEN": "nope" },
    ]) {
      const res = await whoami(headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.challenge).toMatch(/^Basic realm=/);
    }
  });
});
