// Issue 7's seven reproductions, each as the attacker tried it, with the answer it gets now.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, api, call, createRepository, createToken } from "../helpers/client";

interface TokenBody {
  id: number;
  token: string;
  userId: number | null;
  expiresAt: number | null;
}

async function created(body: Record<string, unknown>, token = ADMIN): Promise<TokenBody> {
  const res = await api("/tokens", "POST", body, token);
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

async function grant(user: string, grants: { repository: string; role: string }[]): Promise<void> {
  expect((await api(`/users/${user}/grants`, "PUT", { grants })).status).toBe(200);
}

describe("1. a token meant to administer one repository", () => {
  it("cannot create users, reset passwords, or change or delete other repositories", async () => {
    await createRepository({ name: "r1-a", format: "generic", kind: "hosted", visibility: "private" });
    await createRepository({ name: "r1-other", format: "generic", kind: "hosted", visibility: "private" });
    await createRepository({ name: "r1-public", format: "generic", kind: "hosted", visibility: "public" });
    expect((await api("/users", "POST", { name: "r1-admin", admin: true, password: "r1-admin-password" })).status).toBe(201);
    const { token } = await created({ name: "one-repo", scopes: ["read", "write", "admin"], repositories: ["r1-a"] });

    expect((await api("/users", "POST", { name: "mallory", admin: true, password: "mallory-password" }, token)).status).toBe(403);
    expect((await api("/users/r1-admin/password", "PUT", { password: "taken-over-now" }, token)).status).toBe(403);
    expect((await api("/users/r1-admin/grants", "PUT", { grants: [] }, token)).status).toBe(403);
    // Another private repository is invisible to it; a public one is visible but not its to change.
    expect((await api("/repositories/r1-other", "PATCH", { visibility: "public" }, token)).status).toBe(404);
    expect((await api("/repositories/r1-other", "DELETE", undefined, token)).status).toBe(404);
    expect((await api("/repositories/r1-public", "PATCH", { visibility: "private" }, token)).status).toBe(403);
    expect((await api("/repositories/r1-public", "DELETE", undefined, token)).status).toBe(403);
    expect((await api("/repositories", "POST", { name: "r1-new", format: "generic", kind: "hosted" }, token)).status).toBe(403);
    // It does administer its own repository, short of deleting it.
    expect((await api("/repositories/r1-a", "PATCH", { settings: { maxFileSize: 1000 } }, token)).status).toBe(200);
    expect((await api("/repositories/r1-a/cleanup", "POST", undefined, token)).status).toBe(200);
    expect((await api("/repositories/r1-a", "DELETE", undefined, token)).status).toBe(403);

    expect((await api("/users")).status).toBe(200);
    const names = ((await (await api("/users")).json()) as { users: { name: string }[] }).users.map((u) => u.name);
    expect(names).not.toContain("mallory");
    expect(((await (await api("/repositories/r1-other")).json()) as { visibility: string }).visibility).toBe("private");
  });
});

describe("2. tokens minted with ADMIN_TOKEN", () => {
  it("belong to the built-in admin user; a read-only one neither lists nor revokes the others", async () => {
    const adminOwned = await created({ name: "ops", scopes: ["admin"] });
    const readOnly = await created({ name: "dashboard", scopes: ["read"] });
    const builtin = await env.DB.prepare("SELECT id, is_admin FROM user WHERE name = 'admin'").first<{ id: number; is_admin: number }>();
    expect(builtin?.is_admin).toBe(1);
    expect(adminOwned.userId).toBe(builtin?.id);
    expect(readOnly.userId).toBe(builtin?.id);

    const listed = await api("/tokens", "GET", undefined, readOnly.token);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { tokens: { id: number }[] }).tokens.map((t) => t.id)).toEqual([readOnly.id]);
    expect((await api("/tokens?all=true", "GET", undefined, readOnly.token)).status).toBe(200);
    expect((await api(`/tokens/${adminOwned.id}`, "DELETE", undefined, readOnly.token)).status).toBe(404);
    expect((await api("/whoami", "GET", undefined, adminOwned.token)).status).toBe(200);
    // Instance admins see and revoke them.
    const all = ((await (await api("/tokens?all=true")).json()) as { tokens: { id: number }[] }).tokens.map((t) => t.id);
    expect(all).toEqual(expect.arrayContaining([adminOwned.id, readOnly.id]));
    expect((await api(`/tokens/${adminOwned.id}`, "DELETE")).status).toBe(204);
    expect((await api("/whoami", "GET", undefined, adminOwned.token)).status).toBe(401);
  });
});

