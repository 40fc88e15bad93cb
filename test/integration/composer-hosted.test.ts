// Composer hosted: packages.json, zip upload (root or single folder), p2 and ~dev documents
// stored on write (read-your-writes), dists with sha1, delete (route and management API),
// search/list, private repositories with Basic, bad input answered as JSON with nothing stored.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { expandVersions } from "../../src/formats/composer/minify";
import { ADMIN, api, call, createRepository, createToken } from "../helpers/client";
import { greeterClass, packageZip } from "../helpers/composer-packages";

const basic = (password: string) => ({ Authorization: `Basic ${btoa(`composer:${password}`)}` });

function upload(repo: string, zip: Uint8Array, version?: string, headers: Record<string, string> = {}): Promise<Response> {
  return call(`/composer/${repo}${version ? `?version=${encodeURIComponent(version)}` : ""}`, { method: "PUT", body: zip, token: null, headers: { ...basic(ADMIN), ...headers } });
}

async function p2(repo: string, name: string, dev = false, headers: Record<string, string> = {}): Promise<{ status: number; versions: Record<string, unknown>[] }> {
  const res = await call(`/composer/${repo}/p2/${name}${dev ? "~dev" : ""}.json`, { token: null, headers });
  if (res.status !== 200) return { status: res.status, versions: [] };
  const body = (await res.json()) as { packages: Record<string, unknown[]>; minified?: string };
  expect(body.minified).toBe("composer/2.0");
  return { status: 200, versions: expandVersions(body.packages[name] ?? []) };
}

async function sha1(data: ArrayBuffer | Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-1", data))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function counts(): Promise<{ files: number; versions: number }> {
  const files = (await env.DB.prepare("SELECT count(*) AS n FROM package_file").first<{ n: number }>())?.n ?? 0;
  const versions = (await env.DB.prepare("SELECT count(*) AS n FROM package_version").first<{ n: number }>())?.n ?? 0;
  return { files, versions };
}

async function errorOf(res: Response): Promise<string> {
  expect(res.headers.get("Content-Type")).toBe("application/json");
  const body = (await res.json()) as { status: string; message: string; errors: { status: number; message: string }[] };
  expect(body.status).toBe("error");
  expect(body.errors[0]?.status).toBe(res.status);
  return body.message;
}

beforeAll(async () => {
  await createRepository({ name: "php", format: "composer", kind: "hosted", visibility: "public" });
  await createRepository({ name: "php-private", format: "composer", kind: "hosted", visibility: "private" });
});

