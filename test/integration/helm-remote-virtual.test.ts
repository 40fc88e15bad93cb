// Helm remote and virtual repositories in workerd: an upstream index.yaml whose chart URLs
// live on another host (and one relative URL), rewritten to us and fetched from the recorded
// upstream URL; a virtual's index merged (union, higher priority wins a version, a hosted
// chart name shields it), charts served by the member the index chose.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { BASE, call, createRepository, sha256 } from "../helpers/client";
import { chartArchive } from "../helpers/helm-charts";
import { useScriptedUpstream } from "../helpers/scripted-upstream";

const upstream = useScriptedUpstream();
const INDEX = "https://charts.test";
const FILES = "https://files.test";

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;
type Index = { entries: Record<string, { version: string; urls: string[]; digest?: string }[]> };

/** An upstream repository at `{INDEX}/{prefix}/`: `charts` name → version → where its archive is (absolute on FILES, or relative). */
async function upstreamRepo(prefix: string, charts: Record<string, Record<string, { body: Uint8Array; relative?: boolean }>>): Promise<void> {
  const lines = ["apiVersion: v1", "entries:"];
  for (const [name, versions] of Object.entries(charts)) {
    lines.push(`  ${name}:`);
    for (const [version, { body, relative }] of Object.entries(versions)) {
      const url = relative ? `${INDEX}/${prefix}/pkgs/${name}-${version}.tgz` : `${FILES}/${prefix}/blob/${name}-${version}.tgz`;
      upstream.on(url, () => new Response(body, { headers: { "Content-Type": "application/gzip" } }));
      lines.push(`    - apiVersion: v2`, `      name: ${name}`, `      version: ${version}`, `      digest: ${await sha256(body)}`, `      urls:`, `        - ${relative ? `pkgs/${name}-${version}.tgz` : url}`);
    }
  }
  lines.push("generated: 2024-01-01T00:00:00Z", "");
  upstream.on(`${INDEX}/${prefix}/index.yaml`, () => new Response(lines.join("\n"), { headers: { "Content-Type": "application/x-yaml" } }));
}

async function remote(): Promise<string> {
  const name = unique("helm-remote");
  await createRepository({ name, format: "helm", kind: "remote", visibility: "private", remote: { url: `${INDEX}/${name}/` } });
  return name;
}

const index = async (repo: string): Promise<Index> => {
  const res = await call(`/helm/${repo}/index.yaml`);
  expect(res.status, await res.clone().text()).toBe(200);
  return parse(await res.text()) as Index;
};

describe("helm remote", () => {
  it("rewrites chart URLs on other hosts (and relative ones) to us and serves them from the upstream URL, cached", async () => {
    const proxy = await remote();
    const web = chartArchive("web", "1.0.0");
    const db = chartArchive("db", "2.0.0");
    await upstreamRepo(proxy, { web: { "1.0.0": { body: web } }, db: { "2.0.0": { body: db, relative: true } } });

    const idx = await index(proxy);
    expect(idx.entries["web"]?.[0]?.urls).toEqual([`${BASE}/helm/${proxy}/charts/web-1.0.0.tgz`]);
    expect(idx.entries["db"]?.[0]?.urls).toEqual([`${BASE}/helm/${proxy}/charts/db-2.0.0.tgz`]);
    expect(idx.entries["web"]?.[0]?.digest).toBe(await sha256(web));

    for (let i = 0; i < 2; i++) {
      const res = await call(`/helm/${proxy}/charts/web-1.0.0.tgz`);
      expect(res.status).toBe(200);
      expect(await sha256(await res.arrayBuffer())).toBe(await sha256(web));
    }
    expect(upstream.to(`${FILES}/${proxy}/blob/web-1.0.0.tgz`)).toHaveLength(1);
    const relative = await call(`/helm/${proxy}/charts/db-2.0.0.tgz`);
    expect(await sha256(await relative.arrayBuffer())).toBe(await sha256(db));
    expect((await call(`/helm/${proxy}/charts/web-9.0.0.tgz`)).status).toBe(404);
  });
});

describe("helm virtual", () => {
  it("merges indexes: union, higher priority wins a version, hosted chart names shield", async () => {
    const hosted = unique("helm-hosted");
    await createRepository({ name: hosted, format: "helm", kind: "hosted", visibility: "private" });
    const high = await remote();
    const low = await remote();
    const virtual = unique("helm-virtual");
    await createRepository({
      name: virtual, format: "helm", kind: "virtual", visibility: "private",
      members: [{ repository: hosted, priority: 20 }, { repository: high, priority: 10 }, { repository: low, priority: 1 }],
    });
    const ours = chartArchive("internal", "1.0.0");
    expect((await call(`/helm/${hosted}/api/charts`, { method: "POST", body: ours })).status).toBe(201);
    const highShared = chartArchive("shared", "1.0.0", "description: from high\n");
    const lowShared = chartArchive("shared", "1.0.0", "description: from low\n");
    const lowOnly = chartArchive("shared", "0.5.0");
    await upstreamRepo(high, { shared: { "1.0.0": { body: highShared } } });
    await upstreamRepo(low, { shared: { "1.0.0": { body: lowShared }, "0.5.0": { body: lowOnly } }, internal: { "9.9.9": { body: chartArchive("internal", "9.9.9") } } });

    const idx = await index(virtual);
    expect(Object.keys(idx.entries)).toEqual(["internal", "shared"]);
    expect(idx.entries["internal"]?.map((e) => e.version)).toEqual(["1.0.0"]);
    expect(idx.entries["shared"]?.map((e) => e.version)).toEqual(["1.0.0", "0.5.0"]);
    expect(idx.entries["shared"]?.[0]?.digest).toBe(await sha256(highShared));

    const shared = await call(`/helm/${virtual}/charts/shared-1.0.0.tgz`);
    expect(shared.headers.get("X-Registry-Member")).toBe(high);
    expect(await sha256(await shared.arrayBuffer())).toBe(await sha256(highShared));
    const older = await call(`/helm/${virtual}/charts/shared-0.5.0.tgz`);
    expect(older.headers.get("X-Registry-Member")).toBe(low);
    const internal = await call(`/helm/${virtual}/charts/internal-1.0.0.tgz`);
    expect(internal.headers.get("X-Registry-Member")).toBe(hosted);
    expect(await sha256(await internal.arrayBuffer())).toBe(await sha256(ours));
    expect((await call(`/helm/${virtual}/charts/internal-9.9.9.tgz`)).status).toBe(404);

    // A new hosted version shows up at once (the index is keyed on the repository revision).
    expect((await call(`/helm/${virtual}/api/charts`, { method: "POST", body: chartArchive("internal", "1.1.0") })).status).toBe(405);
    expect((await call(`/helm/${hosted}/api/charts`, { method: "POST", body: chartArchive("internal", "1.1.0") })).status).toBe(201);
    expect((await index(virtual)).entries["internal"]?.map((e) => e.version)).toEqual(["1.1.0", "1.0.0"]);
  }, 60_000);
});
