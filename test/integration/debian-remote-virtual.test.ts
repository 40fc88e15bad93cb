// Debian remote and virtual repositories in workerd. Remote: a mirror of an upstream tree
// (deb.debian.org layout, mocked at the network), InRelease/Release.gpg/Packages passed
// through byte for byte, pool and by-hash files cached as immutable. Virtual: its hosted
// members' packages merged into its own generation, signed with the virtual's key, rebuilt
// by its IndexBuilder after a member's build (never by a read), pool files served from the member the index chose.
import { describe, expect, it } from "vitest";
import { verifyClearSigned } from "../../src/signing/openpgp";
import { api, call, createRepository, createToken, sha256 } from "../helpers/client";
import { UPSTREAM, useFakeUpstream } from "../helpers/upstream";
import { builderOf, checkConsistency, rebuild, text, uploadDeb } from "./debian-helpers";

const upstream = useFakeUpstream();

describe("Debian remote (mirror)", () => {
  it("passes the upstream's signed indexes through unchanged and caches pool files", async () => {
    const base = "/debian-mirror";
    const deb = new Uint8Array([0x21, 0x3c, 0x61, 0x72, 0x63, 0x68, 0x3e, 0x0a, 1, 2, 3]);
    const packagesGz = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const files: Record<string, string | Uint8Array> = {
      "dists/bookworm/InRelease": "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\n-----BEGIN PGP SIGNATURE-----\nupstream\n-----END PGP SIGNATURE-----\n",
      "dists/bookworm/Release": "Origin: Debian\nSuite: stable\n",
      "dists/bookworm/Release.gpg": "-----BEGIN PGP SIGNATURE-----\nupstream detached\n-----END PGP SIGNATURE-----\n",
      "dists/bookworm/main/binary-amd64/Packages.gz": packagesGz,
      [`dists/bookworm/main/binary-amd64/by-hash/SHA256/${"a".repeat(64)}`]: packagesGz,
      "dists/bookworm/main/i18n/Translation-en.bz2": "BZh9",
      "pool/main/h/hello/hello_2.10-3_amd64.deb": deb,
    };
    for (const [path, body] of Object.entries(files)) upstream.files.set(`${base}/${path}`, { body });
    await createRepository({ name: "deb-mirror", format: "debian", kind: "remote", visibility: "public", remote: { url: `${UPSTREAM}${base}/` } });
    for (const [path, body] of Object.entries(files)) {
      const res = await call(`/debian/deb-mirror/${path}`, { token: null });
      expect(res.status, path).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer()), path).toEqual(typeof body === "string" ? new TextEncoder().encode(body) : body);
    }
    const again = await call("/debian/deb-mirror/pool/main/h/hello/hello_2.10-3_amd64.deb", { token: null });
    expect(again.status).toBe(200);
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect(upstream.count(`${base}/pool/main/h/hello/hello_2.10-3_amd64.deb`)).toBe(1);
    expect((await call("/debian/deb-mirror/dists/bookworm/main/binary-amd64/Packages.xz", { token: null })).status).toBe(404);
    expect((await call("/debian/deb-mirror/pool/stable/main/upload", { method: "PUT", body: "x" })).status).toBe(405);
    expect((await api("/repositories/deb-mirror/signing-key/rotate", "POST")).status).toBe(400);
    expect(((await (await api("/repositories/deb-mirror/signing-key")).json()) as { keys: unknown[] }).keys).toEqual([]);
  });
});

