// Hosted Debian repositories in workerd (real D1, R2, Durable Objects): upload, the debounced
// index generation (Packages, Packages.gz, Packages.xz — decoded back to the served Packages —,
// Release, InRelease, Release.gpg, by-hash), signatures checked with the served key, pool downloads, delete, bad input changing nothing, a burst of 50
// uploads and deletes causing a handful of builds with every served file consistent, and
// key rotation re-signing the indexes.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { decompressXz } from "../../src/archive/xz";
import { verifyClearSigned } from "../../src/signing/openpgp";
import { api, call, createRepository, createToken, sha256 } from "../helpers/client";
import { debPackage } from "../helpers/debian-packages";
import { builderOf, checkConsistency, rebuild, releaseSha256, text, uploadDeb } from "./debian-helpers";

beforeAll(async () => {
  for (const name of ["deb-main", "deb-bad", "deb-burst", "deb-rotate", "deb-gens"]) await createRepository({ name, format: "debian", kind: "hosted", visibility: "public" });
  await createRepository({ name: "deb-private", format: "debian", kind: "hosted", visibility: "private" });
});

describe("hosted Debian repository", () => {
  it("uploads a .deb; the signed index follows the debounced build", async () => {
    const res = await uploadDeb("deb-main", { name: "hello", version: "1:2.10-3", extra: "Depends: libc6" });
    expect(res.status).toBe(201);
    expect(await res.text()).toContain("uploaded hello 1:2.10-3 (amd64) to stable/main");
    // Nothing is built on the read path: until the builder runs there is no index.
    expect((await text("deb-main", "dists/stable/Release")).status).toBe(404);
    expect((await (await builderOf("deb-main")).status()).alarm).not.toBeNull();
    await rebuild("deb-main");

    const release = (await text("deb-main", "dists/stable/Release")).body;
    expect(release).toMatch(/^Origin: Edge Registry\nLabel: Edge Registry\nSuite: stable\nCodename: stable\nDate: .* UTC\nArchitectures: amd64\nComponents: main\n/);
    expect(release).toContain("main/binary-amd64/Packages.gz");
    const packages = await text("deb-main", "dists/stable/main/binary-amd64/Packages");
    expect(packages.res.headers.get("Content-Type")).toContain("text/plain");
    expect(packages.body).toContain("Package: hello\nVersion: 1:2.10-3\nArchitecture: amd64\n");
    expect(packages.body).toContain("Depends: libc6\n");
    expect(packages.body).toContain("Filename: pool/stable/main/hello_1:2.10-3_amd64.deb\n");
    expect(packages.body).toMatch(/\nSize: \d+\nMD5sum: [0-9a-f]{32}\nSHA1: [0-9a-f]{40}\nSHA256: [0-9a-f]{64}\nSHA512: [0-9a-f]{128}\n$/);
    const key = await text("deb-main", "repository.key");
    expect(key.res.headers.get("Content-Type")).toBe("application/pgp-keys");
    expect(key.body).toContain("BEGIN PGP PUBLIC KEY BLOCK");
    expect(await checkConsistency("deb-main", ["stable"])).toEqual(new Map([["stable", ["pool/stable/main/hello_1:2.10-3_amd64.deb"]]]));
    const deb = await call("/debian/deb-main/pool/stable/main/hello_1%3A2.10-3_amd64.deb");
    expect(deb.status).toBe(200);
    expect(deb.headers.get("Content-Type")).toBe("application/vnd.debian.binary-package");
    // Packages.xz (our encoder): listed in Release, decompresses to exactly the served Packages.
    const listedXz = releaseSha256(release).get("main/binary-amd64/Packages.xz");
    const xzRes = await call("/debian/deb-main/dists/stable/main/binary-amd64/Packages.xz");
    expect(xzRes.status).toBe(200);
    expect(xzRes.headers.get("Content-Type")).toBe("application/x-xz");
    const xz = new Uint8Array(await xzRes.arrayBuffer());
    expect({ sha256: await sha256(xz), size: xz.length }).toEqual(listedXz);
    expect(new TextDecoder().decode(decompressXz(xz, 1 << 20))).toBe(packages.body);
    for (const section of ["MD5Sum:", "SHA1:", "SHA256:", "SHA512:"]) expect(release.split(section)[1]?.split(/\n(?! )/)[0]).toContain(" main/binary-amd64/Packages.xz");
  });

  it("lists arch-all packages in every architecture and in binary-all; several distributions and components", async () => {
    expect((await uploadDeb("deb-main", { name: "docs", version: "1.0", architecture: "all" })).status).toBe(201);
    expect((await uploadDeb("deb-main", { name: "hello", version: "1:2.10-3", architecture: "arm64" })).status).toBe(201);
    expect((await uploadDeb("deb-main", { name: "hello", version: "1:2.10-3" }, "testing/contrib")).status).toBe(201);
    await rebuild("deb-main");
    const release = (await text("deb-main", "dists/stable/Release")).body;
    expect(release).toContain("Architectures: all amd64 arm64\n");
    for (const arch of ["amd64", "arm64", "all"]) expect((await text("deb-main", `dists/stable/main/binary-${arch}/Packages`)).body).toContain("Package: docs\n");
    expect((await text("deb-main", "dists/stable/main/binary-all/Packages")).body).not.toContain("Package: hello\n");
    expect((await text("deb-main", "dists/testing/Release")).body).toContain("Components: contrib\n");
    const listed = await checkConsistency("deb-main", ["stable", "testing"]);
    expect(listed.get("testing")).toEqual(["pool/testing/contrib/hello_1:2.10-3_amd64.deb"]);
    expect(listed.get("stable")).toHaveLength(3);
    const versions = await (await api("/repositories/deb-main/packages/hello/versions")).json();
    expect(JSON.stringify(versions)).toContain("1:2.10-3");
  });

  it("deletes; the listing generation keeps serving the file until the next build", async () => {
    expect((await call("/debian/deb-main/pool/testing/contrib/hello/1:2.10-3/amd64", { method: "DELETE" })).status).toBe(204);
    // Still listed by the current generation, so still downloadable.
    expect((await call("/debian/deb-main/pool/testing/contrib/hello_1:2.10-3_amd64.deb")).status).toBe(200);
    await rebuild("deb-main");
    expect((await text("deb-main", "dists/testing/Release")).status).toBe(404);
    expect((await call("/debian/deb-main/pool/testing/contrib/hello_1:2.10-3_amd64.deb")).status).toBe(404);
    expect((await call("/debian/deb-main/pool/testing/contrib/hello/1:2.10-3/amd64", { method: "DELETE" })).status).toBe(404);
    // The same version in another distribution is untouched.
    expect((await call("/debian/deb-main/pool/stable/main/hello_1:2.10-3_amd64.deb")).status).toBe(200);
  });

  it("refuses bad input with a clear error and stores nothing", async () => {
    const good = debPackage({ name: "ok", version: "1.0" });
    const cases: [string, BodyInit | null, number, RegExp][] = [
      ["stable/main", good.slice(0, 200), 400, /truncated/],
      ["stable/main", new TextEncoder().encode("not a deb"), 400, /not an ar archive/],
      ["stable/main", debPackage({ name: "x", version: "1", control: "Package: xx\nArchitecture: amd64\n" }), 400, /Version field is missing/],
      ["stable/main", debPackage({ name: "x", version: "1", control: "Package: BadName\nVersion: 1\nArchitecture: amd64\n" }), 400, /not a valid package name/],
      ["stable/main", debPackage({ name: "x", version: "1", control: "Package: xx\nVersion: 1\n" }), 400, /Architecture field is missing/],
      ["stable/main", null, 400, /body is empty/],
      ["sta..ble/main", good, 400, /invalid distribution/],
      ["stable/ma%20in", good, 400, /invalid component/],
    ];
    for (const [where, body, status, message] of cases) {
      const res = await call(`/debian/deb-bad/pool/${where}/upload`, { method: "PUT", body });
      expect(res.status, where).toBe(status);
      expect(res.headers.get("Content-Type")).toContain("text/plain");
      expect(await res.text()).toMatch(message);
    }
    const listing = (await (await api("/repositories/deb-bad/packages")).json()) as { packages: unknown[] };
    expect(listing.packages).toEqual([]);
    expect((await (await builderOf("deb-bad")).status()).alarm).toBeNull();

    expect((await call("/debian/deb-bad/pool/stable/main/upload", { method: "PUT", body: good })).status).toBe(201);
    const again = await call("/debian/deb-bad/pool/stable/main/upload", { method: "PUT", body: good });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("ok_1.0_amd64.deb already exists in stable/main");
  });

  it("a burst of 50 uploads and deletes makes a handful of builds, and everything served is consistent", async () => {
    const started = Date.now();
    const uploads = await Promise.all(Array.from({ length: 50 }, (_, i) => uploadDeb("deb-burst", { name: `pkg${i % 10}`, version: `1.${Math.floor(i / 10)}`, architecture: i % 3 ? "amd64" : "arm64" })));
    expect(uploads.map((r) => r.status)).toEqual(Array(50).fill(201));
    const deletes = await Promise.all([0, 1, 2].map((i) => call(`/debian/deb-burst/pool/stable/main/pkg${i}/1.0/${i % 3 ? "amd64" : "arm64"}`, { method: "DELETE" })));
    expect(deletes.map((r) => r.status)).toEqual([204, 204, 204]);
    const builder = await builderOf("deb-burst");
    await rebuild("deb-burst");
    const { builds } = await builder.status();
    // Alarms that came due during the burst (2 s debounce on a loaded machine) may add a few.
    expect(builds).toBeGreaterThanOrEqual(1);
    expect(builds).toBeLessThanOrEqual(5);
    const listed = await checkConsistency("deb-burst", ["stable"]);
    expect(listed.get("stable")).toHaveLength(47);
    expect(listed.get("stable")).not.toContain("pool/stable/main/pkg0_1.0_arm64.deb");
    console.error(`debian burst: 50 uploads + 3 deletes → ${builds} build(s); index complete ${Date.now() - started} ms after the first upload (alarm run by the test)`);
  });

  it("keeps the previous generation's Packages reachable by hash for one more build, then prunes its assets", async () => {
    const byHash = async () => {
      const release = releaseSha256((await text("deb-gens", "dists/stable/Release")).body);
      return `dists/stable/main/binary-amd64/by-hash/SHA256/${release.get("main/binary-amd64/Packages")?.sha256}`;
    };
    const assets = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM derived_document d JOIN repository r ON r.id = d.repository_id WHERE r.name = ? AND d.key LIKE 'asset:debian:%'").bind("deb-gens").first<number>("n")) ?? 0;
    const generations: string[] = [];
    for (let i = 1; i <= 4; i++) {
      expect((await uploadDeb("deb-gens", { name: `gen${i}`, version: "1" })).status).toBe(201);
      await rebuild("deb-gens");
      generations.push(await byHash());
    }
    const [, second, third, fourth] = generations;
    expect((await call(`/debian/deb-gens/${fourth}`)).status).toBe(200);
    expect((await call(`/debian/deb-gens/${third}`)).status).toBe(200);
    expect((await call(`/debian/deb-gens/${second}`)).status).toBe(404);
    // Two generations of one distribution: 2 × (Packages, Packages.gz, Packages.xz, Release, InRelease, Release.gpg).
    expect(await assets()).toBeLessThanOrEqual(12);
  });

  it("rotation re-signs the indexes with the new key", async () => {
    expect((await uploadDeb("deb-rotate", { name: "rot", version: "1" })).status).toBe(201);
    await rebuild("deb-rotate");
    const oldKey = (await text("deb-rotate", "repository.key")).body;
    const listedKeys = (await (await api("/repositories/deb-rotate/signing-key")).json()) as { keys: { kind: string; publicKey: string }[] };
    expect(listedKeys.keys).toEqual([expect.objectContaining({ kind: "openpgp", publicKey: oldKey })]);
    const rotated = await api("/repositories/deb-rotate/signing-key/rotate", "POST");
    expect(rotated.status).toBe(200);
    const newKey = (await text("deb-rotate", "repository.key")).body;
    expect(newKey).not.toBe(oldKey);
    const inRelease = (await text("deb-rotate", "dists/stable/InRelease")).body;
    expect(await verifyClearSigned(newKey, inRelease)).not.toBeNull();
    expect(await verifyClearSigned(oldKey, inRelease)).toBeNull();
    const history = (await (await api("/repositories/deb-rotate/signing-key")).json()) as { keys: { retiredAt?: number }[] };
    expect(history.keys).toHaveLength(2);
    expect(history.keys[1]?.retiredAt).toBeGreaterThan(0);
    expect((await api("/repositories/deb-rotate/signing-key/rotate?kind=rsa", "POST")).status).toBe(400);
  });

  it("hides private repositories from callers who cannot read them; writes need write access", async () => {
    expect((await uploadDeb("deb-private", { name: "secret", version: "1" })).status).toBe(201);
    await rebuild("deb-private");
    expect((await text("deb-private", "dists/stable/Release", null)).status).toBe(404);
    expect((await text("deb-private", "repository.key", null)).status).toBe(404);
    expect((await text("deb-private", "dists/stable/Release")).status).toBe(200);
    const reader = await createToken({ name: "deb-reader", scopes: ["read"] });
    const denied = await uploadDeb("deb-main", { name: "nope", version: "1" }, "stable/main", reader);
    expect(denied.status).toBe(403);
    const anonymous = await uploadDeb("deb-main", { name: "nope", version: "1" }, "stable/main", null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toContain("Basic");
  });
});