describe("3. remote URLs with userinfo", () => {
  it("are refused on create and on change (400 naming remote.url), and never echoed", async () => {
    const refused = await api("/repositories", "POST", { name: "r3-remote", format: "generic", kind: "remote", visibility: "public", remote: { url: "http://bob:secret@upstream.example/" } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { field: string } }).error.field).toBe("remote.url");
    expect((await api("/repositories/r3-remote")).status).toBe(404);

    await createRepository({ name: "r3-remote", format: "generic", kind: "remote", visibility: "public", remote: { url: "http://upstream.example/" } });
    for (const url of ["http://bob:secret@upstream.example/", "https://bob@upstream.example/"]) {
      const res = await api("/repositories/r3-remote", "PATCH", { remote: { url } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe("remote.url");
    }
    // A URL stored before the rule existed is shown without its userinfo.
    await env.DB.prepare("UPDATE remote_config SET url = 'http://bob:secret@upstream.example/' WHERE repository_id = (SELECT id FROM repository WHERE name = 'r3-remote')").run();
    for (const path of ["/repositories", "/repositories/r3-remote"]) {
      const text = await (await api(path, "GET", undefined, null)).text();
      expect(text).not.toContain("secret");
      expect(text).not.toContain("bob");
    }
  });
});

describe("4. virtual repositories", () => {
  it("a public virtual does not serve a private member's files to anonymous callers", async () => {
    await createRepository({ name: "r4-private", format: "generic", kind: "hosted", visibility: "private" });
    await createRepository({ name: "r4-public", format: "generic", kind: "hosted", visibility: "public" });
    await createRepository({ name: "r4-virtual", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "r4-private" }, { repository: "r4-public" }] });
    expect((await call("/generic/r4-private/secret/1.0/s.txt", { method: "PUT", body: "private bytes" })).status).toBe(201);
    expect((await call("/generic/r4-public/open/1.0/o.txt", { method: "PUT", body: "public bytes" })).status).toBe(201);

    expect((await call("/generic/r4-virtual/secret/1.0/s.txt", { token: null })).status).toBe(404);
    expect((await call("/generic/r4-virtual/open/1.0/o.txt", { token: null })).status).toBe(200);
    expect((await call("/generic/r4-virtual/secret/1.0/s.txt")).status).toBe(200);
    // The edge cache does not carry an admin's view to anonymous callers.
    expect((await call("/generic/r4-virtual/secret/1.0/s.txt", { token: null })).status).toBe(404);
    // Nor does the API name the private member to them.
    const described = await (await api("/repositories/r4-virtual", "GET", undefined, null)).text();
    expect(described).not.toContain("r4-private");
  });

  it("a token limited to a virtual repository cannot write into its private deploy member", async () => {
    await createRepository({ name: "r4-deploy", format: "generic", kind: "hosted", visibility: "private" });
    await createRepository({ name: "r4-front", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "r4-deploy" }], settings: { deployMember: "r4-deploy" } });
    const token = await createToken({ name: "front-only", scopes: ["write"], repositories: ["r4-front"] });
    const res = await call("/generic/r4-front/x/1.0/x.txt", { method: "PUT", body: "sneaked in", token });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("r4-deploy");
    expect((await call("/generic/r4-deploy/x/1.0/x.txt")).status).toBe(404);
    // With write on both, the same upload lands in the deploy member.
    const both = await createToken({ name: "both", scopes: ["write"], repositories: ["r4-front", "r4-deploy"] });
    expect((await call("/generic/r4-front/x/1.0/x.txt", { method: "PUT", body: "allowed", token: both })).status).toBe(201);
    expect((await call("/generic/r4-deploy/x/1.0/x.txt")).status).toBe(200);
  });
});

/** Status, the headers a client acts on, and the body with the name and request id taken out. */
async function shape(res: Response, name: string): Promise<unknown> {
  const body = (await res.text()).replaceAll(name, "<repo>").replace(/"requestId":"[^"]*"/g, "");
  return { status: res.status, type: res.headers.get("Content-Type"), challenge: res.headers.get("WWW-Authenticate"), body };
}