describe("Debian virtual", () => {
  it("merges hosted members into its own generation, signed with its own key", async () => {
    for (const name of ["deb-va", "deb-vb"]) await createRepository({ name, format: "debian", kind: "hosted", visibility: "public" });
    await createRepository({ name: "deb-virtual", format: "debian", kind: "virtual", visibility: "public", members: [{ repository: "deb-va", priority: 10 }, { repository: "deb-vb", priority: 1 }], settings: { deployMember: "deb-va" } });
    expect((await uploadDeb("deb-va", { name: "shared", version: "1.0", extra: "X-From: a" })).status).toBe(201);
    expect((await uploadDeb("deb-vb", { name: "shared", version: "1.0", extra: "X-From: b" })).status).toBe(201);
    expect((await uploadDeb("deb-vb", { name: "only-b", version: "2.0" }, "testing/main")).status).toBe(201);
    await rebuild("deb-va");
    await rebuild("deb-vb");
    // The members' builds scheduled the virtual's; its alarm builds it (reads never do).
    expect(await rebuild("deb-virtual")).toBe(true);

    const packages = (await text("deb-virtual", "dists/stable/main/binary-amd64/Packages")).body;
    expect(packages.match(/^Package: shared$/gm)).toHaveLength(1);
    expect(packages).toContain("X-From: a");
    const virtualKey = (await text("deb-virtual", "repository.key")).body;
    const memberKey = (await text("deb-va", "repository.key")).body;
    expect(virtualKey).not.toBe(memberKey);
    const inRelease = (await text("deb-virtual", "dists/stable/InRelease")).body;
    expect(await verifyClearSigned(virtualKey, inRelease)).not.toBeNull();
    expect(await verifyClearSigned(memberKey, inRelease)).toBeNull();
    // The virtual's own generation has Packages.xz too (checkConsistency fetches every listed file).
    expect(inRelease).toContain(" main/binary-amd64/Packages.xz");
    const listed = await checkConsistency("deb-virtual", ["stable", "testing"]);
    expect(listed.get("testing")).toEqual(["pool/testing/main/only-b_2.0_amd64.deb"]);
    // The pool file is the one the index chose (member a's), whatever b holds under that name.
    const fromA = await call("/debian/deb-va/pool/stable/main/shared_1.0_amd64.deb");
    const viaVirtual = await call("/debian/deb-virtual/pool/stable/main/shared_1.0_amd64.deb");
    expect(await sha256(await viaVirtual.arrayBuffer())).toBe(await sha256(await fromA.arrayBuffer()));

    // A member's change reaches the virtual through the member's build, never through a read:
    // until the virtual's own build, readers get the previous (consistent) generation.
    const builds = (await (await builderOf("deb-virtual")).status()).builds;
    expect((await uploadDeb("deb-vb", { name: "later", version: "3.0" })).status).toBe(201);
    expect((await text("deb-virtual", "dists/stable/main/binary-amd64/Packages")).body).not.toContain("Package: later\n");
    await checkConsistency("deb-virtual", ["stable"]);
    expect((await (await builderOf("deb-virtual")).status()).builds).toBe(builds);
    expect(await rebuild("deb-virtual")).toBe(false); // nothing scheduled before the member's build
    await rebuild("deb-vb");
    expect(await rebuild("deb-virtual")).toBe(true);
    expect((await text("deb-virtual", "dists/stable/main/binary-amd64/Packages")).body).toContain("Package: later\n");
    await checkConsistency("deb-virtual", ["stable"]);
    // Uploads to the virtual go to its deploy member.
    expect((await uploadDeb("deb-virtual", { name: "deployed", version: "1" })).status).toBe(201);
    await rebuild("deb-va");
    expect(await rebuild("deb-virtual")).toBe(true);
    expect((await text("deb-virtual", "dists/stable/main/binary-amd64/Packages")).body).toContain("Package: deployed\n");
    expect((await api("/repositories/deb-virtual/signing-key/rotate", "POST")).status).toBe(200);
    const rotatedKey = (await text("deb-virtual", "repository.key")).body;
    expect(rotatedKey).not.toBe(virtualKey);
    expect(await verifyClearSigned(rotatedKey, (await text("deb-virtual", "dists/stable/InRelease")).body)).not.toBeNull();
  });

  it("is built when created and when its members change, before the API answers", async () => {
    for (const name of ["deb-m1", "deb-m2"]) await createRepository({ name, format: "debian", kind: "hosted", visibility: "public" });
    expect((await uploadDeb("deb-m1", { name: "from-m1", version: "1" })).status).toBe(201);
    expect((await uploadDeb("deb-m2", { name: "from-m2", version: "1" })).status).toBe(201);
    await createRepository({ name: "deb-vmembers", format: "debian", kind: "virtual", visibility: "public", members: [{ repository: "deb-m1", priority: 1 }] });
    const before = (await text("deb-vmembers", "dists/stable/main/binary-amd64/Packages")).body;
    expect(before).toContain("Package: from-m1\n");
    expect(before).not.toContain("Package: from-m2\n");
    const patched = await api("/repositories/deb-vmembers", "PATCH", { members: [{ repository: "deb-m1", priority: 1 }, { repository: "deb-m2", priority: 2 }] });
    expect(patched.status).toBe(200);
    expect((await text("deb-vmembers", "dists/stable/main/binary-amd64/Packages")).body).toContain("Package: from-m2\n");
    await checkConsistency("deb-vmembers", ["stable"]);
    expect(await rebuild("deb-vmembers")).toBe(false); // built, nothing left scheduled
  });

  it("refuses the merged index to a caller who cannot read every hosted member", async () => {
    await createRepository({ name: "deb-vpriv", format: "debian", kind: "hosted", visibility: "private" });
    await createRepository({ name: "deb-vmixed", format: "debian", kind: "virtual", visibility: "public", members: [{ repository: "deb-vpriv", priority: 1 }] });
    expect((await uploadDeb("deb-vpriv", { name: "secret", version: "1" })).status).toBe(201);
    await rebuild("deb-vpriv");
    expect(await rebuild("deb-vmixed")).toBe(true);
    const outsider = await createToken({ name: "deb-outsider", scopes: ["read"], repositories: ["deb-vmixed"] });
    const res = await call("/debian/deb-vmixed/dists/stable/Release", { token: outsider });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("deb-vpriv");
    expect((await call("/debian/deb-vmixed/dists/stable/Release")).status).toBe(200);
  });
});
