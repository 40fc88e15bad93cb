// The IndexBuilder Durable Object: whole-repository indexes rebuilt after writes settle
// (alarm debounce), builds serialised, a write during a build leading to one more, stored
// per repository revision — exercised with the generic format's `/-/index.json`.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { debounceMs, MAX_DELAY_MS } from "../../src/repositories/index-builder";
import { call, createRepository } from "../helpers/client";
import { publish, tarballBytes } from "./npm-helpers";

interface Listing {
  repository: string;
  revision: number;
  packages: { name: string; versions: { version: string; files: { name: string; size: number; sha256: string }[] }[] }[];
}

const builderOf = (repositoryId: number) => env.INDEXES.get(env.INDEXES.idFromName(String(repositoryId)));

async function upload(repo: string, path: string, body: string): Promise<void> {
  expect((await call(`/generic/${repo}/${path}`, { method: "PUT", body })).status).toBe(201);
}

async function repositoryRevision(name: string): Promise<number> {
  return (await env.DB.prepare("SELECT revision FROM repository WHERE name = ?").bind(name).first<number>("revision")) ?? -1;
}

let ids: Record<string, number> = {};

beforeAll(async () => {
  for (const name of ["ix-debounce", "ix-stale", "ix-serial", "ix-private"]) {
    const created = await createRepository({ name, format: "generic", kind: "hosted", visibility: name === "ix-private" ? "private" : "public" });
    ids = { ...ids, [name]: created.id as number };
  }
  ids["ix-npm"] = (await createRepository({ name: "ix-npm", format: "npm", kind: "hosted", visibility: "public" })).id as number;
});

describe("IndexBuilder", () => {
  it("N writes within the debounce window cause one build, stored for the repository revision", async () => {
    const builder = builderOf(ids["ix-debounce"] ?? 0);
    await upload("ix-debounce", "app/1.0/app.tgz", "one");
    const first = await builder.status();
    expect(first.builds).toBe(0);
    expect(first.alarm).not.toBeNull();
    await upload("ix-debounce", "app/1.1/app.tgz", "two");
    await upload("ix-debounce", "lib/2.0/lib.zip", "three");
    const later = await builder.status();
    expect(later.builds).toBe(0);
    // Each write pushes the alarm out again (trailing debounce).
    expect(later.alarm ?? 0).toBeGreaterThanOrEqual(first.alarm ?? 0);

    expect(await runDurableObjectAlarm(builder)).toBe(true);
    const built = await builder.status();
    expect(built.builds).toBe(1);
    expect(built.lastBuiltRevision).toBe(await repositoryRevision("ix-debounce"));
    expect(built.alarm).toBeNull();
    expect(await runDurableObjectAlarm(builder)).toBe(false);

    // The read serves the stored build: no further build.
    const res = await call("/generic/ix-debounce/-/index.json", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("application/json");
    const listing = (await res.json()) as Listing;
    expect(res.headers.get("X-Index-Revision")).toBe(String(listing.revision));
    expect(listing.repository).toBe("ix-debounce");
    expect(listing.packages.map((p) => [p.name, p.versions.map((v) => v.version)])).toEqual([["app", ["1.1", "1.0"]], ["lib", ["2.0"]]]);
    expect(listing.packages[0]?.versions[0]?.files[0]).toMatchObject({ name: "app.tgz", size: 3 });
    expect((await builder.status()).builds).toBe(1);
  });

  it("the alarm is never pushed later than MAX_DELAY after the first unbuilt write", async () => {
    const builder = builderOf(9_999_001);
    const t0 = Date.now() + 1_000_000;
    await builder.schedule(9_999_001, t0);
    expect((await builder.status()).alarm).toBe(t0 + debounceMs(env, "write"));
    await builder.schedule(9_999_001, t0 + MAX_DELAY_MS - 1_000);
    expect((await builder.status()).alarm).toBe(t0 + MAX_DELAY_MS);
  });

  it("a read that finds the index older than the repository gets a rebuilt one", async () => {
    await upload("ix-stale", "a/1/a.bin", "a");
    await runDurableObjectAlarm(builderOf(ids["ix-stale"] ?? 0));
    await upload("ix-stale", "b/1/b.bin", "b");
    // The debounced build has not run yet; the read does not serve the older listing.
    const listing = (await (await call("/generic/ix-stale/-/index.json", { token: null })).json()) as Listing;
    expect(listing.packages.map((p) => p.name)).toEqual(["a", "b"]);
    expect(listing.revision).toBe(await repositoryRevision("ix-stale"));
    // Deletes are writes too.
    expect((await call("/generic/ix-stale/a/1/a.bin", { method: "DELETE" })).status).toBe(204);
    const after = (await (await call("/generic/ix-stale/-/index.json", { token: null })).json()) as Listing;
    expect(after.packages.map((p) => p.name)).toEqual(["b"]);
  });

  it("builds are serialised, and a write during a build schedules exactly one more", async () => {
    const id = ids["ix-serial"] ?? 0;
    await upload("ix-serial", "s/1/s.bin", "s");
    const builder = builderOf(id);
    const before = (await builder.status()).builds;
    // Three builds asked for at once run one after another (an overlap would throw).
    const revisions = await Promise.all([builder.buildNow(id), builder.buildNow(id), builder.buildNow(id)]);
    expect(revisions).toEqual([1, 1, 1].map(() => revisions[0]));
    expect((await builder.status()).builds).toBe(before + 3);

    await runDurableObjectAlarm(builder); // clear the alarm left by the upload
    await runInDurableObject(builder, async (instance) => {
      const build = instance.buildNow(id);
      await instance.schedule(id);
      await build;
    });
    const status = await builder.status();
    expect(status.alarm).not.toBeNull();
    expect(await runDurableObjectAlarm(builder)).toBe(true);
    expect((await builder.status()).builds).toBe(status.builds + 1);
    expect(await runDurableObjectAlarm(builder)).toBe(false);
  });

  it("formats without indexes schedule nothing; the listing follows the repository's read rules", async () => {
    expect((await publish("ix-npm", "plain", "1.0.0", tarballBytes(50))).status).toBe(201);
    expect(await builderOf(ids["ix-npm"] ?? 0).status()).toMatchObject({ builds: 0, alarm: null });
    await upload("ix-private", "p/1/p.bin", "p");
    // Anonymous callers cannot tell a private repository from a missing one.
    expect((await call("/generic/ix-private/-/index.json", { token: null })).status).toBe(404);
    expect((await call("/generic/ix-private/-/index.json")).status).toBe(200);
    expect((await call("/generic/no-such-repo/-/index.json")).status).toBe(404);
  });
});
