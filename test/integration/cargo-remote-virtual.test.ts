// Cargo through the remote/virtual engine, with a crates.io-style upstream: index files and
// config.json on one host, `.crate` files on another (config.json's `dl`): index lines relayed
// byte for byte, downloads from the recorded upstream URL and cached, the revalidated index,
// a virtual's per-crate merge (union, priority wins a version, provenance), shielding by crate
// name, read-your-writes through the virtual after publish and yank, upstreams down.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, bytes, call, createRepository, sha256 } from "../helpers/client";
import { useScriptedUpstream } from "../helpers/scripted-upstream";
import { publishBodyFor } from "./cargo-fixtures";
import { forgetReadCache } from "../../src/virtual/read-cache";

const upstream = useScriptedUpstream();
const INDEX = "https://index.test";
const FILES = "https://static.test";

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

interface UpstreamCrate {
  name: string;
  vers: string;
  body: Uint8Array;
}

const prefix = (name: string) => (name.length <= 2 ? `${name.length}/${name}` : name.length === 3 ? `3/${name[0]}/${name}` : `${name.slice(0, 2)}/${name.slice(2, 4)}/${name}`);

/** Serves config.json and `name`'s index file under `{INDEX}/{root}/`, the files on FILES. */
async function upstreamCrates(root: string, crates: UpstreamCrate[], dl = `${FILES}/${root}/crates`): Promise<Record<string, string>> {
  upstream.on(`${INDEX}/${root}/config.json`, () => Response.json({ dl, api: "https://crates.test" }));
  const lines = new Map<string, string[]>();
  const sums: Record<string, string> = {};
  for (const crate of crates) {
    const cksum = await sha256(crate.body);
    sums[crate.vers] = cksum;
    lines.set(crate.name, [...(lines.get(crate.name) ?? []), JSON.stringify({ name: crate.name, vers: crate.vers, deps: [], cksum, features: {}, yanked: false, links: null, v: 2 })]);
    upstream.on(`${FILES}/${root}/crates/${crate.name}/${crate.vers}/download`, () => new Response(crate.body, { headers: { "Content-Type": "application/x-tar" } }));
  }
  for (const [name, list] of lines) upstream.on(`${INDEX}/${root}/${prefix(name)}`, () => new Response(list.map((l) => `${l}\n`).join(""), { headers: { "Content-Type": "text/plain" } }));
  return sums;
}

async function remote(): Promise<string> {
  const name = unique("cargo-remote");
  await createRepository({ name, format: "cargo", kind: "remote", visibility: "private", remote: { url: `${INDEX}/${name}/` } });
  return name;
}

async function hosted(visibility = "private"): Promise<string> {
  const name = unique("cargo-hosted");
  await createRepository({ name, format: "cargo", kind: "hosted", visibility });
  return name;
}

async function virtual(members: string[], settings: Record<string, unknown> = {}, visibility = "private"): Promise<string> {
  const name = unique("cargo-virtual");
  await createRepository({ name, format: "cargo", kind: "virtual", visibility, members: members.map((repository, i) => ({ repository, priority: 100 - i })), settings });
  return name;
}

async function publish(repo: string, name: string, version: string): Promise<Uint8Array> {
  const { body, crate } = await publishBodyFor(name, version);
  const res = await call(`/cargo/${repo}/api/v1/crates/new`, { method: "PUT", token: null, body, headers: { Authorization: ADMIN } });
  expect(res.status, await res.clone().text()).toBe(200);
  return crate;
}

async function lines(repo: string, name: string): Promise<{ status: number; entries: Record<string, unknown>[]; response: Response }> {
  const response = await call(`/cargo/${repo}/index/${prefix(name)}`);
  const text = response.status === 200 ? await response.clone().text() : "";
  return { status: response.status, entries: text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), response };
}

const download = (repo: string, name: string, version: string) => call(`/cargo/${repo}/api/v1/crates/${name}/${version}/download`);