describe("5. oracles", () => {
  it("anonymous PUT, DELETE, npm publish and Maven GET answer a private repository exactly like a missing one", async () => {
    await createRepository({ name: "r5-generic", format: "generic", kind: "hosted", visibility: "private" });
    await createRepository({ name: "r5-npm", format: "npm", kind: "hosted", visibility: "private" });
    await createRepository({ name: "r5-maven", format: "maven", kind: "hosted", visibility: "private" });
    const requests: [string, string, (repo: string) => RequestInit & { path: string }][] = [
      ["r5-generic", "r5-nothing", (r) => ({ path: `/generic/${r}/p/1.0/f.txt`, method: "PUT", body: "x" })],
      ["r5-generic", "r5-nothing", (r) => ({ path: `/generic/${r}/p/1.0/f.txt`, method: "DELETE" })],
      ["r5-npm", "r5-nothing", (r) => ({ path: `/npm/${r}/left-pad`, method: "PUT", body: JSON.stringify({ name: "left-pad", versions: {} }), headers: { "Content-Type": "application/json" } })],
      ["r5-maven", "r5-nothing", (r) => ({ path: `/maven/${r}/org/x/a/1.0/a-1.0.pom`, method: "GET" })],
      ["r5-maven", "r5-nothing", (r) => ({ path: `/maven/${r}/org/x/a/1.0/a-1.0.pom`, method: "PUT", body: "<project/>" })],
    ];
    for (const [existing, missing, build] of requests) {
      const { path: p1, ...i1 } = build(existing);
      const { path: p2, ...i2 } = build(missing);
      const a = await shape(await call(p1, { ...i1, token: null }), existing);
      const b = await shape(await call(p2, { ...i2, token: null }), missing);
      expect(a, `${i1.method} ${p1}`).toEqual(b);
      expect((a as { status: number }).status, `${i1.method} ${p1}`).toBe(401);
    }
  });

  it("a login with an unknown user runs the same password check as a wrong password", async () => {
    // Timing is not asserted (tests never measure wall-clock time): the PBKDF2 runs are counted instead.
    expect((await api("/users", "POST", { name: "r5-user", password: "r5-password-1" })).status).toBe(201);
    const derivations = async (username: string): Promise<number> => {
      const original = crypto.subtle.deriveBits.bind(crypto.subtle);
      let count = 0;
      crypto.subtle.deriveBits = (...args: Parameters<SubtleCrypto["deriveBits"]>) => {
        count++;
        return original(...args);
      };
      try {
        const res = await call("/api/v1/whoami", { token: null, headers: { Authorization: `Basic ${btoa(`${username}:wrong-password`)}` } });
        expect(res.status).toBe(401);
      } finally {
        crypto.subtle.deriveBits = original;
      }
      return count;
    };
    await derivations("r5-nobody"); // the dummy hash is computed once, on first use
    const known = await derivations("r5-user");
    expect(known).toBe(1);
    expect(await derivations("r5-nobody")).toBe(known);
    expect((await api("/users", "POST", { name: "r5-nopass" })).status).toBe(201);
    expect(await derivations("r5-nopass")).toBe(known);
  });
});

