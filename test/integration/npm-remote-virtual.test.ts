import { describe, expect, it, vi } from "vitest";
import { BlobStore } from "../../src/storage/blob-store";
import { bytes, call, createRepository } from "../helpers/client";
import { fakeNpmPackage } from "../helpers/fake-npm";
import { UPSTREAM, useFakeUpstream } from "../helpers/upstream";
import { ABBREVIATED, integrityOf, publish } from "./npm-helpers";

const upstream = useFakeUpstream();

let n = 0;
const DAY = 86_400_000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
type Packument = { "dist-tags": Record<string, string>; versions: Record<string, { dist: { tarball: string; integrity: string }; deprecated?: string }>; time?: Record<string, string>; modified?: string };

async function remote(settings: Record<string, unknown> = {}): Promise<string> {
  const name = `npm-remote-${++n}`;
  await createRepository({ name, format: "npm", kind: "remote", visibility: "private", remote: { url: `${UPSTREAM}/${name}/` }, settings });
  return name;
}
async function hosted(): Promise<string> {
  const name = `npm-hosted-${++n}`;
  await createRepository({ name, format: "npm", kind: "hosted", visibility: "private" });
  return name;
}
async function virtual(members: Record<string, unknown>[], settings: Record<string, unknown> = {}): Promise<string> {
  const name = `npm-virtual-${++n}`;
  await createRepository({ name, format: "npm", kind: "virtual", visibility: "private", members, settings });
  return name;
}
const packument = async (repo: string, name: string, accept?: string) => {
  const res = await call(`/npm/${repo}/${name.replace("/", "%2f")}`, accept ? { headers: { Accept: accept } } : {});
  return { res, doc: res.status === 200 ? ((await res.json()) as Packument) : null };
};

describe("npm remote repository", () => {
  it("serves the upstream packument with tarballs re-pointed and integrity relayed, then from cache", async () => {
    const repo = await remote();
    const integrity = await fakeNpmPackage(upstream, repo, "left-pad", [{ version: "1.0.0", published: iso(30 * DAY), tarball: bytes(500, 1) }], { latest: "1.0.0" });
    const { res, doc } = await packument(repo, "left-pad");
    expect(res.headers.get("X-Cache")).toBe("MISS");
    expect(doc?.versions["1.0.0"]?.dist.tarball).toBe(`http://registry.test/npm/${repo}/left-pad/-/left-pad-1.0.0.tgz`);
    expect(doc?.versions["1.0.0"]?.dist.integrity).toBe(integrity["1.0.0"]);
    const again = await packument(repo, "left-pad", ABBREVIATED);
    expect(again.res.headers.get("Content-Type")).toContain("application/vnd.npm.install-v1+json");
    expect(Object.keys(again.doc ?? {}).sort()).toEqual(["dist-tags", "modified", "name", "versions"]);
    expect(upstream.count(`/${repo}/left-pad`)).toBe(1);

    const tarball = await call(`/npm/${repo}/left-pad/-/left-pad-1.0.0.tgz`);
    expect(tarball.status).toBe(200);
    expect(await integrityOf(new Uint8Array(await tarball.arrayBuffer()))).toBe(integrity["1.0.0"]);
    expect((await call(`/npm/${repo}/left-pad/-/left-pad-1.0.0.tgz`)).headers.get("X-Cache")).toBe("HIT");
  });

  it("handles scoped packages and answers 404 for unknown ones", async () => {
    const repo = await remote();
    await fakeNpmPackage(upstream, repo, "@types/thing", [{ version: "2.0.0", published: iso(DAY * 9), tarball: bytes(100, 2) }], { latest: "2.0.0" });
    const { doc } = await packument(repo, "@types/thing");
    expect(doc?.versions["2.0.0"]?.dist.tarball).toBe(`http://registry.test/npm/${repo}/@types/thing/-/thing-2.0.0.tgz`);
    expect((await call(`/npm/${repo}/@types/thing/-/thing-2.0.0.tgz`)).status).toBe(200);
    expect((await packument(repo, "nope")).res.status).toBe(404);
    const version = await call(`/npm/${repo}/@types%2fthing/latest`);
    expect(((await version.json()) as { version: string }).version).toBe("2.0.0");
  });

  it("hides versions younger than the minimum release age and moves dist-tags back", async () => {
    const repo = await remote({ minReleaseAgeHours: 48 });
    await fakeNpmPackage(upstream, repo, "fresh", [
      { version: "1.0.0", published: iso(10 * DAY), tarball: bytes(10, 3) },
      { version: "1.1.0", published: iso(1000), tarball: bytes(10, 4) },
    ], { latest: "1.1.0" });
    const { doc } = await packument(repo, "fresh");
    expect(Object.keys(doc?.versions ?? {})).toEqual(["1.0.0"]);
    expect(doc?.["dist-tags"].latest).toBe("1.0.0");
    expect((await call(`/npm/${repo}/fresh/-/fresh-1.1.0.tgz`)).status).toBe(404);
    expect((await call(`/npm/${repo}/fresh/-/fresh-1.0.0.tgz`)).status).toBe(200);
  });
});

