// Concurrent writes to one npm package: every read-modify-write of its metadata goes
// through the package's KeyedLock (retried with backoff while busy), so concurrent
// publishes of different versions, tag changes and deprecations all land.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createRepository } from "../helpers/client";
import { packument, publish, putJson, tarballBytes } from "./npm-helpers";

const R = "npm-conc";

beforeAll(async () => {
  await createRepository({ name: R, format: "npm", kind: "hosted", visibility: "public" });
});

describe("concurrent publishes", () => {
  it("10 different versions published at once are all present, with one latest", async () => {
    const versions = Array.from({ length: 10 }, (_, i) => `1.${i}.0`);
    const results = await Promise.all(versions.map((v, i) => publish(R, "@c/busy", v, tarballBytes(300 + i, i + 11))));
    const statuses = await Promise.all(results.map(async (r) => `${r.status} ${r.status === 201 ? "" : await r.text()}`));
    expect(statuses).toEqual(versions.map(() => "201 "));
    const doc = await packument(R, "@c/busy");
    expect(Object.keys(doc.versions)).toEqual(versions);
    expect(Object.keys(doc.time).length).toBe(12);
    expect(versions).toContain(doc["dist-tags"].latest);
    // Ten publishes, ten revisions.
    expect(doc._rev).toMatch(/^10-/);
    for (const [i, v] of versions.entries()) {
      const tgz = await call(`/npm/${R}/@c/busy/-/busy-${v}.tgz`, { token: null });
      expect(new Uint8Array(await tgz.arrayBuffer())).toEqual(tarballBytes(300 + i, i + 11));
    }
  });

  it("the same version published concurrently: one 201, the others npm's 403", async () => {
    const results = await Promise.all([1, 2, 3, 4].map((seed) => publish(R, "@c/race", "1.0.0", tarballBytes(100, seed))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 403, 403, 403]);
    expect(Object.keys((await packument(R, "@c/race")).versions)).toEqual(["1.0.0"]);
  });

  it("concurrent dist-tag changes and publishes lose nothing", async () => {
    const tagWrites = Array.from({ length: 8 }, (_, i) => putJson(`/npm/${R}/-/package/@c%2fbusy/dist-tags/t${i}`, `1.${i}.0`));
    const publishes = Array.from({ length: 4 }, (_, i) => publish(R, "@c/busy", `2.${i}.0`, tarballBytes(64, 100 + i), { tag: `p${i}` }));
    const results = await Promise.all([...tagWrites, ...publishes]);
    expect(results.map((r) => r.status)).toEqual([...tagWrites.map(() => 200), ...publishes.map(() => 201)]);
    const tags = (await packument(R, "@c/busy"))["dist-tags"];
    for (let i = 0; i < 8; i++) expect(tags[`t${i}`]).toBe(`1.${i}.0`);
    for (let i = 0; i < 4; i++) expect(tags[`p${i}`]).toBe(`2.${i}.0`);
  });
});
