// Streaming fills through a generic remote: the first client reads the upstream body while
// it is written to R2; the upstream is a local body the test releases in parts, so the
// tests assert the order of events (never time).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bytes, call, sha256 } from "../helpers/client";
import { ControlledBody, createRemote, remoteSourceFor, useScriptedUpstream } from "../helpers/scripted-upstream";
import { STREAM_AFTER_BYTES } from "../../src/virtual/cache-fill";
import { remoteResponse } from "../../src/virtual/remote-response";

const upstream = useScriptedUpstream();
const HOST = "https://upstream.test";
const FILE = "tool/1.0/tool.bin";

/** A remote whose file answers with `body`, its parts totalling `size` (declared when `declare`). */
async function streamingRemote(body: ControlledBody, size: number, declare = true): Promise<{ repo: string; url: string }> {
  const repo = await createRemote((name) => `${HOST}/${name}/`);
  const url = `${HOST}/${repo}/${FILE}`;
  upstream.on(url, () => {
    const headers = new Headers({ "Content-Type": "application/x-tool" });
    if (declare) headers.set("Content-Length", String(size));
    return new Response(body.stream(), { headers });
  });
  return { repo, url };
}

async function readBytes(reader: ReadableStreamDefaultReader<Uint8Array>, count: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  while (received < count) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
  }
  return chunks;
}

