// Write hooks and revisions: every change to hosted content — npm's own routes, the
// management API, cleanup — goes through the PackageWriter, which bumps the package and
// repository revisions and runs the format's hook. The npm bug this fixes: after an API
// delete of the `latest` version the packument still named it and its tarball was a 404.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, call, createRepository } from "../helpers/client";
import { packument, publish, putJson, tarballBytes, ABBREVIATED } from "./npm-helpers";

const R = "hooks-npm";
const V = "hooks-npm-virtual";

async function revisions(repo: string, pkg: string): Promise<{ repository: number; package: number | null }> {
  const row = await env.DB.prepare(
    `SELECT r.revision AS repository, p.revision AS package FROM repository r
      LEFT JOIN package p ON p.repository_id = r.id AND p.lower_name = ? WHERE r.name = ?`,
  ).bind(pkg, repo).first<{ repository: number; package: number | null }>();
  if (!row) throw new Error(`no repository ${repo}`);
  return row;
}

async function published(repo: string, name: string, versions: readonly string[]): Promise<void> {
  for (const [i, v] of versions.entries()) expect((await publish(repo, name, v, tarballBytes(200 + i, i + 3))).status).toBe(201);
}

beforeAll(async () => {
  await createRepository({ name: R, format: "npm", kind: "hosted", visibility: "public" });
  // Private: public remote/virtual metadata may be served from the edge cache for up to a minute.
  await createRepository({ name: V, format: "npm", kind: "virtual", visibility: "private", members: [{ repository: R }] });
});

describe("management API deletes go through the writer", () => {
  it("deleting the latest version moves latest to the highest remaining release and rebuilds the packument", async () => {
    await published(R, "api-del", ["1.0.0", "1.1.0", "2.0.0-beta.1"]);
    // Warm both stored packuments (full, abbreviated) and the virtual's merged one.
    const before = await packument(R, "api-del");
    expect(before["dist-tags"].latest).toBe("2.0.0-beta.1");
    await packument(R, "api-del", ABBREVIATED);
    expect(Object.keys((await packument(V, "api-del")).versions)).toContain("2.0.0-beta.1");
    const revBefore = await revisions(R, "api-del");

    // Publishing a prerelease with --tag latest is how npm 11 does it; make 1.1.0 latest first.
    expect((await putJson(`/npm/${R}/-/package/api-del/dist-tags/latest`, "1.1.0")).status).toBe(200);
    expect((await api(`/repositories/${R}/packages/api-del/versions/1.1.0`, "DELETE")).status).toBe(204);

    const after = await packument(R, "api-del");
    expect(Object.keys(after.versions)).toEqual(["1.0.0", "2.0.0-beta.1"]);
    // As npm unpublish: the highest remaining release, not the prerelease.
    expect(after["dist-tags"].latest).toBe("1.0.0");
    expect(after._rev).not.toBe(before._rev);
    const abbreviated = await packument(R, "api-del", ABBREVIATED);
    expect(Object.keys(abbreviated.versions)).toEqual(["1.0.0", "2.0.0-beta.1"]);
    expect(abbreviated["dist-tags"].latest).toBe("1.0.0");
    // The tarball latest points at is served.
    const tarball = after.versions["1.0.0"]?.dist as { tarball: string };
    expect((await call(new URL(tarball.tarball).pathname, { token: null })).status).toBe(200);
    expect((await call(`/npm/${R}/api-del/-/api-del-1.1.0.tgz`, { token: null })).status).toBe(404);
    // Through a virtual repository too.
    const merged = await packument(V, "api-del");
    expect(Object.keys(merged.versions)).toEqual(["1.0.0", "2.0.0-beta.1"]);
    expect(merged["dist-tags"].latest).toBe("1.0.0");

    const revAfter = await revisions(R, "api-del");
    expect(revAfter.repository).toBeGreaterThan(revBefore.repository);
    expect(revAfter.package).toBeGreaterThan(revBefore.package ?? 0);
  });

  it("deleting a non-latest version by file id keeps latest and drops it from the packument", async () => {
    await published(R, "api-file", ["1.0.0", "1.1.0"]);
    await packument(R, "api-file");
    const files = (await (await api(`/repositories/${R}/packages/api-file/versions/1.0.0/files`)).json()) as { files: { id: number }[] };
    const id = files.files[0]?.id;
    expect((await api(`/repositories/${R}/packages/api-file/versions/1.0.0/files/${id}`, "DELETE")).status).toBe(204);
    const after = await packument(R, "api-file");
    expect(Object.keys(after.versions)).toEqual(["1.1.0"]);
    expect(after["dist-tags"]).toEqual({ latest: "1.1.0" });
  });

  it("deleting the whole package makes the packument a 404 and the name publishable again", async () => {
    await published(R, "api-pkg", ["1.0.0"]);
    await packument(R, "api-pkg");
    expect((await api(`/repositories/${R}/packages/api-pkg`, "DELETE")).status).toBe(204);
    expect((await call(`/npm/${R}/api-pkg`, { token: null })).status).toBe(404);
    await published(R, "api-pkg", ["0.1.0"]);
    const doc = await packument(R, "api-pkg");
    expect(Object.keys(doc.versions)).toEqual(["0.1.0"]);
    expect(doc["dist-tags"]).toEqual({ latest: "0.1.0" });
  });
});

describe("cleanup deletes go through the writer", () => {
  it("a cleanup policy removing the latest version moves latest and rebuilds the packument", async () => {
    const C = "hooks-npm-cleanup";
    await createRepository({ name: C, format: "npm", kind: "hosted", visibility: "public", settings: { cleanup: { keepCount: 1 } } });
    await published(C, "cleaned", ["1.0.0", "2.0.0"]);
    // Pin latest to the older version, which keepCount: 1 then removes.
    expect((await putJson(`/npm/${C}/-/package/cleaned/dist-tags/latest`, "1.0.0")).status).toBe(200);
    expect((await packument(C, "cleaned"))["dist-tags"].latest).toBe("1.0.0");
    expect(await (await api(`/repositories/${C}/cleanup`, "POST")).json()).toMatchObject({ versionsRemoved: 1 });
    const after = await packument(C, "cleaned");
    expect(Object.keys(after.versions)).toEqual(["2.0.0"]);
    expect(after["dist-tags"]).toEqual({ latest: "2.0.0" });
  });
});

describe("revisions", () => {
  it("every write bumps the repository revision; package revisions are repository revisions, never reused", async () => {
    const G = "hooks-generic";
    await createRepository({ name: G, format: "generic", kind: "hosted", visibility: "public" });
    const start = await revisions(G, "a");
    expect((await call(`/generic/${G}/a/1/f.bin`, { method: "PUT", body: "one" })).status).toBe(201);
    const one = await revisions(G, "a");
    expect(one.repository).toBe(start.repository + 1);
    expect(one.package).toBe(one.repository);
    expect((await call(`/generic/${G}/b/1/f.bin`, { method: "PUT", body: "two" })).status).toBe(201);
    expect((await revisions(G, "a")).package).toBe(one.package);
    expect((await call(`/generic/${G}/a/1/f.bin`, { method: "DELETE" })).status).toBe(204);
    const gone = await revisions(G, "a");
    expect(gone.package).toBeNull();
    expect((await call(`/generic/${G}/a/1/f.bin`, { method: "PUT", body: "again" })).status).toBe(201);
    const again = await revisions(G, "a");
    // A re-created package starts above every revision the old one had.
    expect(again.package).toBeGreaterThan(one.package ?? 0);
    expect(again.repository).toBe(gone.repository + 1);
  });
});