describe("npm virtual repository", () => {
  it("merges hosted and remote: union, hosted wins conflicts and tags, tarballs from the winner", async () => {
    const local = await hosted();
    const outside = await remote();
    const mine = bytes(300, 9);
    expect((await publish(local, "shared", "1.0.0", mine)).status).toBe(201);
    await fakeNpmPackage(upstream, outside, "shared", [
      { version: "1.0.0", published: iso(50 * DAY), tarball: bytes(300, 10) },
      { version: "0.9.0", published: iso(60 * DAY), tarball: bytes(300, 11) },
    ], { latest: "1.0.0", legacy: "0.9.0" });
    const v = await virtual([{ repository: local, priority: 10 }, { repository: outside, priority: 1 }], { shielding: false });
    const { res, doc } = await packument(v, "shared");
    expect(res.headers.get("X-Registry-Member")).toBe(`${local}, ${outside}`);
    expect(Object.keys(doc?.versions ?? {}).sort()).toEqual(["0.9.0", "1.0.0"]);
    expect(doc?.versions["1.0.0"]?.dist.integrity).toBe(await integrityOf(mine));
    expect(doc?.["dist-tags"]).toEqual({ latest: "1.0.0", legacy: "0.9.0" });
    for (const version of ["0.9.0", "1.0.0"]) expect(doc?.versions[version]?.dist.tarball).toBe(`http://registry.test/npm/${v}/shared/-/shared-${version}.tgz`);

    const tags = await call(`/npm/${v}/-/package/shared/dist-tags`);
    expect(await tags.json()).toEqual({ latest: "1.0.0", legacy: "0.9.0" });

    const winner = await call(`/npm/${v}/shared/-/shared-1.0.0.tgz`);
    expect(winner.headers.get("X-Registry-Member")).toBe(local);
    expect(await integrityOf(new Uint8Array(await winner.arrayBuffer()))).toBe(await integrityOf(mine));
    const fromRemote = await call(`/npm/${v}/shared/-/shared-0.9.0.tgz`);
    expect(fromRemote.headers.get("X-Registry-Member")).toBe(outside);
  });

  it("searches a virtual's hosted members", async () => {
    const a = await hosted();
    const b = await hosted();
    expect((await publish(a, "findme-one", "1.0.0", bytes(10, 1))).status).toBe(201);
    expect((await publish(b, "findme-two", "1.0.0", bytes(10, 2))).status).toBe(201);
    const v = await virtual([{ repository: a }, { repository: b }, { repository: await remote() }]);
    const res = await call(`/npm/${v}/-/v1/search?text=findme`);
    const found = (await res.json()) as { objects: { package: { name: string } }[]; total: number };
    expect(found.objects.map((o) => o.package.name).sort()).toEqual(["findme-one", "findme-two"]);
  });

  it("shields names present in a hosted member and honours include/exclude", async () => {
    const local = await hosted();
    const outside = await remote();
    expect((await publish(local, "@acme/ui", "1.0.0", bytes(50, 1))).status).toBe(201);
    await fakeNpmPackage(upstream, outside, "@acme/ui", [{ version: "9.9.9", published: iso(90 * DAY), tarball: bytes(50, 2) }], { latest: "9.9.9" });
    await fakeNpmPackage(upstream, outside, "@acme/secret", [{ version: "1.0.0", published: iso(90 * DAY), tarball: bytes(50, 3) }], { latest: "1.0.0" });
    const v = await virtual([{ repository: local }, { repository: outside, exclude: ["@acme/*"] }]);
    const { doc } = await packument(v, "@acme/ui");
    expect(Object.keys(doc?.versions ?? {})).toEqual(["1.0.0"]);
    expect((await packument(v, "@acme/secret")).res.status).toBe(404);
    expect(upstream.requests.filter((r) => r.path.includes("acme"))).toHaveLength(0);
    const open = await virtual([{ repository: local }, { repository: outside }], { shielding: false });
    expect(Object.keys((await packument(open, "@acme/ui")).doc?.versions ?? {}).sort()).toEqual(["1.0.0", "9.9.9"]);
  });

  it("applies the virtual's release age to remote versions only; a tag left pointing nowhere goes", async () => {
    const local = await hosted();
    const outside = await remote();
    expect((await publish(local, "tagged", "3.0.0", bytes(20, 5), { tag: "next" })).status).toBe(201);
    await fakeNpmPackage(upstream, outside, "tagged", [{ version: "3.1.0", published: iso(1000), tarball: bytes(20, 6) }], { beta: "3.1.0" });
    const v = await virtual([{ repository: local }, { repository: outside }], { shielding: false, minReleaseAgeHours: 24 });
    const { doc } = await packument(v, "tagged");
    expect(Object.keys(doc?.versions ?? {})).toEqual(["3.0.0"]);
    expect(doc?.["dist-tags"].beta).toBeUndefined();
    expect((await call(`/npm/${v}/tagged/-/tagged-3.1.0.tgz`)).status).toBe(404);
  });

  it("never invents latest when no member has one", async () => {
    const a = await remote();
    const b = await remote();
    await fakeNpmPackage(upstream, a, "untagged", [{ version: "1.0.0", published: iso(9 * DAY), tarball: bytes(20, 7) }], { next: "1.0.0" });
    await fakeNpmPackage(upstream, b, "untagged", [{ version: "0.1.0", published: iso(19 * DAY), tarball: bytes(20, 8) }], { old: "0.1.0" });
    const v = await virtual([{ repository: a }, { repository: b }]);
    expect((await packument(v, "untagged")).doc?.["dist-tags"]).toEqual({ next: "1.0.0", old: "0.1.0" });
  });

  it("serves a 20 MB, 4,000-version packument merged in a virtual under 32 concurrent requests, built once", async () => {
    const outside = await remote();
    const dependencies = Object.fromEntries(Array.from({ length: 140 }, (_, i) => [`dependency-number-${i}`, `^${i}.0.0`]));
    const versions = Array.from({ length: 4000 }, (_, i) => ({
      version: `1.0.${i}`,
      published: iso(100 * DAY - i * 1000),
      tarball: bytes(8, i),
      extra: { description: "a package description that is long enough to look like a real one", dependencies },
    }));
    await fakeNpmPackage(upstream, outside, "huge", versions, { latest: "1.0.3999" });
    const local = await hosted();
    expect((await publish(local, "huge", "2.0.0", bytes(8, 1))).status).toBe(201);
    const v = await virtual([{ repository: outside }, { repository: local }], { shielding: false });
    // Every blob the 32 requests write goes through BlobStore.store (observed, not replaced):
    // the upstream packument once (one fill) and the merged document with its winners
    // companion once (one build). A build per request would write 32 merged documents.
    const stores = vi.spyOn(BlobStore.prototype, "store");
    let written: number;
    let requests: Response[];
    try {
      requests = await Promise.all(Array.from({ length: 32 }, () => call(`/npm/${v}/huge`)));
      written = stores.mock.calls.length;
    } finally {
      stores.mockRestore();
    }
    const sizes = await Promise.all(requests.map(async (r) => (await r.arrayBuffer()).byteLength));
    expect(requests.map((r) => r.status)).toEqual(Array(32).fill(200));
    expect(new Set(sizes).size).toBe(1);
    expect(sizes[0]).toBeGreaterThan(20_000_000);
    expect(written).toBe(3);
    expect(upstream.count(`/${outside}/huge`)).toBe(1);
    // A later read is served from the stored document: nothing built, nothing written.
    const again = vi.spyOn(BlobStore.prototype, "store");
    try {
      expect((await packument(v, "huge")).res.status).toBe(200);
      expect(again).not.toHaveBeenCalled();
    } finally {
      again.mockRestore();
    }
    expect(upstream.count(`/${outside}/huge`)).toBe(1);
    const doc = (await packument(v, "huge", ABBREVIATED)).doc;
    expect(Object.keys(doc?.versions ?? {})).toHaveLength(4001);
  }, 120_000);
});