async function readToEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Uint8Array[]> {
  return readBytes(reader, Number.POSITIVE_INFINITY);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const entries = async (repo: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM cache_entry WHERE repository_id = (SELECT id FROM repository WHERE name = ?)").bind(repo).first<{ n: number }>())?.n;
const blobObjects = async () => (await env.BLOBS.list({ prefix: "blobs/" })).objects.length;

describe("streaming remote fills", () => {
  const part1 = bytes(STREAM_AFTER_BYTES + 512 * 1024, 3);
  const part2 = bytes(700_000, 4);
  const whole = concat([part1, part2]);

  it("sends the first client bytes before the upstream has finished, then stores the whole body once", async () => {
    const body = new ControlledBody();
    const { repo, url } = await streamingRemote(body, whole.byteLength);
    const objectsBefore = await blobObjects();
    body.send(part1, "upstream sent part 1");
    const response = await call(`/generic/${repo}/${FILE}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Cache")).toBe("MISS");
    expect(body.events).toEqual(["upstream sent part 1"]);
    expect(response.headers.get("Content-Length")).toBe(String(whole.byteLength));
    expect(response.headers.get("Content-Type")).toBe("application/x-tool");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await readBytes(reader, part1.byteLength);
    body.events.push("client received part 1");
    expect(await entries(repo)).toBe(0);

    body.send(part2, "upstream sent part 2");
    body.end();
    const rest = await readToEnd(reader);
    expect(await sha256(concat([...first, ...rest]))).toBe(await sha256(whole));
    expect(body.events).toEqual(["upstream sent part 1", "client received part 1", "upstream sent part 2", "upstream finished"]);

    // The first client's body ends only once the entry is committed.
    expect(await entries(repo)).toBe(1);
    const again = await call(`/generic/${repo}/${FILE}`);
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect(await sha256(await again.arrayBuffer())).toBe(await sha256(whole));
    expect(upstream.to(url)).toHaveLength(1);
    expect(await blobObjects()).toBe(objectsBefore + 1);
  });

  it("concurrent misses during a streaming fill make one upstream request and one R2 write, with identical bytes", async () => {
    const body = new ControlledBody();
    // Bytes of their own: R2 deduplicates by sha256, and this test counts R2 objects.
    const [part1, part2] = [bytes(STREAM_AFTER_BYTES + 100_000, 7), bytes(300_000, 8)];
    const whole = concat([part1, part2]);
    const { repo, url } = await streamingRemote(body, whole.byteLength, false);
    const objectsBefore = await blobObjects();
    body.send(part1, "upstream sent part 1");
    const first = await call(`/generic/${repo}/${FILE}`);
    const followers = Promise.all(Array.from({ length: 8 }, () => call(`/generic/${repo}/${FILE}`)));
    // Give the followers a moment to join the fill; any that come later are plain hits (same assertions hold).
    await new Promise((resolve) => setTimeout(resolve, 100));
    body.send(part2, "upstream sent part 2");
    body.end();
    const firstBytes = await first.arrayBuffer();
    const followerResponses = await followers;
    for (const response of followerResponses) {
      expect(response.status).toBe(200);
      expect(["MISS", "HIT"]).toContain(response.headers.get("X-Cache"));
    }
    const digests = new Set([await sha256(firstBytes), ...(await Promise.all(followerResponses.map(async (r) => sha256(await r.arrayBuffer()))))]);
    expect(digests).toEqual(new Set([await sha256(whole)]));
    expect(upstream.to(url)).toHaveLength(1);
    expect(await blobObjects()).toBe(objectsBefore + 1);
  }, 30_000);

  it("a first client that disconnects mid-stream does not stop the R2 write", async () => {
    const body = new ControlledBody();
    // More than the first client's buffer after it left: a fill paced by a gone client would stall.
    const big = bytes(12 * 1024 * 1024, 5);
    const total = part1.byteLength + big.byteLength;
    const { repo, url } = await streamingRemote(body, total);
    body.send(part1, "upstream sent part 1");
    const response = await call(`/generic/${repo}/${FILE}`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await readBytes(reader, 1);
    await reader.cancel();
    body.send(big, "upstream sent the rest");
    body.end();
    const later = await call(`/generic/${repo}/${FILE}`);
    expect(later.status).toBe(200);
    expect(await sha256(await later.arrayBuffer())).toBe(await sha256(concat([part1, big])));
    expect(upstream.to(url)).toHaveLength(1);
    expect(await entries(repo)).toBe(1);
    // 14 MiB through R2 twice and hashed: allow for a loaded machine (not a time assertion).
  }, 30_000);

  for (const declare of [true, false]) {
    it(`an upstream body cut off midway breaks the first client's response and stores nothing (${declare ? "with" : "without"} Content-Length)`, async () => {
      const body = new ControlledBody();
      const { repo, url } = await streamingRemote(body, whole.byteLength, declare);
      body.send(part1, "upstream sent part 1");
      const response = await call(`/generic/${repo}/${FILE}`);
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await readBytes(reader, part1.byteLength);
      body.cut();
      await expect(readToEnd(reader)).rejects.toThrow();
      expect(await entries(repo)).toBe(0);

      // Nothing was cached: the next request goes upstream again and gets the whole file.
      upstream.on(url, () => new Response(whole, { headers: { "Content-Type": "application/x-tool" } }));
      const retry = await call(`/generic/${repo}/${FILE}`);
      expect(retry.status).toBe(200);
      expect(await sha256(await retry.arrayBuffer())).toBe(await sha256(whole));
      expect(upstream.to(url)).toHaveLength(2);
    });
  }

  it("a body that ends within the streaming threshold is stored before the client is answered", async () => {
    const repo = await createRemote((name) => `${HOST}/${name}/`);
    upstream.on(`${HOST}/${repo}/${FILE}`, () => new Response("small file"));
    const response = await call(`/generic/${repo}/${FILE}`);
    expect(response.headers.get("X-Cache")).toBe("MISS");
    expect(response.headers.get("ETag")).toMatch(/^"[0-9a-f]{64}"$/);
    expect(await entries(repo)).toBe(1);
    expect(await response.text()).toBe("small file");
  });

  it("a streamed answer carries the kept upstream headers", async () => {
    const repo = await createRemote((name) => `${HOST}/${name}/`);
    const layer = bytes(STREAM_AFTER_BYTES * 2, 11);
    upstream.on(`${HOST}/${repo}/v2/demo/blobs/sha256:abc`, () => new Response(layer, { headers: { "Docker-Content-Digest": "sha256:abc" } }));
    const source = await remoteSourceFor(repo);
    const answer = await source.open("v2/demo/blobs/sha256:abc", "artifact", { keepHeaders: ["Docker-Content-Digest"] });
    expect(answer?.blob).toBeNull();
    expect(answer?.headers).toEqual({ "docker-content-digest": "sha256:abc" });
    const response = await remoteResponse(new Request("https://registry.test/x"), env.BLOBS, answer as NonNullable<typeof answer>, repo);
    expect(response.headers.get("Docker-Content-Digest")).toBe("sha256:abc");
    expect(await sha256(await response.arrayBuffer())).toBe(await sha256(layer));
    const hit = await source.get("v2/demo/blobs/sha256:abc", "artifact", { keepHeaders: ["Docker-Content-Digest"] });
    expect(hit?.cache).toBe("HIT");
    expect(hit?.headers).toEqual({ "docker-content-digest": "sha256:abc" });
  });

  it("a HEAD that starts a fill answers the headers and the fill completes without it", async () => {
    const body = new ControlledBody();
    const { repo, url } = await streamingRemote(body, whole.byteLength);
    body.send(part1, "upstream sent part 1");
    const head = await call(`/generic/${repo}/${FILE}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Length")).toBe(String(whole.byteLength));
    body.send(part2, "upstream sent part 2");
    body.end();
    const get = await call(`/generic/${repo}/${FILE}`);
    expect(await sha256(await get.arrayBuffer())).toBe(await sha256(whole));
    expect(upstream.to(url)).toHaveLength(1);
  });

  it("an expired entry is refreshed without streaming, so a refill cut off midway still serves the stale copy", async () => {
    const repo = await createRemote((name) => `${HOST}/${name}/`, { artifactTtlSeconds: 60 });
    const url = `${HOST}/${repo}/${FILE}`;
    upstream.on(url, () => new Response(whole));
    await (await call(`/generic/${repo}/${FILE}`)).arrayBuffer();
    await env.DB.prepare("UPDATE cache_entry SET checked_at = checked_at - 120000 WHERE repository_id = (SELECT id FROM repository WHERE name = ?)").bind(repo).run();
    const body = new ControlledBody();
    upstream.on(url, () => new Response(body.stream()));
    body.send(bytes(STREAM_AFTER_BYTES * 2, 12), "upstream sent the new version's start");
    body.cut();
    const stale = await call(`/generic/${repo}/${FILE}`);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(await sha256(await stale.arrayBuffer())).toBe(await sha256(whole));
  });
});
