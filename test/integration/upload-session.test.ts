// Upload sessions (PackageWriter.uploads): chunked uploads as R2 multipart uploads, for
// OCI blob uploads and Helm pushes. Exercised through the real HostedSource and bindings.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { findRepository } from "../../src/db/repositories";
import { RegistryError } from "../../src/errors";
import { backgroundSource } from "../../src/repositories/background";
import type { HostedSource } from "../../src/repositories/hosted-source";
import { SESSION_TTL_MS, abortExpiredUploads } from "../../src/repositories/upload-sessions";
import { bytes, createRepository, sha256 } from "../helpers/client";

const MiB = 1024 * 1024;

async function source(name: string): Promise<HostedSource> {
  const repository = await findRepository(openDatabase(env.DB), name);
  if (!repository) throw new Error(`no repository ${name}`);
  return backgroundSource(env, repository, "test", "format");
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RegistryError) return error.code;
    throw error;
  }
  throw new Error("expected a RegistryError");
}

const sessionCount = async (): Promise<number> => (await env.DB.prepare("SELECT count(*) AS n FROM upload_session").first<number>("n")) ?? -1;

beforeAll(async () => {
  await createRepository({ name: "us-a", format: "generic", kind: "hosted", visibility: "private" });
  await createRepository({ name: "us-b", format: "generic", kind: "hosted", visibility: "private" });
  await createRepository({ name: "us-small", format: "generic", kind: "hosted", visibility: "private", settings: { maxFileSize: 1000 } });
});

describe("upload sessions", () => {
  it("appends chunks as multipart parts and completes into a verified blob", async () => {
    const a = await source("us-a");
    const first = bytes(5 * MiB, 3);
    const second = bytes(1234, 4);
    const whole = new Uint8Array(first.length + second.length);
    whole.set(first);
    whole.set(second, first.length);
    const session = await a.uploads.create();
    expect(session).toMatchObject({ size: 0, parts: 0 });
    // Parts are whole 8 MiB pieces; smaller chunks wait in the session's tail.
    expect(await a.uploads.append(session.id, first)).toMatchObject({ size: first.length, parts: 0 });
    // A streamed chunk of declared length.
    const appended = await a.uploads.append(session.id, new Blob([second]).stream(), second.length);
    expect(appended).toMatchObject({ size: whole.length, parts: 0 });
    expect(await a.uploads.get(session.id)).toMatchObject({ size: whole.length, parts: 0 });

    const blob = await a.uploads.complete(session.id, { expectedSha256: await sha256(whole) });
    expect(blob).toMatchObject({ size: whole.length, sha256: await sha256(whole) });
    const stored = await env.BLOBS.get(blob.r2Key);
    expect(await sha256(await (stored as R2ObjectBody).arrayBuffer())).toBe(await sha256(whole));
    // The session is gone.
    expect(await failure(a.uploads.get(session.id))).toBe("not_found");

    // The same bytes again: the existing blob is reused and the new object dropped.
    const again = await a.uploads.create();
    await a.uploads.append(again.id, whole);
    expect((await a.uploads.complete(again.id)).id).toBe(blob.id);
    // Megabytes through local R2 on a shared machine: a generous limit, not a timing claim.
  }, 60_000);

  it("a digest mismatch stores nothing; abort and other repositories' ids are not found", async () => {
    const a = await source("us-a");
    const b = await source("us-b");
    const blobsBefore = await env.DB.prepare("SELECT count(*) AS n FROM package_blob").first<number>("n");
    const session = await a.uploads.create();
    await a.uploads.append(session.id, bytes(100, 9));
    expect(await failure(a.uploads.complete(session.id, { expectedSha256: "0".repeat(64) }))).toBe("digest_mismatch");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM package_blob").first<number>("n")).toBe(blobsBefore);
    expect(await failure(a.uploads.get(session.id))).toBe("not_found");

    const other = await a.uploads.create();
    expect(await failure(b.uploads.get(other.id))).toBe("not_found");
    expect(await failure(b.uploads.append(other.id, bytes(10)))).toBe("not_found");
    await a.uploads.abort(other.id);
    expect(await failure(a.uploads.append(other.id, bytes(10)))).toBe("not_found");
  });

  it("cuts chunks of uneven sizes into equal parts, so any chunking joins", async () => {
    const a = await source("us-a");
    const whole = bytes(17 * MiB + 3, 11);
    const session = await a.uploads.create();
    const cuts = [0, 10, 6 * MiB, 6 * MiB + 1, 16 * MiB + 7, whole.length];
    let last;
    for (let i = 0; i + 1 < cuts.length; i++) last = await a.uploads.append(session.id, whole.slice(cuts[i], cuts[i + 1]));
    expect(last).toMatchObject({ size: whole.length, parts: 2 });
    const blob = await a.uploads.complete(session.id, { expectedSha256: await sha256(whole) });
    expect(blob.size).toBe(whole.length);
    // No tail object is left behind.
    const leftovers = await env.BLOBS.list({ prefix: "blobs/" });
    expect(leftovers.objects.filter((o) => o.key.includes(".tail-"))).toEqual([]);
  }, 60_000);

  it("refuses empty chunks, empty uploads and uploads over the repository's size limit", async () => {
    const a = await source("us-a");
    const session = await a.uploads.create();
    expect(await failure(a.uploads.append(session.id, new Uint8Array()))).toBe("body_empty");
    expect(await failure(a.uploads.complete(session.id))).toBe("body_empty");
    const small = await source("us-small");
    const limited = await small.uploads.create();
    await small.uploads.append(limited.id, bytes(600));
    expect(await failure(small.uploads.append(limited.id, bytes(600)))).toBe("too_large");
    expect(await small.uploads.get(limited.id)).toMatchObject({ size: 600, parts: 0 });
  });

  it("sessions expire: an expired id is not found, and the cron aborts idle sessions", async () => {
    const a = await source("us-a");
    const now = Date.now();
    const idle = await a.uploads.create(now);
    const live = await a.uploads.create(now);
    await a.uploads.append(live.id, bytes(10), undefined, now + SESSION_TTL_MS - 1000);
    expect(await failure(a.uploads.get(idle.id, now + SESSION_TTL_MS + 1))).toBe("not_found");
    const before = await sessionCount();
    const other = await a.uploads.create(now);
    expect(await abortExpiredUploads(openDatabase(env.DB), env.BLOBS, now + SESSION_TTL_MS + 1)).toBeGreaterThanOrEqual(1);
    expect(await sessionCount()).toBeLessThan(before + 1);
    expect(await failure(a.uploads.get(other.id, now + 1))).toBe("not_found");
    // The session that received a chunk later is still alive.
    expect(await a.uploads.get(live.id, now + SESSION_TTL_MS + 1)).toMatchObject({ size: 10 });
  });
});
