// Web UI content in workerd: hostile names, descriptions and READMEs render inert (XSS); a
// remote repository's page (upstream without credentials, circuit, cache entries) and purge;
// the admin forms act through the management API with its validation and audit.
import { beforeAll, describe, expect, it } from "vitest";
import { api, call, createRepository } from "../helpers/client";
import { UPSTREAM, useFakeUpstream } from "../helpers/upstream";
import { publish, tarballBytes } from "./npm-helpers";
import { twineFields, uploadBody, wheel } from "./pypi-fixtures";
import { csrfOf, get, newBrowser, post, signIn, submit } from "./ui-helpers";

const upstream = useFakeUpstream();
const PAYLOAD = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
const admin = newBrowser();

beforeAll(async () => {
  await createRepository({ name: "uic-npm", format: "npm", kind: "hosted", visibility: "public" });
  await createRepository({ name: "uic-py", format: "pypi", kind: "hosted", visibility: "public" });
  await createRepository({ name: "uic-remote", format: "generic", kind: "remote", visibility: "public", remote: { url: `${UPSTREAM}/uic/`, username: "robot", password: "uic-upstream-secret" } });
  await signIn(admin, "admin", "test-admin-token");
});

/** No element or attribute the payload tried to inject survives as markup. */
function expectInert(html: string): void {
  expect(html).not.toContain("<script>alert");
  expect(html).not.toMatch(/<img[^>]*onerror/i);
  expect(html).not.toMatch(/href="javascript:/i);
  expect(html).not.toMatch(/<iframe/i);
}

describe("XSS", () => {
  it("an npm package's description and README with script payloads render as text", async () => {
    const readme = `# Title\n\n${PAYLOAD}\n\n[click](javascript:alert(1)) <iframe src="https://evil.test"></iframe>\n\n[ok](https://example.com/docs)`;
    const res = await publish("uic-npm", "xss-pkg", "1.0.0", tarballBytes(64), { readme, manifest: { description: PAYLOAD, deprecated: PAYLOAD } });
    expect(res.status).toBe(201);
    const html = await (await get(newBrowser(), "/ui/repositories/uic-npm/packages/xss-pkg")).text();
    expectInert(html);
    expect(html).toContain("&lt;script&gt;alert(");
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('href="https://example.com/docs" rel="nofollow noopener noreferrer"');
    expect(html).toContain("npm install xss-pkg@1.0.0 --registry http://registry.test/npm/uic-npm/");
    expect(html).toContain(">latest<");
  });

  it("a PyPI project's summary and Markdown description with script payloads render as text", async () => {
    const metadata = `Metadata-Version: 2.1\nName: xss-py\nVersion: 1.0\nSummary: ${PAYLOAD}\nDescription-Content-Type: text/markdown\n\n# Py readme\n\n${PAYLOAD}\n\n[bad](javascript:alert(1))\n`;
    const filename = "xss_py-1.0-py3-none-any.whl";
    const content = wheel("xss-py", "1.0", { metadata });
    const { body, contentType } = uploadBody(await twineFields("xss-py", "1.0", filename, content, { summary: PAYLOAD }), { filename, content });
    expect((await call("/pypi/uic-py/", { method: "POST", body, headers: { "Content-Type": contentType } })).status).toBe(200);
    const html = await (await get(newBrowser(), "/ui/repositories/uic-py/packages/xss-py")).text();
    expectInert(html);
    expect(html).toContain("<h1>Py readme</h1>");
    expect(html).toContain("pip install --index-url http://registry.test/pypi/uic-py/simple/ xss-py==1.0");
  });

  it("a search term is reflected escaped", async () => {
    const res = await get(newBrowser(), `/?q=${encodeURIComponent(PAYLOAD)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expectInert(html);
    expect(html).toContain("&lt;script&gt;");
  });
});

describe("remote repository page", () => {
  it("shows the upstream without credentials, the circuit, and (to admins) cache entries with purge", async () => {
    upstream.files.set("/uic/tool/1.0/tool.bin", { body: "cached bytes" });
    expect((await call("/generic/uic-remote/tool/1.0/tool.bin", { token: null })).status).toBe(200);
    expect((await call("/generic/uic-remote/tool/1.0/tool.bin", { token: null })).status).toBe(200);
    const anonymous = await (await get(newBrowser(), "/ui/repositories/uic-remote")).text();
    expect(anonymous).toContain(`${UPSTREAM}/uic/`);
    expect(anonymous).not.toContain("uic-upstream-secret");
    expect(anonymous).toContain("closed (upstream healthy)");
    expect(anonymous).not.toContain("tool/1.0/tool.bin");
    const page = await (await get(admin, "/ui/repositories/uic-remote")).text();
    expect(page).toContain("tool/1.0/tool.bin");
    expect(page).not.toContain("uic-upstream-secret");
    const purged = await post(admin, "/ui/repositories/uic-remote/cache/purge", { path: "tool/1.0/tool.bin", _csrf: csrfOf(page) });
    expect(purged.status).toBe(303);
    expect(purged.headers.get("Location")).toBe("/ui/repositories/uic-remote?purged=1");
    const after = await (await get(admin, purged.headers.get("Location") ?? "")).text();
    expect(after).toContain("Purged 1 cache entry.");
    expect(after).not.toContain('value="tool/1.0/tool.bin"');
  });

  it("anonymous and read-only callers cannot purge", async () => {
    const anonymous = await submit(newBrowser(), "/ui/signin", "/ui/repositories/uic-remote/cache/purge", {});
    expect(anonymous.status).toBe(401);
    expect((await api("/users", "POST", { name: "uic-reader", password: "uic-reader-password" })).status).toBe(201);
    const reader = newBrowser();
    await signIn(reader, "uic-reader", "uic-reader-password");
    const refused = await submit(reader, "/ui/repositories/uic-remote", "/ui/repositories/uic-remote/cache/purge", {});
    expect(refused.status).toBe(403);
  });
});

describe("admin forms", () => {
  it("create a repository: the API's validation message is shown and nothing is created", async () => {
    const bad = await submit(admin, "/ui/admin/repositories", "/ui/admin/repositories", { name: "Bad Name", format: "generic", kind: "hosted", visibility: "private" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("name: must match");
    const userinfo = await submit(admin, "/ui/admin/repositories", "/ui/admin/repositories", { name: "uic-r2", format: "generic", kind: "remote", visibility: "private", remoteUrl: "https://u:p@upstream.test/" });
    expect(userinfo.status).toBe(400);
    expect(await userinfo.text()).toContain("remote.url");
    expect((await api("/repositories/uic-r2")).status).toBe(404);
  });

  it("create a virtual repository with members and rules, then edit it", async () => {
    const created = await submit(admin, "/ui/admin/repositories", "/ui/admin/repositories", {
      name: "uic-virtual", format: "npm", kind: "virtual", visibility: "public", members: "uic-npm include=xss-*\n",
    });
    expect(created.status).toBe(303);
    const described = (await (await api("/repositories/uic-virtual")).json()) as { members: { repository: string; include: string[] }[] };
    expect(described.members).toEqual([expect.objectContaining({ repository: "uic-npm", include: ["xss-*"] })]);
    const page = await (await get(admin, "/ui/repositories/uic-virtual")).text();
    expect(page).toContain("xss-*");
    const edited = await submit(admin, "/ui/admin/repositories/uic-virtual", "/ui/admin/repositories/uic-virtual", { visibility: "private", members: "uic-npm priority=3", settings: '{"shielding": false}' });
    expect(edited.status).toBe(303);
    const after = (await (await api("/repositories/uic-virtual")).json()) as { visibility: string; settings: { shielding: boolean } };
    expect(after.visibility).toBe("private");
    expect(after.settings.shielding).toBe(false);
    const badSettings = await submit(admin, "/ui/admin/repositories/uic-virtual", "/ui/admin/repositories/uic-virtual", { settings: '{"shielding": "yes"}' });
    expect(badSettings.status).toBe(400);
    expect(await badSettings.text()).toContain("settings.shielding");
  });

  it("users, grants and the audit log", async () => {
    expect((await submit(admin, "/ui/admin/users", "/ui/admin/users", { name: "uic-carol", password: "uic-carol-password" })).status).toBe(303);
    const grants = await submit(admin, "/ui/admin/users/uic-carol", "/ui/admin/users/uic-carol/grants", { grants: "uic-* read\nuic-npm write" });
    expect(grants.status).toBe(303);
    const held = (await (await api("/users/uic-carol/grants")).json()) as { grants: unknown[] };
    expect(held.grants).toHaveLength(2);
    const bad = await submit(admin, "/ui/admin/users/uic-carol", "/ui/admin/users/uic-carol/grants", { grants: "uic-* superuser" });
    expect(bad.status).toBe(400);
    const audit = await (await get(admin, "/ui/admin/audit?action=user.grants")).text();
    expect(audit).toContain("uic-carol");
    expect(audit).not.toContain("repository.create");
    // A non-admin sees 403 on admin pages.
    const carol = newBrowser();
    await signIn(carol, "uic-carol", "uic-carol-password");
    expect((await get(carol, "/ui/admin/users")).status).toBe(403);
    expect((await get(carol, "/ui/admin/repositories/uic-npm")).status).toBe(403);
  });

  it("deleting a repository needs the confirmation box", async () => {
    await createRepository({ name: "uic-doomed", format: "generic", kind: "hosted" });
    const unconfirmed = await submit(admin, "/ui/admin/repositories/uic-doomed", "/ui/admin/repositories/uic-doomed/delete", {});
    expect(unconfirmed.status).toBe(400);
    expect((await api("/repositories/uic-doomed")).status).toBe(200);
    const deleted = await submit(admin, "/ui/admin/repositories/uic-doomed", "/ui/admin/repositories/uic-doomed/delete", { confirm: "yes" });
    expect(deleted.status).toBe(303);
    expect((await api("/repositories/uic-doomed")).status).toBe(404);
  });
});