describe("6. malformed management requests", () => {
  it("PATCH /users/{name} with {} is a no-op 200, not a 500", async () => {
    expect((await api("/users", "POST", { name: "r6-user", email: "r6@example.com" })).status).toBe(201);
    const res = await api("/users/r6-user", "PATCH", {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "r6-user", email: "r6@example.com", disabled: false, admin: false });
  });

  it("DELETE /tokens/0x10 is a 400 and revokes nothing", async () => {
    const target = await created({ name: "r6-target", scopes: ["read"] });
    for (const id of [`0x${target.id.toString(16)}`, `0${target.id}`, `${target.id}.0`, `${target.id}e0`, `+${target.id}`, "-1", "0"]) {
      const res = await api(`/tokens/${encodeURIComponent(id)}`, "DELETE");
      expect(res.status, id).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe("id");
    }
    expect((await api("/whoami", "GET", undefined, target.token)).status).toBe(200);
  });

  it("a child token never outlives its parent and is revoked with it", async () => {
    const parentExpiry = Date.now() + 60 * 60 * 1000;
    const parent = await created({ name: "r6-parent", scopes: ["read", "write"], expiresAt: parentExpiry });
    const unbounded = await created({ name: "r6-child", scopes: ["read"] }, parent.token);
    expect(unbounded.expiresAt).toBe(parentExpiry);
    const later = await created({ name: "r6-later", scopes: ["read"], expiresAt: parentExpiry + 86_400_000 }, parent.token);
    expect(later.expiresAt).toBe(parentExpiry);
    const sooner = await created({ name: "r6-sooner", scopes: ["read"], expiresAt: parentExpiry - 1000 }, parent.token);
    expect(sooner.expiresAt).toBe(parentExpiry - 1000);
    const grandchild = await created({ name: "r6-grandchild", scopes: ["read"] }, unbounded.token);
    expect(grandchild.expiresAt).toBe(parentExpiry);

    expect((await api(`/tokens/${parent.id}`, "DELETE")).status).toBe(204);
    for (const t of [parent, unbounded, later, sooner, grandchild]) expect((await api("/whoami", "GET", undefined, t.token)).status).toBe(401);
  });

  it("the audit log names the token as well as its user", async () => {
    await createRepository({ name: "r6-audit", format: "generic", kind: "hosted", visibility: "public", settings: { cleanup: { keepCount: 10 } } });
    const uploader = await created({ name: "r6-ci-uploader", scopes: ["write"] });
    expect((await call("/generic/r6-audit/tool/1.0/t.bin", { method: "PUT", body: "x", token: uploader.token })).status).toBe(201);
    const events = ((await (await api("/audit?repository=r6-audit&action=file.upload")).json()) as { events: Record<string, unknown>[] }).events;
    expect(events[0]).toMatchObject({ actor: "admin", tokenId: uploader.id, tokenName: "r6-ci-uploader", target: "tool/1.0/t.bin" });
    // ADMIN_TOKEN itself is no token row: the event names the admin and no token.
    expect((await call("/generic/r6-audit/tool/1.0/u.bin", { method: "PUT", body: "y" })).status).toBe(201);
    const again = ((await (await api("/audit?repository=r6-audit&action=file.upload")).json()) as { events: Record<string, unknown>[] }).events;
    expect(again[0]).toMatchObject({ actor: "admin", tokenId: null, tokenName: null, target: "tool/1.0/u.bin" });
    // Management actions too, e.g. a cleanup run through the API.
    const ops = await created({ name: "r6-ops", scopes: ["admin"] });
    expect((await api("/repositories/r6-audit/cleanup", "POST", undefined, ops.token)).status).toBe(200);
    const cleanup = ((await (await api("/audit?repository=r6-audit&action=cleanup.run")).json()) as { events: Record<string, unknown>[] }).events;
    expect(cleanup[0]).toMatchObject({ actor: "admin", tokenId: ops.id, tokenName: "r6-ops" });
  });
});

describe("7. users are not all-or-nothing", () => {
  it("a user with a password writes only where a grant lets them", async () => {
    await createRepository({ name: "team-tools", format: "generic", kind: "hosted", visibility: "private" });
    await createRepository({ name: "r7-public", format: "generic", kind: "hosted", visibility: "public" });
    await createRepository({ name: "r7-private", format: "generic", kind: "hosted", visibility: "private" });
    expect((await api("/users", "POST", { name: "r7-dev", password: "r7-dev-password" })).status).toBe(201);
    const dev = { Authorization: `Basic ${btoa("r7-dev:r7-dev-password")}` };
    const put = (repo: string) => call(`/generic/${repo}/p/1.0/f.txt`, { method: "PUT", body: "x", token: null, headers: dev });

    expect((await put("r7-public")).status).toBe(403);
    expect((await put("r7-private")).status).toBe(404);
    expect((await put("team-tools")).status).toBe(404);

    await grant("r7-dev", [{ repository: "team-*", role: "write" }]);
    expect((await put("team-tools")).status).toBe(201);
    expect((await put("r7-public")).status).toBe(403);
    expect((await put("r7-private")).status).toBe(404);
    // Demotion takes effect on the next request.
    await grant("r7-dev", [{ repository: "team-*", role: "read" }]);
    expect((await call("/generic/team-tools/p/1.0/g.txt", { method: "PUT", body: "x", token: null, headers: dev })).status).toBe(403);
    expect((await call("/generic/team-tools/p/1.0/f.txt", { token: null, headers: dev })).status).toBe(200);
  });
});
