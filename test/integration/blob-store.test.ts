// The blob store on its own, with streams that fail the way a cut-off client does:
// workerd errors the request body when the connection drops, and a short body ends early.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { RegistryError } from "../../src/errors";
import { BlobStore, MULTIPART_PART_SIZE } from "../../src/storage/blob-store";
import { bytes, sha256 } from "../helpers/client";

const store = () => new BlobStore(openDatabase(env.DB), env.BLOBS, 6 * 1024 * 1024);

function streamOf(chunks: Uint8Array[], failAtEnd = false): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk) controller.enqueue(chunk);
      else if (failAtEnd) controller.error(new Error("connection reset"));
      else controller.close();
    },
  });
}

async function objectCount(): Promise<number> {
  return (await env.BLOBS.list({ prefix: "blobs/" })).objects.length;
}

async function blobRows(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM package_blob").first<{ n: number }>())?.n ?? 0;
}

describe("BlobStore", () => {
  it("computes all four digests in one pass", async () => {
    const data = bytes(12345);
    const blob = await store().store(streamOf([data.slice(0, 5000), data.slice(5000)]), { declaredSize: data.length });
    expect(blob.sha256).toBe(await sha256(data));
    const hex = async (alg: string) => [...new Uint8Array(await crypto.subtle.digest(alg, data))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(blob.sha1).toBe(await hex("SHA-1"));
    expect(blob.sha512).toBe(await hex("SHA-512"));
    expect(blob.md5).toMatch(/^[0-9a-f]{32}$/);
    expect(blob.size).toBe(12345);
  });

  it.each([
    ["single put", 1000, 3],
    ["multipart", MULTIPART_PART_SIZE + 1000, 2],
  ])("leaves no object and no row when the client disconnects (%s)", async (_label, declared, chunks) => {
    const before = { objects: await objectCount(), rows: await blobRows() };
    const parts = Array.from({ length: chunks }, () => bytes(100));
    await expect(store().store(streamOf(parts, true), { declaredSize: declared })).rejects.toBeInstanceOf(RegistryError);
    expect(await objectCount()).toBe(before.objects);
    expect(await blobRows()).toBe(before.rows);
  });

  it("rejects a body shorter than its Content-Length and stores nothing", async () => {
    const before = await objectCount();
    const error = await store().store(streamOf([bytes(10)]), { declaredSize: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe("bad_request");
    expect(await objectCount()).toBe(before);
  });

  it("rejects a body longer than its Content-Length", async () => {
    const error = await store().store(streamOf([bytes(2000)]), { declaredSize: 1000 }).catch((e: unknown) => e);
    expect((error as RegistryError).code).toBe("bad_request");
  });

  it("streams an unsized body through multipart", async () => {
    const data = bytes(MULTIPART_PART_SIZE * 2 + 17, 5);
    const chunks = [];
    for (let i = 0; i < data.length; i += 1 << 20) chunks.push(data.slice(i, i + (1 << 20)));
    const blob = await store().store(streamOf(chunks), {});
    expect(blob.size).toBe(data.length);
    const object = await env.BLOBS.get(blob.r2Key);
    expect(await sha256(await new Response(object?.body).arrayBuffer())).toBe(await sha256(data));
  });

  // Byte streams (request bodies, R2 bodies, Blob streams) are read into two reused buffers:
  // the stored bytes must be the body's, not a later chunk written over an earlier one.
  it.each([
    ["single put", true],
    ["multipart", false],
  ])("stores a byte stream of many chunks exactly (%s, reused read buffers)", async (_label, sized) => {
    const data = bytes(MULTIPART_PART_SIZE * 2 + 3 * 1024 * 1024 + 7, 9);
    const body = new Blob([data]).stream();
    expect(() => new Blob([data]).stream().getReader({ mode: "byob" }).releaseLock()).not.toThrow(); // the BYOB path is the one tested
    const blob = await new BlobStore(openDatabase(env.DB), env.BLOBS, sized ? 64 * 1024 * 1024 : 0).store(body, sized ? { declaredSize: data.length } : {});
    expect(blob.sha256).toBe(await sha256(data));
    const object = await env.BLOBS.get(blob.r2Key);
    expect(await sha256(await new Response(object?.body).arrayBuffer())).toBe(await sha256(data));
  });

  it("adopts an R2 object by streaming it back (byte stream) with the right digests", async () => {
    const data = bytes(3 * 1024 * 1024 + 11, 10);
    await env.BLOBS.put("blobs/adopt-test", data);
    const blob = await store().adopt("blobs/adopt-test", { expectedSha256: await sha256(data) });
    expect(blob.sha256).toBe(await sha256(data));
    expect(blob.size).toBe(data.length);
  });
});
