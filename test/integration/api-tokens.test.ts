// Tokens: shown once, listed without secrets, revocable, expiring, and never able to
// grant more than the creating credential holds (scopes or repositories).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, call, createRepository, createToken } from "../helpers/client";

interface TokenBody {
  id: number;
  name: string;
  scopes: string[];
  repositories: string[] | null;
  expiresAt: number | null;
  revokedAt: number | null;
  userId: number | null;
  token?: string;
}

async function created(body: Record<string, unknown>, token?: string): Promise<TokenBody & { token: string }> {
  const res = await api("/tokens", "POST", body, token);
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

async function listed(token?: string, all = false): Promise<{ text: string; tokens: TokenBody[] }> {
  const res = await api(all ? "/tokens?all=true" : "/tokens", "GET", undefined, token);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, tokens: (JSON.parse(text) as { tokens: TokenBody[] }).tokens };
}

async function status(path: string, token: string, method = "GET", body?: unknown): Promise<number> {
  return (await api(path, method, body, token)).status;
}

async function createUser(name: string, admin = false): Promise<number> {
  const res = await api("/users", "POST", { name, admin });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

describe("tokens", () => {
  it("returns the secret once; listing never shows it", async () => {
    const token = await created({ name: "ci", scopes: ["read", "write"] });
    expect(token.token).toMatch(/^er_[0-9a-f]{64}$/);
    expect(token).toMatchObject({ name: "ci", scopes: ["read", "write"], repositories: null, expiresAt: null, revokedAt: null });

    for (const { text, tokens } of [await listed(), await listed(undefined, true), await listed(token.token)]) {
      expect(text).not.toContain(token.token);
      expect(text).not.toContain(token.token.slice(3));
      const entry = tokens.find((t) => t.id === token.id);
      expect(entry).toMatchObject({ id: token.id, name: "ci" });
      expect(entry).not.toHaveProperty("token");
    }
    // Only its hash is stored.
    const row = await env.DB.prepare("SELECT * FROM token WHERE id = ?").bind(token.id).first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(token.token.slice(3));

    const whoami = await api("/whoami", "GET", undefined, token.token);
    expect(await whoami.json()).toMatchObject({ kind: "token", name: "admin", scopes: expect.arrayContaining(["read", "write"]) });
  });

  it("a revoked token gets 401 on every request, even public reads", async () => {
    await createRepository({ name: "rv-public", format: "generic", kind: "hosted", visibility: "public" });
    expect((await call("/generic/rv-public/p/1/f.txt", { method: "PUT", body: "x" })).status).toBe(201);
    const token = await created({ name: "revoke-me", scopes: ["read"] });
    expect(await status("/whoami", token.token)).toBe(200);
    expect((await call("/generic/rv-public/p/1/f.txt", { token: token.token })).status).toBe(200);

    expect((await api(`/tokens/${token.id}`, "DELETE")).status).toBe(204);
    for (const path of ["/whoami", "/repositories", "/tokens", "/repositories/rv-public/packages"]) {
      const res = await api(path, "GET", undefined, token.token);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
    }
    expect((await call("/generic/rv-public/p/1/f.txt", { token: token.token })).status).toBe(401);
    expect((await call("/generic/rv-public/p/1/f.txt", { token: null })).status).toBe(200);
    const { tokens } = await listed();
    expect(tokens.find((t) => t.id === token.id)?.revokedAt).toEqual(expect.any(Number));
    expect((await api("/tokens/999999", "DELETE")).status).toBe(404);
    // Ids are decimal integers: anything else is a 400 naming the parameter.
    expect((await api("/tokens/abc", "DELETE")).status).toBe(400);
  });

  it("an expired token gets 401, also when this isolate has its principal cached", async () => {
    const soon = await created({ name: "short", scopes: ["read"], expiresAt: Date.now() + 1000 });
    const iso = await created({ name: "iso", scopes: ["read"], expiresAt: new Date(Date.now() + 1000).toISOString() });
    expect(iso.expiresAt).toEqual(expect.any(Number));
    expect(await status("/whoami", soon.token)).toBe(200); // now in the token cache
    expect(await status("/whoami", iso.token)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const res = await api("/whoami", "GET", undefined, soon.token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("expired");
    expect(await status("/whoami", iso.token)).toBe(401);
  });

  it("refuses an expiry in the past", async () => {
    const res = await api("/tokens", "POST", { name: "past", scopes: ["read"], expiresAt: Date.now() - 1000 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe("expiresAt");
  });

  it("cannot grant scopes the caller does not hold", async () => {
    const reader = await createToken({ name: "reader", scopes: ["read"] });
    expect(await status("/tokens", reader, "POST", { name: "up", scopes: ["write"] })).toBe(403);
    expect(await status("/tokens", reader, "POST", { name: "up", scopes: ["admin"] })).toBe(403);
    expect(await status("/tokens", reader, "POST", { name: "same", scopes: ["read"] })).toBe(201);
    const writer = await createToken({ name: "writer", scopes: ["write"] });
    expect(await status("/tokens", writer, "POST", { name: "admin", scopes: ["admin"] })).toBe(403);
    // write implies read, so a writer may hand out read.
    expect(await status("/tokens", writer, "POST", { name: "r", scopes: ["read"] })).toBe(201);
    expect(await status("/tokens", "", "POST", { name: "anon", scopes: ["read"] })).toBe(401);
  });

  it("a repository-limited token cannot reach other repositories", async () => {
    const limited = await createToken({ name: "only-a", scopes: ["write"], repositories: ["tok-a", "tok-b"] });
    expect(await status("/tokens", limited, "POST", { name: "other", scopes: ["read"], repositories: ["tok-c"] })).toBe(403);
    expect(await status("/tokens", limited, "POST", { name: "mixed", scopes: ["read"], repositories: ["tok-a", "tok-c"] })).toBe(403);
    const narrowed = await created({ name: "narrow", scopes: ["read"], repositories: ["tok-a"] }, limited);
    expect(narrowed.repositories).toEqual(["tok-a"]);
    // Omitting repositories inherits the creator's limit instead of widening it.
    const inherited = await created({ name: "inherit", scopes: ["read"] }, limited);
    expect(inherited.repositories).toEqual(["tok-a", "tok-b"]);
  });

  it("an admin creates tokens for a user; others may not", async () => {
    const userId = await createUser("tok-alice");
    const token = await created({ name: "for-alice", scopes: ["read", "write"], user: "tok-alice" });
    expect(token.userId).toBe(userId);
    expect(await (await api("/whoami", "GET", undefined, token.token)).json()).toMatchObject({ name: "tok-alice", kind: "token" });
    // Alice sees her own token and not the admin's.
    const mine = await listed(token.token);
    expect(mine.tokens.map((t) => t.id)).toEqual([token.id]);
    // ?all=true is ignored for non-admins.
    expect((await listed(token.token, true)).tokens.map((t) => t.id)).toEqual([token.id]);
    expect((await listed(undefined, true)).tokens.map((t) => t.id)).toContain(token.id);

    expect(await status("/tokens", token.token, "POST", { name: "for-bob", scopes: ["read"], user: "tok-alice" })).toBe(403);
    const missing = await api("/tokens", "POST", { name: "nobody", scopes: ["read"], user: "tok-nobody" });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { field: string } }).error.field).toBe("user");
  });

  it("a user revokes only their own tokens", async () => {
    await createUser("tok-bob");
    const bob = await created({ name: "bob", scopes: ["write"], user: "tok-bob" });
    const adminOwned = await created({ name: "admins", scopes: ["read"] });
    expect(await status(`/tokens/${adminOwned.id}`, bob.token, "DELETE")).toBe(404);
    expect(await status("/whoami", adminOwned.token)).toBe(200);
    const second = await created({ name: "bob-2", scopes: ["read"] }, bob.token);
    expect(second.userId).toBe(bob.userId);
    expect(await status(`/tokens/${second.id}`, bob.token, "DELETE")).toBe(204);
    expect(await status("/whoami", second.token)).toBe(401);
    expect(await status("/whoami", bob.token)).toBe(200);
  });

  it("a token's admin scope lapses when its owner stops being an admin", async () => {
    await createUser("tok-carol", true);
    const carol = await created({ name: "carol-admin", scopes: ["admin"], user: "tok-carol" });
    expect(await status("/users", carol.token)).toBe(200);
    expect((await api("/users/tok-carol", "PATCH", { admin: false })).status).toBe(200);
    expect(await status("/users", carol.token)).toBe(403);
    expect(await status("/tokens", carol.token, "POST", { name: "escalate", scopes: ["admin"] })).toBe(403);
    // A non-admin user holds only what grants give: no grant, no write to hand out.
    expect(await status("/tokens", carol.token, "POST", { name: "w", scopes: ["write"] })).toBe(403);
    expect((await api("/users/tok-carol/grants", "PUT", { grants: [{ repository: "carol-*", role: "write" }] })).status).toBe(200);
    expect(await status("/tokens", carol.token, "POST", { name: "w", scopes: ["write"] })).toBe(201);
  });

  it("validates the request", async () => {
    for (const [body, field] of [
      [{ scopes: ["read"] }, "name"],
      [{ name: "x", scopes: [] }, "scopes"],
      [{ name: "x", scopes: ["read"], repositories: ["Not Valid"] }, "repositories.0"],
      [{ name: "x", scopes: ["read"], expiresAt: "tomorrow" }, "expiresAt"],
      [{ name: "x", scopes: ["read"], extra: true }, "extra"],
    ] as const) {
      const res = await api("/tokens", "POST", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    }
  });
});
