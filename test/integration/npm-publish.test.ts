// npm hosted: publish (unscoped, scoped with %2f and /), packument full vs abbreviated,
// version and dist-tag documents, tarball download, integrity/shasum verification,
// duplicate versions, name/version validation, auth, and non-hosted repositories.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createRepository, createToken } from "../helpers/client";
import { ABBREVIATED, digestHex, escaped, integrityOf, packument, publish, publishBody, tarballBytes } from "./npm-helpers";

const R = "npm-pub";
let reader: string;

async function count(table: string): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? 0;
}

async function expectError(res: Response, status: number, pattern: RegExp): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("Content-Type")).toContain("application/json");
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error).toMatch(pattern);
}

beforeAll(async () => {
  await createRepository({ name: R, format: "npm", kind: "hosted", visibility: "public" });
  await createRepository({ name: "npm-pub-private", format: "npm", kind: "hosted", visibility: "private" });
  await createRepository({ name: "npm-pub-remote", format: "npm", kind: "remote", visibility: "public", remote: { url: "https://registry.npmjs.org" } });
  reader = await createToken({ name: "npm-reader", scopes: ["read"] });
});

describe("npm publish and read", () => {
  const tgz = tarballBytes(4000, 1);

  it("publishes an unscoped package and serves the full packument", async () => {
    const res = await publish(R, "left-pad", "1.0.0", tgz, { readme: "# left-pad\n", manifest: { keywords: ["pad"], license: "MIT", scripts: { postinstall: "node x.js" } } });
    expect(res.status, await res.clone().text()).toBe(201);
    const res2 = await publish(R, "left-pad", "1.1.0", tarballBytes(100, 2), { readme: "# left-pad 1.1\n" });
    expect(res2.status).toBe(201);

    const full = await call(`/npm/${R}/left-pad`, { token: null });
    expect(full.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(full.headers.get("ETag")).toMatch(/^"[0-9a-f]{64}"$/);
    const doc = (await full.json()) as Awaited<ReturnType<typeof packument>>;
    expect(doc).toMatchObject({ _id: "left-pad", name: "left-pad", "dist-tags": { latest: "1.1.0" }, readme: "# left-pad 1.1\n", description: "left-pad test package" });
    expect(doc._rev).toMatch(/^\d+-[0-9a-f]+$/);
    expect(Object.keys(doc.versions)).toEqual(["1.0.0", "1.1.0"]);
    const v1 = doc.versions["1.0.0"] ?? {};
    expect(v1).toMatchObject({ name: "left-pad", version: "1.0.0", main: "index.js", license: "MIT", keywords: ["pad"], _npmUser: { name: "admin" } });
    expect(v1).not.toHaveProperty("readme");
    expect(v1.dist).toEqual({
      integrity: await integrityOf(tgz),
      shasum: await digestHex("SHA-1", tgz),
      tarball: `http://registry.test/npm/${R}/left-pad/-/left-pad-1.0.0.tgz`,
    });
    expect(Object.keys(doc.time)).toEqual(["created", "modified", "1.0.0", "1.1.0"]);
    for (const value of Object.values(doc.time)) expect(new Date(value).toISOString()).toBe(value);
  });

  it("serves the abbreviated packument for npm install's Accept header", async () => {
    const res = await call(`/npm/${R}/left-pad`, { token: null, headers: { Accept: ABBREVIATED } });
    expect(res.headers.get("Content-Type")).toBe("application/vnd.npm.install-v1+json; charset=utf-8");
    const doc = (await res.json()) as Record<string, unknown> & { versions: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc).sort()).toEqual(["dist-tags", "modified", "name", "versions"]);
    expect(doc.versions["1.0.0"]).toEqual({
      name: "left-pad",
      version: "1.0.0",
      license: "MIT",
      hasInstallScript: true,
      dist: { integrity: await integrityOf(tgz), shasum: await digestHex("SHA-1", tgz), tarball: `http://registry.test/npm/${R}/left-pad/-/left-pad-1.0.0.tgz` },
    });
    const etag = res.headers.get("ETag") ?? "";
    const again = await call(`/npm/${R}/left-pad`, { token: null, headers: { Accept: ABBREVIATED, "If-None-Match": etag } });
    expect(again.status).toBe(304);
    const full = await call(`/npm/${R}/left-pad`, { token: null, headers: { "If-None-Match": etag } });
    expect(full.status).toBe(200);
  });

  it("serves version documents by version and by dist-tag, and the tarball", async () => {
    const byVersion = await call(`/npm/${R}/left-pad/1.0.0`, { token: null });
    expect(byVersion.status).toBe(200);
    expect(await byVersion.json()).toMatchObject({ version: "1.0.0", dist: { tarball: `http://registry.test/npm/${R}/left-pad/-/left-pad-1.0.0.tgz` } });
    expect(await (await call(`/npm/${R}/left-pad/latest`, { token: null })).json()).toMatchObject({ version: "1.1.0" });
    await expectError(await call(`/npm/${R}/left-pad/9.9.9`, { token: null }), 404, /9\.9\.9/);

    const tarball = await call(`/npm/${R}/left-pad/-/left-pad-1.0.0.tgz`, { token: null });
    expect(tarball.status).toBe(200);
    expect(tarball.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(new Uint8Array(await tarball.arrayBuffer())).toEqual(tgz);
    const head = await call(`/npm/${R}/left-pad/-/left-pad-1.0.0.tgz`, { method: "HEAD", token: null });
    expect(head.headers.get("Content-Length")).toBe("4000");
    await expectError(await call(`/npm/${R}/left-pad/-/left-pad-3.0.0.tgz`, { token: null }), 404, /not found/);
    await expectError(await call(`/npm/${R}/left-pad/-/other-1.0.0.tgz`, { token: null }), 404, /not found/);
    await expectError(await call(`/npm/${R}/no-such-package`, { token: null }), 404, /no-such-package/);
  });

  it("publishes scoped packages; both @scope%2fname and @scope/name address them", async () => {
    const scopedTgz = tarballBytes(500, 3);
    expect((await publish(R, "@acme/widget", "2.0.0-beta.1", scopedTgz, { tag: "next" })).status).toBe(201);
    const doc = await packument(R, "@acme/widget");
    expect(doc["dist-tags"]).toEqual({ next: "2.0.0-beta.1", latest: "2.0.0-beta.1" });
    const tarballUrl = "http://registry.test/npm/npm-pub/@acme/widget/-/widget-2.0.0-beta.1.tgz";
    expect(doc.versions["2.0.0-beta.1"]?.dist).toMatchObject({ tarball: tarballUrl });
    for (const path of [`/npm/${R}/@acme%2fwidget`, `/npm/${R}/@acme%2Fwidget`, `/npm/${R}/@acme/widget`]) {
      expect((await call(path, { token: null })).status, path).toBe(200);
    }
    const get = await call(`/npm/${R}/@acme/widget/-/widget-2.0.0-beta.1.tgz`, { token: null });
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(scopedTgz);
    expect((await call(`/npm/${R}/@acme%2fwidget/2.0.0-beta.1`, { token: null })).status).toBe(200);
  });

  it("refuses a version that exists with npm's 403 and message, storing nothing", async () => {
    const files = await count("package_file");
    const res = await publish(R, "left-pad", "1.0.0", tarballBytes(10, 9));
    expect(await res.json()).toEqual({ error: "You cannot publish over the previously published versions: 1.0.0." });
    expect(res.status).toBe(403);
    expect(await count("package_file")).toBe(files);
  });

  it("verifies dist.integrity and dist.shasum against the decoded tarball (400, nothing stored)", async () => {
    const before = { files: await count("package_file"), blobs: await count("package_blob"), versions: await count("package_version") };
    const wrongIntegrity = await integrityOf(tarballBytes(64, 5));
    await expectError(await publish(R, "checked", "1.0.0", tarballBytes(64, 4), { integrity: wrongIntegrity }), 400, /Integrity check failed/);
    await expectError(await publish(R, "checked", "1.0.0", tarballBytes(64, 4), { shasum: "0".repeat(40) }), 400, /shasum/);
    await expectError(await publish(R, "checked", "1.0.0", tarballBytes(64, 4), { integrity: "sha512-not base64!" }), 400, /SRI/);
    await expectError(await publish(R, "checked", "1.0.0", tarballBytes(64, 4), { length: 65 }), 400, /length/);
    expect({ files: await count("package_file"), blobs: await count("package_blob"), versions: await count("package_version") }).toEqual(before);
    expect((await call(`/npm/${R}/checked`, { token: null })).status).toBe(404);
  });

  it("rejects bad names, versions and documents with {error} bodies", async () => {
    const tgz4 = tarballBytes(16, 4);
    await expectError(await publish(R, "Capital", "1.0.0", tgz4), 400, /capital letters/);
    await expectError(await publish(R, "_under", "1.0.0", tgz4), 400, /underscore/);
    await expectError(await publish(R, ".dot", "1.0.0", tgz4), 400, /period/);
    await expectError(await publish(R, "a".repeat(215), "1.0.0", tgz4), 400, /214/);
    await expectError(await publish(R, "node_modules", "1.0.0", tgz4), 400, /not a valid package name/);
    await expectError(await call(`/npm/${R}/bad%20name`, { method: "PUT", body: await publishBody("bad name", "1.0.0", tgz4) }), 400, /URL-friendly/);
    await expectError(await publish(R, "okname", "1.0", tgz4), 400, /invalid version/);
    await expectError(await publish(R, "okname", "v1.0.0", tgz4), 400, /invalid version/);
    const mismatched = await publishBody("other-name", "1.0.0", tgz4);
    await expectError(await call(`/npm/${R}/okname`, { method: "PUT", body: mismatched }), 400, /does not match/);
    await expectError(await call(`/npm/${R}/okname`, { method: "PUT", body: "{not json" }), 400, /not valid JSON/);
    const twoVersions = JSON.parse(await publishBody("okname", "1.0.0", tgz4)) as { versions: Record<string, unknown> };
    twoVersions.versions["1.0.1"] = twoVersions.versions["1.0.0"];
    await expectError(await call(`/npm/${R}/okname`, { method: "PUT", body: JSON.stringify(twoVersions) }), 400, /exactly one version/);
    const badData = (await publishBody("okname", "1.0.0", tgz4)).replace(/"data":"[^"]*","length":\d+/, '"data":"@@@@","length":3');
    await expectError(await call(`/npm/${R}/okname`, { method: "PUT", body: badData }), 400, /base64/);
    await expectError(await call(`/npm/${R}/okname`, { method: "PUT", body: "" }), 400, /empty/);
    expect((await call(`/npm/${R}/okname`, { token: null })).status).toBe(404);
  });

  it("needs write access: anonymous 401 with a Basic challenge, read-only 403", async () => {
    const anonymous = await publish(R, "anon-pkg", "1.0.0", tgz, { token: null });
    expect(anonymous.headers.get("WWW-Authenticate")).toMatch(/^Basic realm="Edge Registry"/);
    await expectError(anonymous, 401, /authentication required/);
    await expectError(await publish(R, "anon-pkg", "1.0.0", tgz, { token: reader }), 403, /may not write/);
  });

  it("hides private repositories and refuses publishes to remote npm repositories", async () => {
    expect((await publish("npm-pub-private", "secret", "1.0.0", tgz)).status).toBe(201);
    await expectError(await call("/npm/npm-pub-private/secret", { token: null }), 404, /not found/);
    expect((await call("/npm/npm-pub-private/secret", { token: reader })).status).toBe(200);
    await expectError(await publish("npm-pub-remote", "x", "1.0.0", tgz), 405, /does not accept uploads/);
    await expectError(await call("/npm/npm-missing/left-pad", { token: null }), 404, /not found/);
    await expectError(await call(`/npm/${R}/left-pad/a/b/c`, { token: null }), 404, /no npm endpoint/);
    await expectError(await call(`/npm/${R}/left-pad`, { method: "POST", body: "{}" }), 405, /not supported/);
    // npm's web login: any 4xx makes npm fall back to the legacy (couch) login.
    expect((await call(`/npm/${escaped(R)}/-/v1/login`, { method: "POST", token: null })).status).toBe(404);
  });
});
