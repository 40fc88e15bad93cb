/**
 * The Web UI in a real browser (Debian Chromium, headless, driven by playwright-core): sign
 * in, create a token (shown once), publish with the real npm using it, find the package by
 * search, copy the install snippet with the copy button and run it, purge a remote's cache
 * entry, see a private repository disappear after sign-out. Every page visited is
 * screenshotted into the run's artifacts folder and checked by axe-core (0 serious or critical
 * violations) with no Content-Security-Policy refusal or script error in the console.
 */
import { mkdir, readFile, rm, writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { artifactsDir, axeViolations, browserAvailable, launchBrowser, watchPage } from "./browser";
import { startCountingServer, type CountingServer } from "./counting-server";
import { apiOk, clientGate, isCI, startRegistry, type Registry } from "./harness";
import { npmClient, output, type NpmClient } from "./npm";

const npmGate = clientGate("npm");
const skip = npmGate.skip || (!browserAvailable() && !isCI());

describe.skipIf(skip)("Web UI in Chromium", () => {
  let registry: Registry;
  let upstream: CountingServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let shots: string;
  let work: string;
  let token = "";
  let client: NpmClient | null = null;
  let step = 0;
  const PASSWORD = "ui-e2e-password-1";

  /** Screenshot + axe + console check of the page as it is now. */
  async function check(name: string): Promise<void> {
    await page.screenshot({ path: join(shots, `${String(++step).padStart(2, "0")}-${name}.png`), fullPage: true });
    expect(await axeViolations(page), `axe on ${name} (${page.url()})`).toEqual([]);
    expect(problems, `console on ${name}`).toEqual([]);
  }

  beforeAll(async () => {
    npmGate.assertAvailable();
    if (!browserAvailable()) throw new Error("chromium is not installed (required in CI; test/e2e/clients/browser.ts installs it)");
    registry = await startRegistry({ label: "edge-registry-e2e-ui" });
    upstream = await startCountingServer();
    upstream.put("/files/tool/1.0/tool.txt", "a cached tool\n");
    const create = (body: Record<string, unknown>) => apiOk(registry, 201, "/repositories", { method: "POST", body });
    await create({ name: "ui-e2e-npm", format: "npm", kind: "hosted", visibility: "public" });
    await create({ name: "ui-e2e-secret", format: "generic", kind: "hosted", visibility: "private" });
    await create({ name: "ui-e2e-remote", format: "generic", kind: "remote", visibility: "public", remote: { url: `${upstream.baseUrl}/files/` } });
    await create({ name: "ui-e2e-virtual", format: "npm", kind: "virtual", visibility: "public", members: [{ repository: "ui-e2e-npm", priority: 10 }] });
    await apiOk(registry, 201, "/users", { method: "POST", body: { name: "ui-e2e-user", password: PASSWORD } });
    await apiOk(registry, 200, "/users/ui-e2e-user/grants", {
      method: "PUT",
      body: { grants: [{ repository: "ui-e2e-npm", role: "write" }, { repository: "ui-e2e-secret", role: "read" }, { repository: "ui-e2e-remote", role: "admin" }] },
    });
    const cached = await fetch(`${registry.baseUrl}/generic/ui-e2e-remote/tool/1.0/tool.txt`);
    expect(cached.status).toBe(200);
    shots = await artifactsDir("edge-registry-e2e-ui-screenshots");
    console.log(`Web UI screenshots: ${shots}`);
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-ui-"));
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: registry.baseUrl, viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: registry.baseUrl });
    page = await context.newPage();
    problems = watchPage(page);
  }, 180_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail" && registry) console.error(`--- wrangler dev log (tail) ---\n${registry.logs().slice(-4000)}`);
  });

  afterAll(async () => {
    await browser?.close();
    await upstream?.stop();
    await client?.dispose();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("anonymous: the home page lists public repositories only", async () => {
    await page.goto("/");
    await expect(page.title()).resolves.toBe("Repositories · Edge Registry");
    const text = await page.locator("main").innerText();
    expect(text).toContain("ui-e2e-npm");
    expect(text).not.toContain("ui-e2e-secret");
    await check("home-anonymous");
  });

  it("signs in with username and password; the private repository appears", async () => {
    await page.goto("/ui/signin");
    await check("sign-in");
    await page.getByLabel("Username").fill("ui-e2e-user");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${registry.baseUrl}/`);
    expect(await page.locator("header").innerText()).toContain("Signed in as ui-e2e-user");
    expect(await page.locator("main").innerText()).toContain("ui-e2e-secret");
    const session = (await context.cookies()).find((c) => c.name === "er_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
    await check("home-signed-in");
  });

  it("creates a token on the account page; it is shown once", async () => {
    await page.goto("/ui/account");
    await check("account");
    await page.getByLabel("Name").fill("e2e publish");
    await page.getByRole("checkbox", { name: "write" }).check();
    await page.getByRole("button", { name: "Create token" }).click();
    token = (await page.locator("#new-token-value").innerText()).trim();
    expect(token).toMatch(/^er_[0-9a-f]{64}$/);
    await check("token-created");
    await page.goto("/ui/account");
    expect(await page.content()).not.toContain(token);
    expect(await page.locator("main table").innerText()).toContain("e2e publish");
  });

  it("publishes with npm using that token", async () => {
    client = await npmClient(null, { registry: `${registry.baseUrl}/npm/ui-e2e-npm/`, token, label: "edge-registry-e2e-ui-npm" });
    const dir = join(work, "pkg");
    await mkdir(dir);
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "ui-e2e-hello", version: "1.0.0", description: "Says hello from the Web UI suite", main: "index.js" }));
    await writeFile(join(dir, "index.js"), 'module.exports = "hello";\n');
    await writeFile(join(dir, "README.md"), "# ui-e2e-hello\n\nSays **hello**. See [the docs](https://example.com/docs).\n\n<script>alert(1)</script>\n");
    const published = await client.npm(["publish"], { cwd: dir });
    expect(published.code, output(published)).toBe(0);
  });

  it("finds the package by search and shows versions, files, README and install snippets", async () => {
    await page.goto("/");
    await page.getByLabel("Search packages").fill("ui-e2e-hel");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "ui-e2e-hello" }).click();
    await page.waitForURL(/\/ui\/repositories\/ui-e2e-npm\/packages\/ui-e2e-hello$/);
    const main = await page.locator("main").innerText();
    expect(main).toContain("Says hello from the Web UI suite");
    expect(main).toContain("ui-e2e-hello-1.0.0.tgz");
    expect(main).toMatch(/sha256 [0-9a-f]{64}/);
    expect(main).toContain("latest");
    expect(await page.locator(".readme strong").innerText()).toBe("hello");
    expect(await page.locator(".readme").innerText()).toContain("<script>alert(1)</script>");
    await check("package");
    if (process.env["E2E_UI_DOCS_SCREENSHOT"]) await page.screenshot({ path: process.env["E2E_UI_DOCS_SCREENSHOT"], clip: { x: 0, y: 0, width: 1280, height: 900 } });
  });

  it("copies the npm install snippet with its copy button and runs it", async () => {
    const snippet = page.locator('pre[data-client="npm"][data-where="shell"]');
    const id = await snippet.getAttribute("id");
    await page.locator(`button[data-copy-target="${id}"]`).click();
    await expect.poll(() => page.locator(`button[data-copy-target="${id}"]`).innerText()).toBe("Copied");
    const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    expect(copied).toBe(`npm install ui-e2e-hello@1.0.0 --registry ${registry.baseUrl}/npm/ui-e2e-npm/`);
    const project = join(work, "app");
    await mkdir(project);
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
    const [command, ...args] = copied.split(/\s+/);
    expect(command).toBe("npm");
    const installed = await (client as NpmClient).npm(args, { cwd: project });
    expect(installed.code, output(installed)).toBe(0);
    expect(JSON.parse(await readFile(join(project, "node_modules", "ui-e2e-hello", "package.json"), "utf8")).version).toBe("1.0.0");
  });

  it("a virtual repository's package page says which member serves each version", async () => {
    await page.goto("/ui/repositories/ui-e2e-virtual");
    await check("virtual");
    await page.goto("/ui/repositories/ui-e2e-virtual/packages/ui-e2e-hello");
    expect(await page.locator("main").innerText()).toContain("first member in priority order");
    await check("virtual-package");
  });

  it("purges a remote repository's cache entry", async () => {
    await page.goto("/ui/repositories/ui-e2e-remote");
    expect(await page.locator("main").innerText()).toContain(upstream.baseUrl);
    await check("remote");
    await page.getByRole("button", { name: "Purge tool/1.0/tool.txt" }).click();
    await page.waitForURL(/purged=1/);
    expect(await page.getByRole("status").innerText()).toBe("Purged 1 cache entry.");
    expect(await page.locator("main").innerText()).toContain("The cache is empty.");
    await check("remote-purged");
    const listed = await apiOk<{ entries: unknown[] }>(registry, 200, "/repositories/ui-e2e-remote/cache");
    expect(listed.entries).toEqual([]);
  });

  it("signs out; the private repository disappears", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${registry.baseUrl}/`);
    expect(await page.locator("main").innerText()).not.toContain("ui-e2e-secret");
    const hidden = await page.goto("/ui/repositories/ui-e2e-secret");
    expect(hidden?.status()).toBe(404);
    await check("private-hidden");
  });

  it("the admin pages pass axe too (signed in as admin with ADMIN_TOKEN)", async () => {
    await page.goto("/ui/signin");
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(registry.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${registry.baseUrl}/`);
    for (const [name, path] of [["admin-repositories", "/ui/admin/repositories"], ["admin-edit-repository", "/ui/admin/repositories/ui-e2e-virtual"], ["admin-users", "/ui/admin/users"], ["admin-user", "/ui/admin/users/ui-e2e-user"], ["admin-audit", "/ui/admin/audit?repository=ui-e2e-remote"]] as const) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      await check(name);
    }
    expect(await page.locator("main").innerText()).toContain("cache.purge");
  });
});
