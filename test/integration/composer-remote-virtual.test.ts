// Composer remote (packagist-style upstream: p2 documents on one host, dist archives on
// another, e.g. GitHub's API/codeload) and virtual repositories in workerd: dist URLs
// rewritten to come through us and cached immutable, versions merged per package with
// priority, shielding by vendor/name, an upstream down, uploads through the deploy member.
import { describe, expect, it } from "vitest";
import { expandVersions, minifyVersions } from "../../src/formats/composer/minify";
import { call, createRepository } from "../helpers/client";
import { packageZip } from "../helpers/composer-packages";
import { useScriptedUpstream } from "../helpers/scripted-upstream";

const upstream = useScriptedUpstream();
const REPO = "https://repo.packagist.test";
const CODELOAD = "https://codeload.github.test";

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

async function sha1(data: ArrayBuffer | Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-1", data))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Publishes `name` at `{REPO}/{prefix}/p2/…` (minified, as packagist does), archives on the codeload host. */
async function upstreamPackage(prefix: string, name: string, versions: Record<string, Uint8Array>, extra: Record<string, unknown> = {}): Promise<void> {
  const entries = [];
  for (const [version, zip] of Object.entries(versions)) {
    const reference = (await sha1(new TextEncoder().encode(`${name}@${version}`))).slice(0, 40);
    const url = `${CODELOAD}/${prefix}/${name}/zip/${reference}`;
    upstream.on(url, () => new Response(zip, { headers: { "Content-Type": "application/zip" } }));
    entries.push({ name, version, dist: { type: "zip", url, reference, shasum: "" }, time: "2024-01-01T00:00:00+00:00", type: "library", ...extra });
  }
  const stable = entries.filter((e) => !e.version.startsWith("dev-"));
  const dev = entries.filter((e) => e.version.startsWith("dev-"));
  upstream.on(`${REPO}/${prefix}/p2/${name}.json`, () => Response.json({ packages: { [name]: minifyVersions(stable) }, minified: "composer/2.0" }));
  upstream.on(`${REPO}/${prefix}/p2/${name}~dev.json`, () => Response.json({ packages: { [name]: minifyVersions(dev) }, minified: "composer/2.0" }));
}

async function p2(repo: string, name: string, dev = false): Promise<{ res: Response; versions: Record<string, unknown>[] }> {
  const res = await call(`/composer/${repo}/p2/${name}${dev ? "~dev" : ""}.json`);
  const versions = res.status === 200 ? expandVersions(((await res.clone().json()) as { packages: Record<string, unknown[]> }).packages[name] ?? []) : [];
  return { res, versions };
}

const distUrl = (entry: Record<string, unknown> | undefined): string => String((entry?.dist as { url?: string } | undefined)?.url);

async function remote(): Promise<string> {
  const name = unique("php-remote");
  await createRepository({ name, format: "composer", kind: "remote", visibility: "private", remote: { url: `${REPO}/${name}/` } });
  return name;
}

async function hosted(): Promise<string> {
  const name = unique("php-hosted");
  await createRepository({ name, format: "composer", kind: "hosted", visibility: "private" });
  return name;
}

describe("composer remote", () => {
  it("relays p2 with dist URLs pointing here, fetches the archive from the other host once, then from cache", async () => {
    const proxy = await remote();
    const zip = packageZip("acme/remote-lib", { manifest: { version: "1.2.0" } });
    await upstreamPackage(proxy, "acme/remote-lib", { "1.1.0": packageZip("acme/remote-lib"), "1.2.0": zip, "dev-main": packageZip("acme/remote-lib") });

    const { versions } = await p2(proxy, "acme/remote-lib");
    expect(versions.map((v) => v.version)).toEqual(["1.2.0", "1.1.0"]);
    const url = distUrl(versions[0]);
    expect(url.startsWith(`http://registry.test/composer/${proxy}/dists/acme/remote-lib/1.2.0/`)).toBe(true);
    for (let i = 0; i < 2; i++) {
      const res = await call(new URL(url).pathname);
      expect(res.status).toBe(200);
      expect(await sha1(await res.arrayBuffer())).toBe(await sha1(zip));
      expect(res.headers.get("X-Cache")).toBe(i === 0 ? "MISS" : "HIT");
    }
    expect(upstream.requests.filter((r) => r.url.startsWith(`${CODELOAD}/${proxy}/acme/remote-lib/zip/`))).toHaveLength(1);
    expect((await p2(proxy, "acme/remote-lib", true)).versions.map((v) => v.version)).toEqual(["dev-main"]);
    expect((await p2(proxy, "acme/absent")).res.status).toBe(404);
    // A reference the document does not list is not fetched from anywhere.
    expect((await call(`/composer/${proxy}/dists/acme/remote-lib/1.2.0/0123456789abcdef.zip`)).status).toBe(404);
  });

  it("refuses uploads with 405", async () => {
    const proxy = await remote();
    const res = await call(`/composer/${proxy}?version=1.0.0`, { method: "PUT", body: packageZip("acme/x") });
    expect(res.status).toBe(405);
  });
});

describe("composer virtual", () => {
  it("merges versions per package, higher priority wins a version, each dist from the member whose version won", async () => {
    const high = await remote();
    const low = await remote();
    const virtual = unique("php-virtual");
    await createRepository({ name: virtual, format: "composer", kind: "virtual", visibility: "private", members: [{ repository: high, priority: 10 }, { repository: low, priority: 1 }] });
    const highZip = packageZip("acme/both", { files: { "from.txt": "high" } });
    const lowZip = packageZip("acme/both", { files: { "from.txt": "low" } });
    const lowOnly = packageZip("acme/both", { files: { "from.txt": "low 2.0" } });
    await upstreamPackage(high, "acme/both", { "1.0.0": highZip }, { description: "high" });
    await upstreamPackage(low, "acme/both", { "1.0.0": lowZip, "2.0.0": lowOnly }, { description: "low" });

    const { versions, res } = await p2(virtual, "acme/both");
    expect(res.headers.get("X-Registry-Member")).toBe(`${high}, ${low}`);
    expect(versions.map((v) => [v.version, v.description])).toEqual([
      ["2.0.0", "low"],
      ["1.0.0", "high"],
    ]);
    const one = await call(new URL(distUrl(versions[1])).pathname);
    expect(one.headers.get("X-Registry-Member")).toBe(high);
    expect(await sha1(await one.arrayBuffer())).toBe(await sha1(highZip));
    const two = await call(new URL(distUrl(versions[0])).pathname);
    expect(two.headers.get("X-Registry-Member")).toBe(low);
    expect(await sha1(await two.arrayBuffer())).toBe(await sha1(lowOnly));
  });

  it("shields a vendor/name a hosted member has: the remote is never asked for it", async () => {
    const ours = await hosted();
    const proxy = await remote();
    const virtual = unique("php-virtual");
    await createRepository({ name: virtual, format: "composer", kind: "virtual", visibility: "private", members: [{ repository: ours, priority: 10 }, { repository: proxy, priority: 1 }], settings: { deployMember: ours } });
    const mine = packageZip("corp/internal", { manifest: { version: "1.0.0" } });
    // Through the virtual: the upload lands in the deploy member.
    expect((await call(`/composer/${virtual}`, { method: "PUT", body: mine })).status).toBe(201);
    await upstreamPackage(proxy, "corp/internal", { "9.0.0": packageZip("corp/internal") });
    await upstreamPackage(proxy, "acme/public", { "0.1.0": packageZip("acme/public") });

    const { versions } = await p2(virtual, "corp/internal");
    expect(versions.map((v) => v.version)).toEqual(["1.0.0"]);
    const dist = await call(new URL(distUrl(versions[0])).pathname);
    expect(dist.headers.get("X-Registry-Member")).toBe(ours);
    expect(await sha1(await dist.arrayBuffer())).toBe(await sha1(mine));
    expect(upstream.requests.filter((r) => r.url.includes(`/${proxy}/p2/corp/internal`))).toHaveLength(0);
    expect((await p2(virtual, "corp/internal", true)).versions).toEqual([]);

    const { versions: open } = await p2(virtual, "acme/public");
    expect(open.map((v) => v.version)).toEqual(["0.1.0"]);
    expect((await call(new URL(distUrl(open[0])).pathname)).headers.get("X-Registry-Member")).toBe(proxy);
  });

  it("a new hosted version shows in the virtual's p2 at once; an upstream that is down leaves its member out", async () => {
    const ours = await hosted();
    const proxy = await remote();
    const virtual = unique("php-virtual");
    await createRepository({ name: virtual, format: "composer", kind: "virtual", visibility: "private", members: [{ repository: ours, priority: 10 }, { repository: proxy, priority: 1 }], settings: { shielding: false } });
    upstream.on(`${REPO}/${proxy}/p2/acme/mixed.json`, () => new Response("boom", { status: 503 }));
    expect((await call(`/composer/${ours}?version=0.1.0`, { method: "PUT", body: packageZip("acme/mixed") })).status).toBe(201);
    expect((await p2(virtual, "acme/mixed")).versions.map((v) => v.version)).toEqual(["0.1.0"]);
    expect((await call(`/composer/${ours}?version=0.2.0`, { method: "PUT", body: packageZip("acme/mixed") })).status).toBe(201);
    expect((await p2(virtual, "acme/mixed")).versions.map((v) => v.version)).toEqual(["0.2.0", "0.1.0"]);
  });
});
