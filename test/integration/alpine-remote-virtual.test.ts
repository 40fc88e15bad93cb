// Alpine remote and virtual repositories in workerd. Remote: an upstream tree (as on
// dl-cdn.alpinelinux.org) mirrored, its APKINDEX.tar.gz passed through byte for byte (the
// upstream's signature intact) and revalidated as metadata, .apk files cached as immutable.
// Virtual over hosted members: the members' APKINDEX merged (the higher-priority member wins a
// name-version) and signed with the virtual's own key, each file served by the member the
// index chose; key rotation re-signs hosted and virtual indexes.
import { describe, expect, it } from "vitest";
import { api, call, createRepository, sha256 } from "../helpers/client";
import { buildApk, q1, readSignedIndex, stanzas, verifyRsaSha1 } from "../helpers/apk-packages";
import { useScriptedUpstream } from "../helpers/scripted-upstream";

const upstream = useScriptedUpstream();
const CDN = "https://dl-cdn.test/alpine";
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

async function key(repo: string): Promise<{ name: string; pem: string }> {
  const res = await call(`/alpine/${repo}/key`);
  expect(res.status).toBe(200);
  return { name: /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "", pem: await res.text() };
}

async function index(repo: string, place = "v3.20/main/x86_64") {
  const res = await call(`/alpine/${repo}/${place}/APKINDEX.tar.gz`);
  expect(res.status, await res.clone().text()).toBe(200);
  return readSignedIndex(new Uint8Array(await res.arrayBuffer()));
}

describe("alpine remote", () => {
  it("passes the upstream's signed index through unchanged and caches packages", async () => {
    const remote = unique("alpine-remote");
    await createRepository({ name: remote, format: "alpine", kind: "remote", visibility: "private", remote: { url: `${CDN}/` } });
    const upstreamIndex = new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const pkg = buildApk({ name: "musl", version: "1.2.5-r0" });
    upstream.on(`${CDN}/v3.20/main/x86_64/APKINDEX.tar.gz`, () => new Response(upstreamIndex, { headers: { "Content-Type": "application/octet-stream" } }));
    upstream.on(`${CDN}/v3.20/main/x86_64/musl-1.2.5-r0.apk`, () => new Response(pkg.bytes));
    const got = await call(`/alpine/${remote}/v3.20/main/x86_64/APKINDEX.tar.gz`);
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(upstreamIndex);
    for (let i = 0; i < 2; i++) {
      const apk = await call(`/alpine/${remote}/v3.20/main/x86_64/musl-1.2.5-r0.apk`);
      expect(apk.status).toBe(200);
      expect(await sha256(await apk.arrayBuffer())).toBe(await sha256(pkg.bytes));
    }
    expect(upstream.to(`${CDN}/v3.20/main/x86_64/musl-1.2.5-r0.apk`)).toHaveLength(1);
    expect((await call(`/alpine/${remote}/v3.20/main/x86_64/nothere-1.0-r0.apk`)).status).toBe(404);
    // A remote has no key of its own and takes no uploads.
    expect((await call(`/alpine/${remote}/key`)).status).toBe(404);
    expect((await call(`/alpine/${remote}/v3.20/main`, { method: "PUT", body: pkg.bytes })).status).toBe(405);
  });
});

describe("alpine virtual", () => {
  it("merges hosted members' indexes, re-signs with its own key, serves each file from the member the index chose", async () => {
    const high = unique("alpine-high");
    const low = unique("alpine-low");
    const virtual = unique("alpine-virtual");
    await createRepository({ name: high, format: "alpine", kind: "hosted", visibility: "private" });
    await createRepository({ name: low, format: "alpine", kind: "hosted", visibility: "private" });
    await createRepository({ name: virtual, format: "alpine", kind: "virtual", visibility: "private", members: [{ repository: high, priority: 20 }, { repository: low, priority: 10 }] });
    const sharedHigh = buildApk({ name: "shared", version: "1.0-r0", description: "from high" });
    const sharedLow = buildApk({ name: "shared", version: "1.0-r0", description: "from low" });
    const lowOnly = buildApk({ name: "lowonly", version: "2.0-r0" });
    for (const [repo, apk] of [[high, sharedHigh], [low, sharedLow], [low, lowOnly]] as const) {
      expect((await call(`/alpine/${repo}/v3.20/main`, { method: "PUT", body: apk.bytes })).status).toBe(201);
    }

    const virtualKey = await key(virtual);
    expect(virtualKey.name).not.toBe((await key(high)).name);
    const signed = await index(virtual);
    expect(signed.keyName).toBe(virtualKey.name);
    expect(await verifyRsaSha1(virtualKey.pem, signed.index, signed.signature)).toBe(true);
    const listed = stanzas(signed.apkindex);
    expect(listed.map((s) => `${s.P}-${s.V}`).sort()).toEqual(["lowonly-2.0-r0", "shared-1.0-r0"]);
    expect(listed.find((s) => s.P === "shared")).toMatchObject({ C: await q1(sharedHigh.control), T: "from high" });

    const shared = await call(`/alpine/${virtual}/v3.20/main/x86_64/shared-1.0-r0.apk`);
    expect(shared.status).toBe(200);
    expect(shared.headers.get("X-Registry-Member")).toBe(high);
    expect(await sha256(await shared.arrayBuffer())).toBe(await sha256(sharedHigh.bytes));
    const only = await call(`/alpine/${virtual}/v3.20/main/x86_64/lowonly-2.0-r0.apk`);
    expect(only.headers.get("X-Registry-Member")).toBe(low);
    expect(await sha256(await only.arrayBuffer())).toBe(await sha256(lowOnly.bytes));
    expect((await call(`/alpine/${virtual}/v3.20/main/x86_64/missing-1.0-r0.apk`)).status).toBe(404);

    // A member change shows in the merged index.
    expect((await call(`/alpine/${low}/v3.20/main/x86_64/lowonly-2.0-r0.apk`, { method: "DELETE" })).status).toBe(204);
    expect(stanzas((await index(virtual)).apkindex).map((s) => s.P)).toEqual(["shared"]);

    // Rotation: the virtual's and a hosted member's indexes are signed with the new keys at once.
    const before: Record<string, string> = { [virtual]: virtualKey.name, [high]: (await key(high)).name };
    for (const repo of [virtual, high]) {
      const rotated = await api(`/repositories/${repo}/signing-key/rotate?kind=rsa`, "POST");
      expect(rotated.status).toBe(200);
      const fresh = await key(repo);
      const after = await index(repo);
      expect(after.keyName).toBe(fresh.name);
      expect(await verifyRsaSha1(fresh.pem, after.index, after.signature)).toBe(true);
      expect(fresh.name).not.toBe(before[repo]);
      // The retired key stays available by name (signatures made with it can still be checked).
      expect((await call(`/alpine/${repo}/keys/${before[repo]}`)).status).toBe(200);
    }
  }, 120_000);
});