describe("composer hosted", () => {
  it("answers packages.json with metadata-url, search, list and available-packages", async () => {
    await upload("php", packageZip("acme/listed", { manifest: { version: "1.0.0" } }));
    const res = await call("/composer/php/packages.json", { token: null });
    expect(res.status).toBe(200);
    const root = (await res.json()) as Record<string, unknown>;
    expect(root).toMatchObject({
      "metadata-url": "http://registry.test/composer/php/p2/%package%.json",
      search: "http://registry.test/composer/php/search.json?q=%query%&type=%type%",
      list: "http://registry.test/composer/php/list.json",
    });
    expect(root["available-packages"]).toContain("acme/listed");
  });

  it("uploads a zip, lists it at once in p2 with a dist whose shasum is the archive's sha1, and serves the dist", async () => {
    const zip = packageZip("acme/greeter", { manifest: { require: { php: ">=8.1" }, autoload: { "psr-4": { "Acme\\Greeter\\": "src/" } } }, files: { "src/Greeter.php": greeterClass("Acme\\Greeter", "hi") } });
    const res = await upload("php", zip, "1.0.0");
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ name: "acme/greeter", version: "1.0.0", version_normalized: "1.0.0.0", shasum: await sha1(zip) });

    const { versions } = await p2("php", "acme/greeter");
    expect(versions).toHaveLength(1);
    const [entry] = versions;
    expect(entry).toMatchObject({ name: "acme/greeter", version: "1.0.0", version_normalized: "1.0.0.0", type: "library", require: { php: ">=8.1" }, autoload: { "psr-4": { "Acme\\Greeter\\": "src/" } } });
    const dist = entry?.dist as { type: string; url: string; shasum: string; reference: string };
    expect(dist).toEqual({ type: "zip", url: `http://registry.test/composer/php/dists/acme/greeter/1.0.0/${await sha1(zip)}.zip`, reference: await sha1(zip), shasum: await sha1(zip) });
    const download = await call(new URL(dist.url).pathname, { token: null });
    expect(download.status).toBe(200);
    expect(await sha1(await download.arrayBuffer())).toBe(dist.shasum);
    expect((await call("/composer/php/dists/acme/greeter/1.0.0/0000000000000000000000000000000000000000.zip", { token: null })).status).toBe(404);
  });

  it("takes composer.json from a single top-level folder, the version from composer.json, and keeps dev versions in ~dev", async () => {
    expect((await upload("php", packageZip("acme/wrapped", { folder: "acme-wrapped-1a2b3c", manifest: { version: "v2.1" } }))).status).toBe(201);
    expect((await upload("php", packageZip("acme/wrapped"), "dev-main")).status).toBe(201);
    expect((await upload("php", packageZip("acme/wrapped"), "2.2.0-beta1")).status).toBe(201);
    expect((await p2("php", "acme/wrapped")).versions.map((v) => v.version)).toEqual(["v2.1", "2.2.0-beta1"].reverse());
    expect((await p2("php", "acme/wrapped", true)).versions.map((v) => v.version)).toEqual(["dev-main"]);
    expect((await p2("php", "acme/nothing")).status).toBe(404);
  });

  it("refuses a second upload of a version (also spelled differently) with 409", async () => {
    expect((await upload("php", packageZip("acme/twice"), "1.0.0")).status).toBe(201);
    const again = await upload("php", packageZip("acme/twice"), "v1.0");
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toContain("acme/twice 1.0.0 already exists");
  });

  it("deletes a version and a package: the p2 document follows at once", async () => {
    await upload("php", packageZip("acme/gone"), "1.0.0");
    await upload("php", packageZip("acme/gone"), "1.1.0");
    expect((await call("/composer/php/packages/acme/gone/1.1.0", { method: "DELETE", token: null, headers: basic(ADMIN) })).status).toBe(204);
    expect((await p2("php", "acme/gone")).versions.map((v) => v.version)).toEqual(["1.0.0"]);
    expect((await call("/composer/php/packages/acme/gone/9.9.9", { method: "DELETE", token: null, headers: basic(ADMIN) })).status).toBe(404);
    expect((await call("/composer/php/packages/acme/gone", { method: "DELETE", token: null, headers: basic(ADMIN) })).status).toBe(204);
    expect((await p2("php", "acme/gone")).status).toBe(404);
  });

  it("rebuilds the p2 document after a delete through the management API (the write hook)", async () => {
    await upload("php", packageZip("acme/api-del"), "1.0.0");
    await upload("php", packageZip("acme/api-del"), "2.0.0");
    expect((await p2("php", "acme/api-del")).versions).toHaveLength(2);
    expect((await api(`/repositories/php/packages/${encodeURIComponent("acme/api-del")}/versions/2.0.0`, "DELETE")).status).toBe(204);
    expect((await p2("php", "acme/api-del")).versions.map((v) => v.version)).toEqual(["1.0.0"]);
  });

  it("searches and lists hosted packages, filtered by type", async () => {
    await upload("php", packageZip("acme/searchme", { manifest: { description: "a findable plugin", type: "composer-plugin" } }), "1.0.0");
    const found = (await (await call("/composer/php/search.json?q=findable", { token: null })).json()) as { results: { name: string; description: string }[]; total: number };
    expect(found.results).toEqual([expect.objectContaining({ name: "acme/searchme", description: "a findable plugin" })]);
    expect(((await (await call("/composer/php/search.json?q=findable&type=library", { token: null })).json()) as { total: number }).total).toBe(0);
    const list = (await (await call("/composer/php/list.json", { token: null })).json()) as { packageNames: string[] };
    expect(list.packageNames).toContain("acme/searchme");
  });

  it("asks anonymous callers of a private repository for Basic credentials and takes a token as the password", async () => {
    const anonymous = await call("/composer/php-private/packages.json", { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toContain("Basic");
    expect(await errorOf(anonymous)).toBeTruthy();
    const missing = await call("/composer/no-such-repo/packages.json", { token: null });
    expect(missing.status).toBe(401);
    const reader = await createToken({ name: "composer-reader", scopes: ["read"] });
    expect((await call("/composer/php-private/packages.json", { token: null, headers: basic(reader) })).status).toBe(200);
    const refused = await upload("php-private", packageZip("acme/private"), "1.0.0", basic(reader));
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toBeTruthy();
  });
});

describe("composer hosted: bad input stores nothing", () => {
  it.each([
    ["a corrupt zip", () => new TextEncoder().encode("PK\u0003\u0004 this is not really a zip"), "1.0.0", "invalid package archive"],
    ["a truncated zip", () => packageZip("acme/bad").slice(0, 60), "1.0.0", "invalid package archive"],
    ["no zip at all", () => new TextEncoder().encode("hello"), "1.0.0", "not a zip archive"],
    ["a zip without composer.json", () => packageZip("acme/bad", { manifest: null, files: { "src/A.php": "<?php" } }), "1.0.0", "no composer.json"],
    ["an invalid name", () => packageZip("Acme/Bad"), "1.0.0", "invalid package name"],
    ["a version mismatch", () => packageZip("acme/bad", { manifest: { version: "1.0.0" } }), "2.0.0", "version mismatch"],
    ["no version", () => packageZip("acme/bad"), undefined, "no version"],
    ["an invalid version", () => packageZip("acme/bad"), "one-point-oh", "invalid version"],
  ])("%s → 400 with a Composer-style JSON error", async (_what, zip, version, message) => {
    const before = await counts();
    const res = await upload("php", zip(), version);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toContain(message);
    expect(await counts()).toEqual(before);
    expect((await p2("php", "acme/bad")).status).toBe(404);
  });

  it("refuses an empty body, uploads to a path other than the root, and 404s unknown paths in JSON", async () => {
    expect((await call("/composer/php", { method: "PUT", token: null, headers: basic(ADMIN) })).status).toBe(400);
    expect((await call("/composer/php/upload", { method: "PUT", body: packageZip("acme/x"), token: null, headers: basic(ADMIN) })).status).toBe(404);
    const unknown = await call("/composer/php/nothing-here", { token: null });
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toContain("not a Composer repository path");
  });
});
