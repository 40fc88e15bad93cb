// Alpine remote and virtual repositories in workerd. Remote: an upstream tree (as on
// dl-cdn.alpinelinux.org) mirrored, its APKINDEX.tar.gz passed through byte for byte (the
// upstream's signature intact) and revalidated as metadata, .apk files cached as immutable.
// Virtual over hosted members: the members' stored indexes merged by the virtual's own
// IndexBuilder after a member's build (never by a read; the higher-priority member wins a
// name-version), signed with the virtual's own key, each file served by the member the index
// chose (the very file whose checksum it lists); rotation re-signs at once; a caller who
// cannot read every member gets no index; a virtual with no stored index schedules a build.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, call, createRepository, createToken, sha256 } from "../helpers/client";
import { buildApk, q1, stanzas, verifyRsaSha1 } from "../helpers/apk-packages";
import { useScriptedUpstream } from "../helpers/scripted-upstream";
import { builderOf, builds, rebuild, repositoryId, servedKey as key, signedIndex as index } from "./alpine-helpers";

const upstream = useScriptedUpstream();
const CDN = "https://dl-cdn.test/alpine";
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

const upload = (repo: string, body: Uint8Array) => call(`/alpine/${repo}/v3.20/main`, { method: "PUT", body });
/** `{name}-{version}` of each package the virtual's x86_64 index lists. */
const listed = async (repo: string) => stanzas((await index(repo)).apkindex).map((s) => `${s.P}-${s.V}`);
const download = (repo: string, file: string) => call(`/alpine/${repo}/v3.20/main/x86_64/${file}`);

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
  it("merges hosted members' stored indexes in its own build, re-signed with its own key; each file from the member the index chose", async () => {
    const high = unique("alpine-high");
    const low = unique("alpine-low");
    const virtual = unique("alpine-virtual");
    await createRepository({ name: high, format: "alpine", kind: "hosted", visibility: "private" });
    await createRepository({ name: low, format: "alpine", kind: "hosted", visibility: "private" });
    await createRepository({ name: virtual, format: "alpine", kind: "virtual", visibility: "private", members: [{ repository: high, priority: 20 }, { repository: low, priority: 10 }] });
    const sharedHigh = buildApk({ name: "shared", version: "1.0-r0", description: "from high" });
    const sharedLow = buildApk({ name: "shared", version: "1.0-r0", description: "from low" });
    const lowOnly = buildApk({ name: "lowonly", version: "2.0-r0" });
    for (const [repo, apk] of [[high, sharedHigh], [low, sharedLow], [low, lowOnly]] as const) expect((await upload(repo, apk.bytes)).status).toBe(201);

    // Created before any member was built: an empty index document, so no index yet, and no build is pending.
    expect((await call(`/alpine/${virtual}/v3.20/main/x86_64/APKINDEX.tar.gz`)).status).toBe(404);
    expect(await rebuild(virtual)).toBe(false);
    // The members' builds schedule the virtual's; its alarm builds it.
    expect(await rebuild(high)).toBe(true);
    expect(await rebuild(low)).toBe(true);
    expect(await rebuild(virtual)).toBe(true);
    const built = await builds(virtual);

    const virtualKey = await key(virtual);
    const highKey = await key(high);
    expect(virtualKey.name).not.toBe(highKey.name);
    const signed = await index(virtual);
    expect(signed.keyName).toBe(virtualKey.name);
    expect(await verifyRsaSha1(virtualKey.pem, signed.index, signed.signature)).toBe(true);
    expect(await verifyRsaSha1(highKey.pem, signed.index, signed.signature)).toBe(false);
    const merged = stanzas(signed.apkindex);
    expect(merged.map((s) => `${s.P}-${s.V}`).sort()).toEqual(["lowonly-2.0-r0", "shared-1.0-r0"]);
    expect(merged.find((s) => s.P === "shared")).toMatchObject({ C: await q1(sharedHigh.control), T: "from high" });

    const shared = await download(virtual, "shared-1.0-r0.apk");
    expect(shared.status).toBe(200);
    expect(shared.headers.get("X-Registry-Member")).toBe(high);
    expect(await sha256(await shared.arrayBuffer())).toBe(await sha256(sharedHigh.bytes));
    const only = await download(virtual, "lowonly-2.0-r0.apk");
    expect(only.headers.get("X-Registry-Member")).toBe(low);
    expect(await sha256(await only.arrayBuffer())).toBe(await sha256(lowOnly.bytes));
    expect((await download(virtual, "missing-1.0-r0.apk")).status).toBe(404);
    // Reads serve the stored document: they build nothing.
    expect(await builds(virtual)).toBe(built);

    // A member's upload reaches the virtual through the member's build, then the virtual's — never through a read.
    const later = buildApk({ name: "later", version: "3.0-r0" });
    expect((await upload(low, later.bytes)).status).toBe(201);
    expect(await listed(virtual)).not.toContain("later-3.0-r0");
    expect((await download(virtual, "later-3.0-r0.apk")).status).toBe(404);
    expect(await rebuild(virtual)).toBe(false); // nothing scheduled before the member's build
    expect(await rebuild(low)).toBe(true);
    expect(await listed(virtual)).not.toContain("later-3.0-r0");
    expect(await rebuild(virtual)).toBe(true); // the member's build scheduled it: the chain
    expect(await listed(virtual)).toContain("later-3.0-r0");
    expect(await sha256(await (await download(virtual, "later-3.0-r0.apk")).arrayBuffer())).toBe(await sha256(later.bytes));
    expect(await builds(virtual)).toBe(built + 1);

    // A member's file replaced since its own build: the virtual lists (and serves) the next
    // member's copy, never a file other than the one whose checksum its index lists.
    const sharedNew = buildApk({ name: "shared", version: "1.0-r0", description: "high again" });
    expect((await call(`/alpine/${high}/v3.20/main/x86_64/shared-1.0-r0.apk`, { method: "DELETE" })).status).toBe(204);
    expect((await upload(high, sharedNew.bytes)).status).toBe(201);
    expect((await api(`/repositories/${virtual}/signing-key/rotate?kind=rsa`, "POST")).status).toBe(200); // builds the virtual at once
    const interim = stanzas((await index(virtual)).apkindex).find((s) => s.P === "shared");
    expect(interim).toMatchObject({ C: await q1(sharedLow.control), T: "from low" });
    const fromLow = await download(virtual, "shared-1.0-r0.apk");
    expect(fromLow.headers.get("X-Registry-Member")).toBe(low);
    expect(await sha256(await fromLow.arrayBuffer())).toBe(await sha256(sharedLow.bytes));
    expect(await rebuild(high)).toBe(true);
    expect(await rebuild(virtual)).toBe(true);
    expect(stanzas((await index(virtual)).apkindex).find((s) => s.P === "shared")).toMatchObject({ C: await q1(sharedNew.control), T: "high again" });
    expect(await sha256(await (await download(virtual, "shared-1.0-r0.apk")).arrayBuffer())).toBe(await sha256(sharedNew.bytes));

    // A member's delete: gone from the virtual after the member's build and the virtual's.
    expect((await call(`/alpine/${low}/v3.20/main/x86_64/lowonly-2.0-r0.apk`, { method: "DELETE" })).status).toBe(204);
    expect(await rebuild(low)).toBe(true);
    expect(await rebuild(virtual)).toBe(true);
    expect((await listed(virtual)).sort()).toEqual(["later-3.0-r0", "shared-1.0-r0"]);
    expect((await download(virtual, "lowonly-2.0-r0.apk")).status).toBe(404);

    // Rotation: the virtual's and a hosted member's indexes are signed with the new keys at once (no read builds them).
    const before: Record<string, string> = { [virtual]: (await key(virtual)).name, [high]: highKey.name };
    for (const repo of [virtual, high]) {
      const count = await builds(repo);
      const rotated = await api(`/repositories/${repo}/signing-key/rotate?kind=rsa`, "POST");
      expect(rotated.status).toBe(200);
      expect(await builds(repo)).toBe(count + 1);
      const fresh = await key(repo);
      const after = await index(repo);
      expect(after.keyName).toBe(fresh.name);
      expect(await verifyRsaSha1(fresh.pem, after.index, after.signature)).toBe(true);
      expect(fresh.name).not.toBe(before[repo]);
      // The retired key stays available by name (signatures made with it can still be checked).
      expect((await call(`/alpine/${repo}/keys/${before[repo]}`)).status).toBe(200);
    }
  }, 120_000);

  it("refuses its index to a caller who cannot read every hosted member, naming none", async () => {
    const hidden = unique("alpine-vpriv");
    const open = unique("alpine-vpub");
    const virtual = unique("alpine-vmixed");
    await createRepository({ name: hidden, format: "alpine", kind: "hosted", visibility: "private" });
    await createRepository({ name: open, format: "alpine", kind: "hosted", visibility: "public" });
    await createRepository({ name: virtual, format: "alpine", kind: "virtual", visibility: "public", members: [{ repository: hidden, priority: 2 }, { repository: open, priority: 1 }] });
    expect((await upload(hidden, buildApk({ name: "secret", version: "1.0-r0" }).bytes)).status).toBe(201);
    const visible = buildApk({ name: "visible", version: "1.0-r0" });
    expect((await upload(open, visible.bytes)).status).toBe(201);
    for (const repo of [hidden, open]) expect(await rebuild(repo)).toBe(true);
    expect(await rebuild(virtual)).toBe(true);
    expect((await listed(virtual)).sort()).toEqual(["secret-1.0-r0", "visible-1.0-r0"]);

    for (const token of [null, await createToken({ name: unique("alpine-outsider"), scopes: ["read"], repositories: [virtual, open] })]) {
      const res = await call(`/alpine/${virtual}/v3.20/main/x86_64/APKINDEX.tar.gz`, { token });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain(hidden);
      // Packages come from the members the caller may read.
      const secret = await call(`/alpine/${virtual}/v3.20/main/x86_64/secret-1.0-r0.apk`, { token });
      expect(secret.status).toBe(404);
      expect(await secret.text()).not.toContain(hidden);
      const fromOpen = await call(`/alpine/${virtual}/v3.20/main/x86_64/visible-1.0-r0.apk`, { token });
      expect(fromOpen.status).toBe(200);
      expect(await sha256(await fromOpen.arrayBuffer())).toBe(await sha256(visible.bytes));
    }
  });

  it("without a stored index (a virtual from before this rule) a read schedules its build and answers 404", async () => {
    const member = unique("alpine-vmember");
    const virtual = unique("alpine-vold");
    await createRepository({ name: member, format: "alpine", kind: "hosted", visibility: "private" });
    expect((await upload(member, buildApk({ name: "old", version: "1.0-r0" }).bytes)).status).toBe(201);
    expect(await rebuild(member)).toBe(true);
    await createRepository({ name: virtual, format: "alpine", kind: "virtual", visibility: "private", members: [{ repository: member }] });
    expect(await listed(virtual)).toEqual(["old-1.0-r0"]); // creating it built it
    await env.DB.prepare("DELETE FROM derived_document WHERE repository_id = ? AND key = ?").bind(await repositoryId(virtual), "index:alpine:alpine-indexes.json").run();
    const built = await builds(virtual);
    expect((await call(`/alpine/${virtual}/v3.20/main/x86_64/APKINDEX.tar.gz`)).status).toBe(404);
    expect((await call(`/alpine/${virtual}/v3.20/main/x86_64/old-1.0-r0.apk`)).status).toBe(404);
    expect(await builds(virtual)).toBe(built);
    expect((await (await builderOf(virtual)).status()).alarm).not.toBeNull();
    expect(await rebuild(virtual)).toBe(true);
    expect(await listed(virtual)).toEqual(["old-1.0-r0"]);
  });
});
