// Alpine hosted repositories in workerd: .apk upload (control checksum, .PKGINFO), the
// IndexBuilder's signed APKINDEX.tar.gz per branch/repository/arch (signature checked with
// the served key, a wrong key fails), noarch packages in every arch, downloads, 409, delete,
// bad input refused with nothing stored, and the debounce under a burst of 50 uploads.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createRepository, sha256 } from "../helpers/client";
import { buildApk, q1, readSignedIndex, stanzas, verifyRsaSha1 } from "../helpers/apk-packages";
import { builds, rebuild } from "./alpine-helpers";

let n = 0;
async function hosted(visibility = "private"): Promise<{ name: string; id: number }> {
  const name = `alpine-hosted-${++n}`;
  const created = await createRepository({ name, format: "alpine", kind: "hosted", visibility });
  return { name, id: created.id as number };
}

const upload = (repo: string, place: string, body: Uint8Array | string) => call(`/alpine/${repo}/${place}`, { method: "PUT", body });

async function index(repo: string, place: string) {
  const res = await call(`/alpine/${repo}/${place}/APKINDEX.tar.gz`);
  expect(res.status, await res.clone().text()).toBe(200);
  return readSignedIndex(new Uint8Array(await res.arrayBuffer()));
}

async function servedKey(repo: string): Promise<{ name: string; pem: string }> {
  const res = await call(`/alpine/${repo}/key`);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/x-pem-file");
  const name = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "";
  return { name, pem: await res.text() };
}

