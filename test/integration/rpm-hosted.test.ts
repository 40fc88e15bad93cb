// Hosted RPM repositories in workerd (real D1, R2, Durable Objects): upload into groups, the
// debounced repodata generation (primary, filelists, other, repomd.xml + .asc), signatures
// checked with the served key, downloads, .repo files, delete, bad input changing nothing,
// a burst of 50 uploads and deletes causing a handful of builds with everything consistent.
import { gunzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { api, call, createRepository, createToken } from "../helpers/client";
import { buildRpm, str } from "../helpers/rpm-packages";
import { builderOf, checkGroup, rebuild, text, uploadRpm } from "./rpm-helpers";

beforeAll(async () => {
  for (const name of ["rpm-main", "rpm-bad", "rpm-burst"]) await createRepository({ name, format: "rpm", kind: "hosted", visibility: "public" });
  await createRepository({ name: "rpm-private", format: "rpm", kind: "hosted", visibility: "private" });
});

async function primaryOf(repo: string, group: string): Promise<string> {
  const res = await call(`/rpm/${repo}/${group ? `${group}/` : ""}repodata/primary.xml.gz`);
  expect(res.status).toBe(200);
  return new TextDecoder().decode(gunzipSync(new Uint8Array(await res.arrayBuffer())));
}

describe("hosted RPM repository", () => {
  it("uploads into a group; the signed repodata follows the debounced build", async () => {
    const res = await uploadRpm("rpm-main", { name: "hello", version: "2.10", release: "3.el9", epoch: 1, files: ["/usr/bin/hello", "/usr/share/doc/hello/README"] }, "el9");
    expect(res.status).toBe(201);
    expect(await res.text()).toContain("uploaded hello-2.10-3.el9.x86_64.rpm (epoch 1) to group el9");
    // Nothing is built on the read path: until the builder runs there is no repodata.
    expect((await text("rpm-main", "el9/repodata/repomd.xml")).status).toBe(404);
    expect((await (await builderOf("rpm-main")).status()).alarm).not.toBeNull();
    await rebuild("rpm-main");

    expect(await checkGroup("rpm-main", "el9")).toEqual(["package/hello/hello-2.10-3.el9.x86_64.rpm"]);
    const primary = await primaryOf("rpm-main", "el9");
    expect(primary).toContain('<version epoch="1" ver="2.10" rel="3.el9"/>');
    expect(primary).toContain("<file>/usr/bin/hello</file>");
    const key = await text("rpm-main", "repository.key");
    expect(key.res.headers.get("Content-Type")).toBe("application/pgp-keys");
    expect(key.body).toContain("BEGIN PGP PUBLIC KEY BLOCK");
    const rpm = await call("/rpm/rpm-main/el9/package/hello/hello-2.10-3.el9.x86_64.rpm");
    expect(rpm.headers.get("Content-Type")).toBe("application/x-rpm");
    // The group is its own tree: the root and other groups have no repodata.
    expect((await text("rpm-main", "repodata/repomd.xml")).status).toBe(404);
    expect((await text("rpm-main", "el8/repodata/repomd.xml")).status).toBe(404);
    expect((await call("/rpm/rpm-main/package/hello/hello-2.10-3.el9.x86_64.rpm")).status).toBe(404);
  });

  it("serves .repo files for the root and for groups", async () => {
    const root = await call("/rpm/rpm-main.repo");
    expect(root.status).toBe(200);
    const body = await root.text();
    expect(body).toContain("[rpm-main]\n");
    expect(body).toMatch(/baseurl=https?:\/\/[^/]+\/rpm\/rpm-main\n/);
    expect(body).toContain("repo_gpgcheck=1\n");
    expect(body).toMatch(/gpgkey=https?:\/\/[^/]+\/rpm\/rpm-main\/repository\.key\n/);
    const group = await text("rpm-main", "el9/stable.repo");
    expect(group.body).toContain("[rpm-main-el9-stable]\n");
    expect(group.body).toMatch(/baseurl=https?:\/\/[^/]+\/rpm\/rpm-main\/el9\/stable\n/);
    expect((await call("/rpm/rpm-missing.repo")).status).toBe(404);
  });

  it("keeps groups apart, the root included, and several architectures", async () => {
    expect((await uploadRpm("rpm-main", { name: "hello", version: "2.10", release: "3.el9", arch: "aarch64" }, "el9")).status).toBe(201);
    expect((await uploadRpm("rpm-main", { name: "hello", version: "2.10", release: "3.fc40" }, "fedora/fc40")).status).toBe(201);
    expect((await uploadRpm("rpm-main", { name: "tool", version: "1", release: "1", arch: "noarch" })).status).toBe(201);
    await rebuild("rpm-main");
    expect(await checkGroup("rpm-main", "el9")).toEqual(["package/hello/hello-2.10-3.el9.aarch64.rpm", "package/hello/hello-2.10-3.el9.x86_64.rpm"]);
    expect(await checkGroup("rpm-main", "fedora/fc40")).toEqual(["package/hello/hello-2.10-3.fc40.x86_64.rpm"]);
    expect(await checkGroup("rpm-main", "")).toEqual(["package/tool/tool-1-1.noarch.rpm"]);
  });

  it("deletes; the current generation keeps serving the file until the next build", async () => {
    const oldRepomd = (await text("rpm-main", "el9/repodata/repomd.xml")).body;
    const oldPrimary = /<location href="([^"]+primary[^"]+)"/.exec(oldRepomd)?.[1] ?? "";
    expect((await call("/rpm/rpm-main/el9/package/hello/2.10-3.el9/aarch64", { method: "DELETE" })).status).toBe(204);
    expect((await call("/rpm/rpm-main/el9/package/hello/hello-2.10-3.el9.aarch64.rpm")).status).toBe(200);
    await rebuild("rpm-main");
    expect((await call("/rpm/rpm-main/el9/package/hello/hello-2.10-3.el9.aarch64.rpm")).status).toBe(404);
    expect(await checkGroup("rpm-main", "el9")).toEqual(["package/hello/hello-2.10-3.el9.x86_64.rpm"]);
    // A dnf that read the previous repomd.xml still finds its primary by its hashed name.
    expect((await call(`/rpm/rpm-main/el9/${oldPrimary}`)).status).toBe(200);
    const missing = await call("/rpm/rpm-main/el9/package/hello/2.10-3.el9/aarch64", { method: "DELETE" });
    expect(missing.status).toBe(404);
    // The same version in another group is untouched.
    expect((await call("/rpm/rpm-main/fedora/fc40/package/hello/hello-2.10-3.fc40.x86_64.rpm")).status).toBe(200);
  });

  it("refuses bad input with a clear error and stores nothing", async () => {
    const good = buildRpm({ name: "ok", version: "1.0", release: "1" });
    const cases: [string, BodyInit | null, number, RegExp][] = [
      ["upload", good.slice(0, 300), 400, /truncated/],
      ["upload", new TextEncoder().encode("not an rpm at all, but long enough to hold a lead of ninety-six bytes............................"), 400, /bad lead magic/],
      ["upload", buildRpm({ name: "x", version: "1", release: "1", override: { 1000: null } }), 400, /has no name/],
      ["upload", buildRpm({ name: "x", version: "1", release: "1", override: { 1002: null } }), 400, /has no release/],
      ["upload", buildRpm({ name: "x", version: "1", release: "1", override: { 1001: str("1-2") } }), 400, /invalid version/],
      ["el9/upload", buildRpm({ name: "x", version: "1", release: "1.fc40" }), 400, /built for fc40 .*not for group el9/],
      ["upload", null, 400, /body is empty/],
      ["bad%20group/upload", good, 404, /upload with PUT/],
    ];
    for (const [where, body, status, message] of cases) {
      const res = await call(`/rpm/rpm-bad/${where}`, { method: "PUT", body });
      expect(res.status, where).toBe(status);
      expect(res.headers.get("Content-Type")).toContain("text/plain");
      expect(await res.text()).toMatch(message);
    }
    const listing = (await (await api("/repositories/rpm-bad/packages")).json()) as { packages: unknown[] };
    expect(listing.packages).toEqual([]);
    expect((await (await builderOf("rpm-bad")).status()).alarm).toBeNull();

    expect((await call("/rpm/rpm-bad/upload", { method: "PUT", body: good })).status).toBe(201);
    const again = await call("/rpm/rpm-bad/upload", { method: "PUT", body: good });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("ok-1.0-1.x86_64.rpm already exists in the repository root");
  });

  it("a burst of 50 uploads and deletes makes a handful of builds, and everything served is consistent", async () => {
    const started = Date.now();
    const uploads = await Promise.all(Array.from({ length: 50 }, (_, i) => uploadRpm("rpm-burst", { name: `pkg${i % 10}`, version: `1.${Math.floor(i / 10)}`, release: "1", arch: i % 3 ? "x86_64" : "noarch" }, i % 2 ? "el9" : "")));
    expect(uploads.map((r) => r.status)).toEqual(Array(50).fill(201));
    const deletes = await Promise.all([0, 1, 2].map((i) => call(`/rpm/rpm-burst/${i % 2 ? "el9/" : ""}package/pkg${i}/1.0-1/${i % 3 ? "x86_64" : "noarch"}`, { method: "DELETE" })));
    expect(deletes.map((r) => r.status)).toEqual([204, 204, 204]);
    const builder = await builderOf("rpm-burst");
    await rebuild("rpm-burst");
    const { builds } = await builder.status();
    expect(builds).toBeGreaterThanOrEqual(1);
    expect(builds).toBeLessThanOrEqual(5);
    const root = await checkGroup("rpm-burst", "");
    const el9 = await checkGroup("rpm-burst", "el9");
    expect(root.length + el9.length).toBe(47);
    expect(root).not.toContain("package/pkg0/pkg0-1.0-1.noarch.rpm");
    console.error(`rpm burst: 50 uploads + 3 deletes → ${builds} build(s); repodata complete ${Date.now() - started} ms after the first upload (alarm run by the test)`);
  });

  it("hides private repositories from callers who cannot read them; writes need write access", async () => {
    expect((await uploadRpm("rpm-private", { name: "secret", version: "1", release: "1" })).status).toBe(201);
    await rebuild("rpm-private");
    expect((await text("rpm-private", "repodata/repomd.xml", null)).status).toBe(404);
    expect((await text("rpm-private", "repository.key", null)).status).toBe(404);
    expect((await call("/rpm/rpm-private.repo", { token: null })).status).toBe(404);
    expect((await text("rpm-private", "repodata/repomd.xml")).status).toBe(200);
    const reader = await createToken({ name: "rpm-reader", scopes: ["read"] });
    expect((await uploadRpm("rpm-main", { name: "nope", version: "1", release: "1" }, "", reader)).status).toBe(403);
    const anonymous = await uploadRpm("rpm-main", { name: "nope", version: "1", release: "1" }, "", null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toContain("Basic");
  });
});