describe("cargo remote", () => {
  it("relays index lines as written, points dl at itself, and fetches .crate files from the upstream's dl host", async () => {
    const repo = await remote();
    const body = bytes(700, 3);
    const sums = await upstreamCrates(repo, [{ name: "serde", vers: "1.0.0", body }, { name: "serde", vers: "1.0.1", body: bytes(500, 4) }]);

    const config = await call(`/cargo/${repo}/index/config.json`);
    expect(await config.json()).toEqual({ dl: `http://registry.test/cargo/${repo}/api/v1/crates`, api: `http://registry.test/cargo/${repo}`, "auth-required": true });

    const index = await lines(repo, "serde");
    expect(index.status).toBe(200);
    expect(index.entries.map((e) => [e.vers, e.cksum, e.v])).toEqual([["1.0.0", sums["1.0.0"], 2], ["1.0.1", sums["1.0.1"], 2]]);
    expect(index.response.headers.get("X-Registry-Member")).toBe(repo);

    const first = await download(repo, "serde", "1.0.0");
    expect(first.status).toBe(200);
    expect(await sha256(await first.arrayBuffer())).toBe(sums["1.0.0"]);
    expect(upstream.to(`${FILES}/${repo}/crates/serde/1.0.0/download`)).toHaveLength(1);
    const second = await download(repo, "serde", "1.0.0");
    expect(second.headers.get("X-Cache")).toBe("HIT");
    await second.arrayBuffer();
    expect(upstream.to(`${FILES}/${repo}/crates/serde/1.0.0/download`)).toHaveLength(1);
    expect(upstream.to(`${INDEX}/${repo}/config.json`)).toHaveLength(1);
    expect((await download(repo, "serde", "9.9.9")).status).toBe(404);
  });

  it("supports dl templates with markers", async () => {
    const repo = await remote();
    const body = bytes(300, 8);
    upstream.on(`${FILES}/${repo}/Ab/cd/Abcd/Abcd-0.1.0.crate`, () => new Response(body));
    upstream.on(`${INDEX}/${repo}/config.json`, () => Response.json({ dl: `${FILES}/${repo}/{prefix}/{crate}/{crate}-{version}.crate` }));
    const line = JSON.stringify({ name: "Abcd", vers: "0.1.0", deps: [], cksum: await sha256(body), features: {}, yanked: false, links: null });
    upstream.on(`${INDEX}/${repo}/ab/cd/abcd`, () => new Response(`${line}\n`));
    expect((await lines(repo, "abcd")).entries).toHaveLength(1);
    const res = await download(repo, "Abcd", "0.1.0");
    expect(res.status).toBe(200);
    expect(await sha256(await res.arrayBuffer())).toBe(await sha256(body));
  });

  it("serves the cached index and .crate when both upstream hosts are down; a crate nobody has is a 404", async () => {
    const repo = await remote();
    const body = bytes(400, 5);
    await upstreamCrates(repo, [{ name: "tokio", vers: "1.2.3", body }]);
    expect((await lines(repo, "tokio")).status).toBe(200);
    await (await download(repo, "tokio", "1.2.3")).arrayBuffer();
    upstream.reset();
    upstream.on(`${INDEX}/${repo}/to/ki/tokio`, () => new Response("down", { status: 503 }));
    await env.DB.prepare("UPDATE cache_entry SET checked_at = 0 WHERE repository_id = (SELECT id FROM repository WHERE name = ?)").bind(repo).run();
    forgetReadCache(); // the isolate's answers built from them would have expired too
    const stale = await lines(repo, "tokio");
    expect(stale.status).toBe(200);
    expect(stale.response.headers.get("X-Cache")).toBe("STALE");
    const cached = await download(repo, "tokio", "1.2.3");
    expect(await sha256(await cached.arrayBuffer())).toBe(await sha256(body));
    const missing = await call(`/cargo/${repo}/index/no/ne/nonexistent`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: [{ detail: "crate `nonexistent` does not exist" }] });
  }, 30_000);
});

