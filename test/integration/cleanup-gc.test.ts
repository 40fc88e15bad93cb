import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { runBlobGc } from "../../src/jobs/blob-gc";
import { api, bytes, call, createRepository, sha256 } from "../helpers/client";

const HOUR = 3600 * 1000;

async function versionsOf(repo: string, pkg: string): Promise<string[]> {
  const res = await api(`/repositories/${repo}/packages/${pkg}/versions`);
  if (res.status === 404) return [];
  return ((await res.json()) as { versions: { version: string }[] }).versions.map((v) => v.version).sort();
}

async function upload(repo: string, pkg: string, version: string, file = "f.bin", body: BodyInit = `${pkg}-${version}`): Promise<void> {
  const res = await call(`/generic/${repo}/${pkg}/${version}/${file}`, { method: "PUT", body });
  expect(res.status).toBe(201);
}

async function backdate(repo: string, pkg: string, version: string, ms: number): Promise<void> {
  await env.DB.prepare(
    `UPDATE package_version SET created_at = ? WHERE lower_version = ? AND package_id =
      (SELECT p.id FROM package p JOIN repository r ON r.id = p.repository_id WHERE r.name = ? AND p.lower_name = ?)`,
  ).bind(ms, version, repo, pkg).run();
}

const cleanup = async (repo: string) => (await api(`/repositories/${repo}/cleanup`, "POST")).json();

describe("cleanup policies", () => {
  it("keepCount keeps the N newest versions; removePattern limits what goes", async () => {
    await createRepository({ name: "c1", format: "generic", kind: "hosted", visibility: "public", settings: { cleanup: { keepCount: 2, removePattern: "1\\..*" } } });
    const now = Date.now();
    for (const [i, v] of ["1.0", "1.1", "2.0-rc", "1.2", "1.3"].entries()) {
      await upload("c1", "app", v);
      await backdate("c1", "app", v, now - (10 - i) * HOUR);
    }
    expect(await cleanup("c1")).toMatchObject({ versionsRemoved: 2 });
    // Newest two (1.3, 1.2) kept; 2.0-rc does not match the remove pattern.
    expect(await versionsOf("c1", "app")).toEqual(["1.2", "1.3", "2.0-rc"]);
  });

  it("keepPattern protects versions and removeDays spares young ones; matchFullName matches package/version", async () => {
    await createRepository({
      name: "c2", format: "generic", kind: "hosted", visibility: "public",
      settings: { cleanup: { removeDays: 7, keepPattern: "lib/.*-lts", matchFullName: true } },
    });
    const now = Date.now();
    for (const v of ["1.0-lts", "1.1", "1.2"]) await upload("c2", "lib", v);
    await backdate("c2", "lib", "1.0-lts", now - 30 * 24 * HOUR);
    await backdate("c2", "lib", "1.1", now - 30 * 24 * HOUR);
    await cleanup("c2");
    expect(await versionsOf("c2", "lib")).toEqual(["1.0-lts", "1.2"]);
  });

  it("a policy with no removal rule removes nothing", async () => {
    await createRepository({ name: "c3", format: "generic", kind: "hosted", visibility: "public", settings: { cleanup: { keepPattern: "x" } } });
    await upload("c3", "p", "1");
    expect(await cleanup("c3")).toMatchObject({ versionsRemoved: 0 });
    expect(await versionsOf("c3", "p")).toEqual(["1"]);
  });

  it("keepDuplicates keeps only the newest uploads of a file and audits the run", async () => {
    await createRepository({ name: "c4", format: "generic", kind: "hosted", visibility: "public", settings: { duplicates: "keep", cleanup: { keepDuplicates: 2 } } });
    for (const body of ["a", "b", "c", "d"]) await upload("c4", "p", "1.0", "same.bin", body);
    expect(await cleanup("c4")).toMatchObject({ filesRemoved: 2 });
    expect(await (await call("/generic/c4/p/1.0/same.bin")).text()).toBe("d");
    const audit = (await (await api("/audit?action=cleanup.run&repository=c4")).json()) as { events: { detail: unknown }[] };
    expect(audit.events[0]?.detail).toMatchObject({ filesRemoved: 2, versionsRemoved: 0 });
  });

  it("the cron handler runs enabled policies", async () => {
    await createRepository({ name: "c5", format: "generic", kind: "hosted", visibility: "public", settings: { cleanup: { keepCount: 1 } } });
    await upload("c5", "p", "1");
    await backdate("c5", "p", "1", Date.now() - HOUR);
    await upload("c5", "p", "2");
    const { runScheduledJobs } = await import("../../src/jobs/scheduled");
    await runScheduledJobs(env, Date.now());
    expect(await versionsOf("c5", "p")).toEqual(["2"]);
  });
});

describe("orphan blob GC", () => {
  it("deletes a blob 24 h after its last file went, from D1 and R2", async () => {
    await createRepository({ name: "g1", format: "generic", kind: "hosted", visibility: "public" });
    const content = bytes(2048, 42);
    await upload("g1", "p", "1", "x.bin", content);
    // By content: other blobs (derived documents built in the background) may be newer.
    const blob = await env.DB.prepare("SELECT id, r2_key FROM package_blob WHERE sha256 = ?").bind(await sha256(content)).first<{ id: number; r2_key: string }>();
    expect(blob).toBeTruthy();
    await call("/generic/g1/p/1/x.bin", { method: "DELETE" });
    const db = openDatabase(env.DB);
    const now = Date.now();
    expect((await runBlobGc(db, env.BLOBS, now)).marked).toBeGreaterThanOrEqual(1);
    expect((await runBlobGc(db, env.BLOBS, now + 23 * HOUR)).blobsDeleted).toBe(0);
    expect((await runBlobGc(db, env.BLOBS, now + 25 * HOUR)).blobsDeleted).toBeGreaterThanOrEqual(1);
    expect(await env.BLOBS.head(blob?.r2_key ?? "")).toBeNull();
    expect(await env.DB.prepare("SELECT id FROM package_blob WHERE id = ?").bind(blob?.id).first()).toBeNull();
  });

  it("a blob adopted again by a new upload is not collected", async () => {
    await createRepository({ name: "g2", format: "generic", kind: "hosted", visibility: "public" });
    const body = bytes(1024, 77);
    await upload("g2", "p", "1", "a.bin", body);
    await call("/generic/g2/p/1/a.bin", { method: "DELETE" });
    const db = openDatabase(env.DB);
    const now = Date.now();
    await runBlobGc(db, env.BLOBS, now);
    await upload("g2", "p", "2", "b.bin", body);
    await runBlobGc(db, env.BLOBS, now + 25 * HOUR);
    expect((await call("/generic/g2/p/2/b.bin")).status).toBe(200);
  });

  it("removes R2 objects that never got a row (upload cut off between R2 and D1)", async () => {
    await env.BLOBS.put("blobs/stray-object", "left behind");
    const db = openDatabase(env.DB);
    expect((await runBlobGc(db, env.BLOBS, Date.now())).strayObjectsDeleted).toBe(0);
    expect((await runBlobGc(db, env.BLOBS, Date.now() + 25 * HOUR)).strayObjectsDeleted).toBeGreaterThanOrEqual(1);
    expect(await env.BLOBS.head("blobs/stray-object")).toBeNull();
  });
});
