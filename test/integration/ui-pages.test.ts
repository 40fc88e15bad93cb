// Web UI pages in workerd: sessions (cookie flags, sign-in/out), CSRF on every form, the
// pages' content for hosted, virtual and remote repositories, and private repositories
// invisible exactly as in the API.
import { beforeAll, describe, expect, it } from "vitest";
import { api, createRepository, call } from "../helpers/client";
import { csrfOf, get, newBrowser, post, signIn, submit } from "./ui-helpers";

const PASSWORD = "ui-alice-password";

beforeAll(async () => {
  await createRepository({ name: "ui-pub", format: "generic", kind: "hosted", visibility: "public" });
  await createRepository({ name: "ui-priv", format: "generic", kind: "hosted", visibility: "private" });
  await createRepository({ name: "ui-all", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "ui-priv", priority: 10 }, { repository: "ui-pub", priority: 5 }] });
  expect((await api("/users", "POST", { name: "ui-alice", password: PASSWORD })).status).toBe(201);
  expect((await api("/users/ui-alice/grants", "PUT", { grants: [{ repository: "ui-priv", role: "write" }] })).status).toBe(200);
  for (const [repo, version] of [["ui-pub", "1.0"], ["ui-priv", "2.0"], ["ui-pub", "2.0"]] as const) {
    expect((await call(`/generic/${repo}/tool/${version}/tool.txt`, { method: "PUT", body: `tool ${version} in ${repo}` })).status).toBe(201);
  }
});