describe("cargo virtual", () => {
  it("merges index files per crate: union, the higher-priority member wins a version, downloads follow the winner", async () => {
    const local = await hosted();
    const up = await remote();
    const upstreamBody = bytes(600, 9);
    await upstreamCrates(up, [{ name: "mixed", vers: "0.9.0", body: upstreamBody }, { name: "mixed", vers: "1.0.0", body: bytes(600, 10) }]);
    const all = await virtual([local, up], { shielding: false });
    // Before the hosted member has the crate, the upstream's versions show.
    expect((await lines(all, "mixed")).entries.map((e) => e.vers)).toEqual(["0.9.0", "1.0.0"]);

    const mine = await publish(local, "mixed", "1.0.0");
    // Read-your-writes through the virtual: the publish shows at once.
    const merged = await lines(all, "mixed");
    expect(merged.entries.map((e) => [e.vers, e.cksum])).toEqual([["0.9.0", await sha256(upstreamBody)], ["1.0.0", await sha256(mine)]]);
    expect(merged.response.headers.get("X-Registry-Member")).toBe(`${local}, ${up}`);
    const fromHosted = await download(all, "mixed", "1.0.0");
    expect(fromHosted.headers.get("X-Registry-Member")).toBe(local);
    expect(await sha256(await fromHosted.arrayBuffer())).toBe(await sha256(mine));
    const fromUpstream = await download(all, "mixed", "0.9.0");
    expect(fromUpstream.headers.get("X-Registry-Member")).toBe(up);
    expect(await sha256(await fromUpstream.arrayBuffer())).toBe(await sha256(upstreamBody));

    // Yank through the virtual (its deploy member is not set: 405), then on the hosted member: visible at once.
    const refused = await call(`/cargo/${all}/api/v1/crates/mixed/1.0.0/yank`, { method: "DELETE", token: null, headers: { Authorization: ADMIN } });
    expect(refused.status).toBe(405);
    expect((await call(`/cargo/${local}/api/v1/crates/mixed/1.0.0/yank`, { method: "DELETE", token: null, headers: { Authorization: ADMIN } })).status).toBe(200);
    expect((await lines(all, "mixed")).entries.find((e) => e.vers === "1.0.0")?.yanked).toBe(true);
  });

  it("shields a hosted crate name from remote members", async () => {
    const local = await hosted();
    const up = await remote();
    await upstreamCrates(up, [{ name: "internal-tool", vers: "99.0.0", body: bytes(200, 11) }]);
    const all = await virtual([local, up], { shielding: true });
    await publish(local, "internal-tool", "1.0.0");
    const index = await lines(all, "internal-tool");
    expect(index.entries.map((e) => e.vers)).toEqual(["1.0.0"]);
    expect(index.response.headers.get("X-Registry-Member")).toBe(local);
    expect((await download(all, "internal-tool", "99.0.0")).status).toBe(404);
    expect(upstream.to(`${INDEX}/${up}/in/te/internal-tool`)).toHaveLength(0);
  });

  it("publishes through a virtual with a deploy member; search covers hosted members", async () => {
    const local = await hosted();
    const all = await virtual([local], { deployMember: local });
    await publish(all, "via-virtual", "0.1.0");
    expect((await lines(local, "via-virtual")).entries.map((e) => e.vers)).toEqual(["0.1.0"]);
    expect((await lines(all, "via-virtual")).entries.map((e) => e.vers)).toEqual(["0.1.0"]);
    const search = await call(`/cargo/${all}/api/v1/crates?q=via`);
    expect(((await search.json()) as { crates: { name: string }[] }).crates.map((c) => c.name)).toEqual(["via-virtual"]);
  });

  it("a public virtual's index file is never edge-cached: a publish shows at once", async () => {
    const local = await hosted("public");
    const all = await virtual([local], {}, "public");
    await publish(local, "fresh", "1.0.0");
    expect((await call(`/cargo/${all}/index/fr/es/fresh`, { token: null })).status).toBe(200);
    await publish(local, "fresh", "1.1.0");
    const again = await call(`/cargo/${all}/index/fr/es/fresh`, { token: null });
    expect(again.headers.get("X-Edge-Cache")).toBeNull();
    expect((await again.text()).split("\n").filter(Boolean)).toHaveLength(2);
  });
});