describe("alpine hosted", () => {
  it("uploads packages and serves a signed APKINDEX whose C: checksums match the files", async () => {
    const { name: repo } = await hosted();
    const hello = buildApk({ name: "hello", version: "1.0-r0", depends: ["busybox"] });
    const res = await upload(repo, "v3.20/main", hello.bytes);
    expect(res.status, await res.clone().text()).toBe(201);
    expect((await upload(repo, "v3.20/main", buildApk({ name: "hello", version: "1.0-r0", arch: "aarch64" }).bytes)).status).toBe(201);
    expect((await upload(repo, "v3.20/main", buildApk({ name: "docs", version: "2.1-r3", arch: "noarch" }).bytes)).status).toBe(201);
    // Reads serve the stored document only: none before the IndexBuilder's (debounced) build.
    expect((await call(`/alpine/${repo}/v3.20/main/x86_64/APKINDEX.tar.gz`)).status).toBe(404);
    expect(await rebuild(repo)).toBe(true);

    const key = await servedKey(repo);
    expect(key.name).toMatch(new RegExp(`^${repo}-[0-9a-f]{16}\\.rsa\\.pub$`));
    expect(key.pem).toContain("-----BEGIN PUBLIC KEY-----");
    const signed = await index(repo, "v3.20/main/x86_64");
    expect(signed.keyName).toBe(key.name);
    expect(await verifyRsaSha1(key.pem, signed.index, signed.signature)).toBe(true);
    const other = await servedKey((await hosted()).name);
    expect(await verifyRsaSha1(other.pem, signed.index, signed.signature)).toBe(false);
    expect(signed.description).toContain("v3.20/main");

    const listed = stanzas(signed.apkindex);
    expect(listed.map((s) => [s.P, s.V, s.A])).toEqual([["docs", "2.1-r3", "noarch"], ["hello", "1.0-r0", "x86_64"]]);
    expect(listed[1]).toMatchObject({ C: await q1(hello.control), S: String(hello.bytes.length), I: "4096", D: "busybox", L: "MIT", o: "hello", t: "1700000000" });

    const download = await call(`/alpine/${repo}/v3.20/main/x86_64/hello-1.0-r0.apk`);
    expect(download.status).toBe(200);
    expect(await sha256(await download.arrayBuffer())).toBe(await sha256(hello.bytes));
    // noarch packages are served from every arch directory.
    expect((await call(`/alpine/${repo}/v3.20/main/x86_64/docs-2.1-r3.apk`)).status).toBe(200);
    const arm = stanzas((await index(repo, "v3.20/main/aarch64")).apkindex);
    expect(arm.map((s) => `${s.P}/${s.A}`)).toEqual(["docs/noarch", "hello/aarch64"]);
    // An arch with only noarch packages gets the noarch index.
    expect(stanzas((await index(repo, "v3.20/main/riscv64")).apkindex).map((s) => s.P)).toEqual(["docs"]);
    expect((await call(`/alpine/${repo}/v3.20/community/x86_64/APKINDEX.tar.gz`)).status).toBe(404);
    expect((await call(`/alpine/${repo}/v3.20/main/x86_64/hello-9.9-r0.apk`)).status).toBe(404);
    // Retired and current keys by name.
    expect(await (await call(`/alpine/${repo}/keys/${key.name}`)).text()).toBe(key.pem);
    expect((await call(`/alpine/${repo}/keys/nope.rsa.pub`)).status).toBe(404);
  });

  it("a file already in place is a 409; delete takes it out of the index and downloads", async () => {
    const { name: repo } = await hosted();
    const apk = buildApk({ name: "tool", version: "3.0-r0" });
    expect((await upload(repo, "edge/testing", apk.bytes)).status).toBe(201);
    const again = await upload(repo, "edge/testing", apk.bytes);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("edge/testing/x86_64/tool-3.0-r0.apk: file already exists");
    // The same version in another repository is another file.
    expect((await upload(repo, "edge/community", apk.bytes)).status).toBe(201);
    expect(await rebuild(repo)).toBe(true);
    const path = `/alpine/${repo}/edge/testing/x86_64/tool-3.0-r0.apk`;
    expect((await call(path, { method: "DELETE" })).status).toBe(204);
    expect((await call(path, { method: "DELETE" })).status).toBe(404);
    // Until the next build the stored index still lists it, so it stays downloadable (the same bytes).
    const listed = await call(path);
    expect(listed.status).toBe(200);
    expect(await sha256(await listed.arrayBuffer())).toBe(await sha256(apk.bytes));
    expect((await index(repo, "edge/testing/x86_64")).apkindex).toContain("P:tool");
    const before = await builds(repo);
    expect(await rebuild(repo)).toBe(true);
    expect(await builds(repo)).toBe(before + 1);
    expect((await call(path)).status).toBe(404);
    expect((await call(`/alpine/${repo}/edge/testing/x86_64/APKINDEX.tar.gz`)).status).toBe(404);
    expect(stanzas((await index(repo, "edge/community/x86_64")).apkindex).map((s) => s.P)).toEqual(["tool"]);
  });

  it("a file replaced since the build is served as the stored index describes it until the next build", async () => {
    const { name: repo } = await hosted();
    const first = buildApk({ name: "swap", version: "1.0-r0", depends: ["a"] });
    const second = buildApk({ name: "swap", version: "1.0-r0", depends: ["b"] });
    expect((await upload(repo, "v3.20/main", first.bytes)).status).toBe(201);
    expect(await rebuild(repo)).toBe(true);
    const path = `/alpine/${repo}/v3.20/main/x86_64/swap-1.0-r0.apk`;
    expect((await call(path, { method: "DELETE" })).status).toBe(204);
    expect((await upload(repo, "v3.20/main", second.bytes)).status).toBe(201);
    const served = async () => sha256(await (await call(path)).arrayBuffer());
    expect(await served()).toBe(await sha256(first.bytes));
    expect(stanzas((await index(repo, "v3.20/main/x86_64")).apkindex)[0]).toMatchObject({ C: await q1(first.control) });
    expect(await rebuild(repo)).toBe(true);
    expect(await served()).toBe(await sha256(second.bytes));
    expect(stanzas((await index(repo, "v3.20/main/x86_64")).apkindex)[0]).toMatchObject({ C: await q1(second.control) });
  });

  const good = buildApk({ name: "ok", version: "1.0-r0" });
  const cases: [string, Uint8Array | string, string, number][] = [
    ["not gzip", "definitely not an apk", "invalid apk: not a gzip stream or truncated", 400],
    ["truncated", good.bytes.slice(0, good.control.length - 5), "invalid apk", 400],
    ["no pkgname", buildApk({ name: "x", version: "1", pkginfo: "pkgver = 1.0-r0\narch = x86_64\n" }).bytes, "invalid apk: .PKGINFO has no pkgname", 400],
    ["a bad version", buildApk({ name: "x", version: "1", pkginfo: "pkgname = x\npkgver = one\narch = x86_64\n" }).bytes, 'package version "one" is not an apk version', 400],
    ["empty", "", "request body is empty", 400],
  ];
  for (const [what, body, message, status] of cases) {
    it(`refuses an invalid upload: ${what}`, async () => {
      const { name: repo } = await hosted();
      const res = await upload(repo, "v3.20/main", body);
      expect(res.status).toBe(status);
      expect(await res.text()).toContain(message);
      expect((await call(`/api/v1/repositories/${repo}/packages`)).status).toBe(200);
      const listing = (await (await call(`/api/v1/repositories/${repo}/packages`)).json()) as { items?: unknown[] } | unknown[];
      expect(Array.isArray(listing) ? listing : (listing.items ?? [])).toEqual([]);
    });
  }

  it("refuses bad branch names and uploads to a remote", async () => {
    const { name: repo } = await hosted();
    expect((await upload(repo, "..%2Fx/main", good.bytes)).status).toBe(400);
  });

  it("a burst of 50 uploads causes one debounced rebuild; a burst of deletes and uploads one more; the index lists exactly what is served", async () => {
    const { name: repo, id } = await hosted();
    const builder = env.INDEXES.get(env.INDEXES.idFromName(String(id)));
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => upload(repo, "v3.20/main", buildApk({ name: `burst${i}`, version: "1.0-r0" }).bytes)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    expect((await builder.status()).builds).toBe(0);
    expect(await runDurableObjectAlarm(builder)).toBe(true);
    expect((await builder.status()).builds).toBe(1);
    const listed = stanzas((await index(repo, "v3.20/main/x86_64")).apkindex);
    expect(listed).toHaveLength(50);
    expect((await builder.status()).builds).toBe(1);
    for (const s of listed.slice(0, 5)) expect((await call(`/alpine/${repo}/v3.20/main/x86_64/${s.P}-${s.V}.apk`)).status).toBe(200);

    // Concurrent deletes and uploads: one more build, and the index lists exactly what is downloadable.
    const changes = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => call(`/alpine/${repo}/v3.20/main/x86_64/burst${i}-1.0-r0.apk`, { method: "DELETE" })),
      ...Array.from({ length: 10 }, (_, i) => upload(repo, "v3.20/main", buildApk({ name: `later${i}`, version: "1.0-r0" }).bytes)),
    ]);
    expect(changes.map((r) => r.status).sort()).toEqual([...Array(10).fill(201), ...Array(10).fill(204)]);
    expect(await runDurableObjectAlarm(builder)).toBe(true);
    expect((await builder.status()).builds).toBe(2);
    const after = stanzas((await index(repo, "v3.20/main/x86_64")).apkindex);
    expect((await builder.status()).builds).toBe(2);
    expect(after).toHaveLength(50);
    expect(after.some((s) => /^burst[0-9]$/.test(s.P ?? ""))).toBe(false);
    const served = await Promise.all(after.map((s) => call(`/alpine/${repo}/v3.20/main/x86_64/${s.P}-${s.V}.apk`, { method: "HEAD" })));
    expect(served.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(served.map((r) => r.headers.get("Content-Length"))).toEqual(after.map((s) => s.S));
  }, 180_000);
});