describe("reading without signing in", () => {
  it("home lists public repositories only, with security headers", async () => {
    const res = await get(newBrowser(), "/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("ui-pub");
    expect(html).not.toContain("ui-priv");
    expect(res.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    expect(res.headers.get("Content-Security-Policy")).not.toContain("unsafe-inline");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
  });

  it("a private repository's pages answer exactly as a missing one", async () => {
    const hidden = await get(newBrowser(), "/ui/repositories/ui-priv");
    const missing = await get(newBrowser(), "/ui/repositories/ui-nope");
    expect(hidden.status).toBe(404);
    expect((await hidden.text()).replaceAll("ui-priv", "X")).toBe((await missing.text()).replaceAll("ui-nope", "X"));
    expect((await get(newBrowser(), "/ui/repositories/ui-priv/packages/tool")).status).toBe(404);
  });

  it("a public virtual shows only readable members, and its package page says which member serves each version", async () => {
    const repo = await (await get(newBrowser(), "/ui/repositories/ui-all")).text();
    expect(repo).toContain("ui-pub");
    expect(repo).not.toContain("ui-priv");
    const pkg = await (await get(newBrowser(), "/ui/repositories/ui-all/packages/tool")).text();
    expect(pkg).toContain("first member in priority order");
    expect(pkg).not.toContain("ui-priv");
  });

  it("search finds packages across readable repositories", async () => {
    const html = await (await get(newBrowser(), "/?q=too")).text();
    expect(html).toContain('href="/ui/repositories/ui-pub/packages/tool"');
    expect(html).not.toContain("ui-priv");
  });

  it("account and admin pages need sign-in", async () => {
    expect((await get(newBrowser(), "/ui/account")).status).toBe(401);
    expect((await get(newBrowser(), "/ui/admin/users")).status).toBe(401);
  });
});

describe("sessions", () => {
  it("sign-in sets an HttpOnly SameSite=Lax session cookie (Secure only on https) and shows private repositories", async () => {
    const browser = newBrowser();
    const res = await signIn(browser, "ui-alice", PASSWORD);
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("er_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const html = await (await get(browser, "/")).text();
    expect(html).toContain("ui-priv");
    expect(html).toContain("Signed in as <strong>ui-alice</strong>");
    // Signing out: the private repository disappears.
    const out = await post(browser, "/ui/signout", { _csrf: csrfOf(html) });
    expect(out.status).toBe(303);
    expect(await (await get(browser, "/")).text()).not.toContain("ui-priv");
  });

  it("on https the cookies are Secure", async () => {
    const { exports } = await import("cloudflare:workers");
    const page = await exports.default.fetch(new Request("https://registry.test/ui/signin"));
    expect(page.headers.getSetCookie().every((c) => /; Secure/.test(c))).toBe(true);
  });

  it("a wrong password is refused with the same answer as an unknown user", async () => {
    const wrong = await signIn(newBrowser(), "ui-alice", "not-the-password");
    const unknown = await signIn(newBrowser(), "ui-nobody", "not-the-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith("er_session="))).toBe(false);
  });

  it("a forged or tampered session cookie is ignored and cleared", async () => {
    const browser = newBrowser();
    await signIn(browser, "ui-alice", PASSWORD);
    const value = browser.cookies.get("er_session") ?? "";
    browser.cookies.set("er_session", value.replace(/^v1\.\d+/, "v1.1"));
    const res = await get(browser, "/");
    expect(await res.text()).not.toContain("ui-priv");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("er_session=;"))).toBe(true);
  });

  it("changing the password ends existing sessions", async () => {
    expect((await api("/users", "POST", { name: "ui-bob", password: "ui-bob-password-1" })).status).toBe(201);
    const browser = newBrowser();
    await signIn(browser, "ui-bob", "ui-bob-password-1");
    expect((await get(browser, "/ui/account")).status).toBe(200);
    expect((await api("/users/ui-bob/password", "PUT", { password: "ui-bob-password-2" })).status).toBe(204);
    expect((await get(browser, "/ui/account")).status).toBe(401);
  });

  it("the built-in admin signs in with ADMIN_TOKEN as the password", async () => {
    const browser = newBrowser();
    expect((await signIn(browser, "admin", "test-admin-token")).status).toBe(303);
    expect(await (await get(browser, "/ui/admin/users")).text()).toContain("ui-alice");
  });
});

describe("CSRF", () => {
  it("every form post without the page's token is refused and changes nothing", async () => {
    const browser = newBrowser();
    await signIn(browser, "ui-alice", PASSWORD);
    const before = ((await (await api("/tokens?all=true")).json()) as { tokens: unknown[] }).tokens.length;
    const missing = await post(browser, "/ui/account/tokens", { name: "csrf", scopes: "read" });
    const forged = await post(browser, "/ui/account/tokens", { name: "csrf", scopes: "read", _csrf: "0".repeat(64) });
    const otherSession = newBrowser();
    await signIn(otherSession, "ui-alice", PASSWORD);
    const foreign = await post(browser, "/ui/account/tokens", { name: "csrf", scopes: "read", _csrf: csrfOf(await (await get(otherSession, "/ui/account")).text()) });
    for (const res of [missing, forged, foreign]) expect(res.status).toBe(403);
    expect(((await (await api("/tokens?all=true")).json()) as { tokens: unknown[] }).tokens.length).toBe(before);
    expect((await post(newBrowser(), "/ui/signin", { username: "ui-alice", password: PASSWORD })).status).toBe(403);
  });
});

describe("tokens", () => {
  it("creates a token shown once, lists it, and revokes it", async () => {
    const browser = newBrowser();
    await signIn(browser, "ui-alice", PASSWORD);
    const created = await submit(browser, "/ui/account", "/ui/account/tokens", { name: "ci", scopes: ["read", "write"], expiresInDays: "30", repositories: "" });
    expect(created.status).toBe(201);
    const html = await created.text();
    const token = /er_[0-9a-f]{64}/.exec(html)?.[0] ?? "";
    expect(token).not.toBe("");
    expect((await call("/generic/ui-priv/tool/2.0/tool.txt", { token })).status).toBe(200);
    const listing = await (await get(browser, "/ui/account")).text();
    expect(listing).toContain("ci");
    expect(listing).not.toContain(token);
    const id = /\/ui\/account\/tokens\/(\d+)\/revoke/.exec(listing)?.[1] ?? "";
    expect((await post(browser, `/ui/account/tokens/${id}/revoke`, { _csrf: csrfOf(listing) })).status).toBe(303);
    expect((await call("/generic/ui-priv/tool/2.0/tool.txt", { token })).status).toBe(401);
  });

  it("a scope the user does not hold is refused with the API's message", async () => {
    const browser = newBrowser();
    await signIn(browser, "ui-alice", PASSWORD);
    const res = await submit(browser, "/ui/account", "/ui/account/tokens", { name: "too-much", scopes: ["admin"] });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("cannot grant scope admin");
  });
});

describe("access matrix coverage", () => {
  it("every UI route has a row in access-matrix/ui-rows.ts", async () => {
    const { uiRoutes } = await import("../../src/ui");
    const { uiRows } = await import("./access-matrix/ui-rows");
    const routes = uiRoutes.routes.filter((r) => r.method !== "ALL").map((r) => `ui:${r.method} ${r.path}`);
    const covered = new Set(uiRows.map((r) => r.covers));
    expect(routes.filter((r) => !covered.has(r))).toEqual([]);
    expect([...covered].filter((c) => !routes.includes(c))).toEqual([]);
  });
});
