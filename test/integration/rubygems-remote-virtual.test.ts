// RubyGems through the remote/virtual engine with a rubygems.org-style upstream (compact
// index and files on one host): info and versions relayed byte for byte with MD5 ETags,
// .gem and quick specs fetched and cached, stale on error; a virtual's per-gem /info merge
// (union, priority wins a version, the .gem from the member whose line won), shielding by
// gem name in /info and /versions, /versions as members' lines (hosted first),
// names, legacy specs, read-your-writes after push and yank.
import { env } from "cloudflare:test";
import { gunzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { ADMIN, call, createRepository } from "../helpers/client";
import { useScriptedUpstream } from "../helpers/scripted-upstream";
import { buildGem, hexDigest } from "./rubygems-fixtures";
import { forgetReadCache } from "../../src/virtual/read-cache";

const upstream = useScriptedUpstream();
const ORIGIN = "https://gems.test";

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

interface UpstreamGem {
  name: string;
  version: string;
  body: Uint8Array;
}

const md5 = (text: string) => hexDigest("MD5", new TextEncoder().encode(text));

/** Serves `gems` as a compact index source at `{ORIGIN}/{root}/`; returns the info texts by name. */
async function upstreamGems(root: string, gems: UpstreamGem[]): Promise<Record<string, string>> {
  const infos: Record<string, string> = {};
  for (const gem of gems) {
    infos[gem.name] = `${infos[gem.name] ?? "---\n"}${gem.version} |checksum:${await hexDigest("SHA-256", gem.body)}\n`;
    upstream.on(`${ORIGIN}/${root}/gems/${gem.name}-${gem.version}.gem`, () => new Response(gem.body));
    upstream.on(`${ORIGIN}/${root}/quick/Marshal.4.8/${gem.name}-${gem.version}.gemspec.rz`, () => new Response(`quick ${gem.name} ${gem.version}`));
  }
  let versions = "created_at: 2026-01-01T00:00:00Z\n---\n";
  for (const [name, info] of Object.entries(infos)) {
    upstream.on(`${ORIGIN}/${root}/info/${name}`, () => new Response(info, { headers: { "Content-Type": "text/plain", ETag: '"upstream-etag"' } }));
    versions += `${name} ${gems.filter((g) => g.name === name).map((g) => g.version).join(",")} ${await md5(info)}\n`;
  }
  upstream.on(`${ORIGIN}/${root}/versions`, () => new Response(versions, { headers: { "Content-Type": "text/plain" } }));
  upstream.on(`${ORIGIN}/${root}/specs.4.8.gz`, () => new Response("upstream specs"));
  return infos;
}

async function remote(): Promise<string> {
  const name = unique("rg-remote");
  await createRepository({ name, format: "rubygems", kind: "remote", visibility: "private", remote: { url: `${ORIGIN}/${name}/` } });
  return name;
}

async function hosted(): Promise<string> {
  const name = unique("rg-hosted");
  await createRepository({ name, format: "rubygems", kind: "hosted", visibility: "private" });
  return name;
}

async function virtual(members: string[], settings: Record<string, unknown> = {}, visibility = "private"): Promise<string> {
  const name = unique("rg-virtual");
  await createRepository({ name, format: "rubygems", kind: "virtual", visibility, members: members.map((repository, i) => ({ repository, priority: 100 - i })), settings });
  return name;
}

async function push(repo: string, gem: Uint8Array): Promise<void> {
  const res = await call(`/rubygems/${repo}/api/v1/gems`, { method: "POST", token: null, body: gem, headers: { Authorization: ADMIN } });
  expect(res.status, await res.clone().text()).toBe(200);
}

const get = (repo: string, path: string, headers: Record<string, string> = {}) => call(`/rubygems/${repo}/${path}`, { headers });

describe("rubygems remote", () => {
  it("relays info and versions byte for byte (MD5 ETag, ranges), fetches and caches the .gem and quick spec", async () => {
    const repo = await remote();
    const body = await buildGem("rack", "3.0.0");
    const infos = await upstreamGems(repo, [{ name: "rack", version: "2.2.0", body: await buildGem("rack", "2.2.0") }, { name: "rack", version: "3.0.0", body }]);
    const info = await get(repo, "info/rack");
    expect(info.status).toBe(200);
    expect(await info.text()).toBe(infos.rack);
    expect(info.headers.get("ETag")).toBe(`"${await md5(infos.rack ?? "")}"`);
    const versions = await (await get(repo, "versions")).text();
    expect(versions).toBe(`created_at: 2026-01-01T00:00:00Z\n---\nrack 2.2.0,3.0.0 ${await md5(infos.rack ?? "")}\n`);
    const ranged = await get(repo, "versions", { Range: "bytes=10-" });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe(versions.slice(10));
    expect(await (await get(repo, "names")).text()).toBe("---\nrack\n");

    const gem = await get(repo, "gems/rack-3.0.0.gem");
    expect(gem.status).toBe(200);
    expect(new Uint8Array(await gem.arrayBuffer())).toEqual(body);
    await (await get(repo, "gems/rack-3.0.0.gem")).arrayBuffer();
    expect(upstream.to(`${ORIGIN}/${repo}/gems/rack-3.0.0.gem`)).toHaveLength(1);
    expect(await (await get(repo, "quick/Marshal.4.8/rack-3.0.0.gemspec.rz")).text()).toBe("quick rack 3.0.0");
    // A remote relays its upstream's legacy index.
    expect(await (await get(repo, "specs.4.8.gz")).text()).toBe("upstream specs");
    expect((await get(repo, "info/missing")).status).toBe(404);
  });

  it("serves the cached info when the upstream is down (STALE)", async () => {
    const repo = await remote();
    const infos = await upstreamGems(repo, [{ name: "puma", version: "6.0.0", body: await buildGem("puma", "6.0.0") }]);
    expect((await get(repo, "info/puma")).status).toBe(200);
    upstream.reset();
    upstream.on(`${ORIGIN}/${repo}/info/puma`, () => new Response("down", { status: 503 }));
    await env.DB.prepare("UPDATE cache_entry SET checked_at = 0 WHERE repository_id = (SELECT id FROM repository WHERE name = ?)").bind(repo).run();
    forgetReadCache(); // the isolate's answers built from them would have expired too
    const stale = await get(repo, "info/puma");
    expect(stale.status).toBe(200);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(await stale.text()).toBe(infos.puma);
  }, 30_000);
});

describe("rubygems virtual", () => {
  it("merges /info per gem: union, the higher-priority member wins a version, the .gem follows the winner", async () => {
    const local = await hosted();
    const up = await remote();
    const hostedGem = await buildGem("mixed", "1.0.0", { summary: "hosted copy" });
    await push(local, hostedGem);
    const infos = await upstreamGems(up, [{ name: "mixed", version: "0.9.0", body: await buildGem("mixed", "0.9.0") }, { name: "mixed", version: "1.0.0", body: await buildGem("mixed", "1.0.0", { summary: "upstream copy" }) }]);
    const all = await virtual([local, up], { shielding: false });
    const info = await (await get(all, "info/mixed")).text();
    expect(info).toBe(`---\n1.0.0 |checksum:${await hexDigest("SHA-256", hostedGem)}\n${infos.mixed?.split("\n")[1]}\n`);
    const winner = await get(all, "gems/mixed-1.0.0.gem");
    expect(winner.headers.get("X-Registry-Member")).toBe(local);
    expect(new Uint8Array(await winner.arrayBuffer())).toEqual(hostedGem);
    expect((await get(all, "gems/mixed-0.9.0.gem")).headers.get("X-Registry-Member")).toBe(up);
    expect(upstream.to(`${ORIGIN}/${up}/gems/mixed-1.0.0.gem`)).toHaveLength(0);
    // A gem in two members gets a stand-in MD5 in /versions: Bundler revalidates its /info.
    const versions = await (await get(all, "versions")).text();
    expect(versions).toContain("mixed 1.0.0 ");
    expect(versions).toContain("mixed 0.9.0,1.0.0 ");
    expect(versions).not.toContain(await md5(info));
    expect(versions).not.toContain(await md5(infos.mixed ?? ""));
  });

  it("shields a hosted gem name from remote members in /info, /versions and downloads", async () => {
    const local = await hosted();
    const up = await remote();
    await push(local, await buildGem("private-gem", "1.0.0"));
    await upstreamGems(up, [{ name: "private-gem", version: "9.9.9", body: await buildGem("private-gem", "9.9.9") }, { name: "public-gem", version: "1.0.0", body: await buildGem("public-gem", "1.0.0") }]);
    const all = await virtual([local, up]);
    const info = await (await get(all, "info/private-gem")).text();
    expect(info).not.toContain("9.9.9");
    const versions = await (await get(all, "versions")).text();
    expect(versions).not.toContain("9.9.9");
    expect(versions).toContain("public-gem 1.0.0 ");
    expect(versions.indexOf("private-gem")).toBeLessThan(versions.indexOf("public-gem"));
    expect((await get(all, "gems/private-gem-9.9.9.gem")).status).toBe(404);
    expect(upstream.to(`${ORIGIN}/${up}/info/private-gem`)).toHaveLength(0);
    expect(await (await get(all, "names")).text()).toBe("---\nprivate-gem\npublic-gem\n");
    const specs = Buffer.from(gunzipSync(new Uint8Array(await (await get(all, "specs.4.8.gz")).arrayBuffer()))).toString("latin1");
    expect(specs).toContain("public-gem");
    expect(specs).not.toContain("9.9.9");
  });

  it("reads its writes: push and yank through the virtual show at once in /info and /versions", async () => {
    const local = await hosted();
    const up = await remote();
    await upstreamGems(up, [{ name: "far", version: "1.0.0", body: await buildGem("far", "1.0.0") }]);
    const all = await virtual([local, up], { deployMember: local }, "public");
    await push(all, await buildGem("near", "1.0.0"));
    const before = await (await get(all, "versions")).text();
    expect(before).toContain("near 1.0.0 ");
    await push(all, await buildGem("near", "1.1.0"));
    expect(await (await get(all, "info/near")).text()).toContain("1.1.0 |checksum:");
    const after = await (await get(all, "versions")).text();
    // The hosted lines come first, so the new line lands inside: Bundler's ETag check sees the change.
    expect(after).toContain("near 1.1.0 ");
    const yank = await call(`/rubygems/${all}/api/v1/gems/yank`, { method: "DELETE", token: null, body: "gem_name=near&version=1.1.0", headers: { Authorization: ADMIN, "Content-Type": "application/x-www-form-urlencoded" } });
    expect(yank.status).toBe(200);
    expect(await (await get(all, "info/near")).text()).not.toContain("1.1.0");
    expect(await (await get(all, "versions")).text()).toContain("near -1.1.0 ");
  });
});
