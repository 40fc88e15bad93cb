import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, bytes, call, createRepository, sha256 } from "../helpers/client";

const path = (file: string, version = "1.0.0", pkg = "cli") => `/generic/tools/${pkg}/${version}/${file}`;

async function fileRows(): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM package_file").first<{ n: number }>();
  return row?.n ?? 0;
}

beforeAll(async () => {
  await createRepository({ name: "tools", format: "generic", kind: "hosted", visibility: "public", settings: { maxFileSize: 8 * 1024 * 1024 } });
  await createRepository({ name: "keep", format: "generic", kind: "hosted", visibility: "public", settings: { duplicates: "keep" } });
  await createRepository({ name: "npm-repo", format: "npm", kind: "hosted", visibility: "public" });
});

describe("generic upload and download", () => {
  it("stores a file and serves it with length, ETag, disposition and hashes", async () => {
    const body = bytes(3000);
    const put = await call(path("a.bin"), { method: "PUT", body });
    expect(put.status).toBe(201);
    const created = (await put.json()) as { sha256: string; size: number };
    expect(created).toMatchObject({ package: "cli", version: "1.0.0", file: "a.bin", size: 3000, sha256: await sha256(body) });

    const get = await call(path("a.bin"), { token: null });
    expect(get.status).toBe(200);
    expect(get.headers.get("Content-Length")).toBe("3000");
    expect(get.headers.get("ETag")).toBe(`"${created.sha256}"`);
    expect(get.headers.get("Content-Disposition")).toContain('filename="a.bin"');
    expect(get.headers.get("X-Request-Id")).toBeTruthy();
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(body);
  });

  it("answers HEAD without a body, ranges with 206 and a bad range with 416", async () => {
    const body = bytes(1000, 7);
    await call(path("r.bin"), { method: "PUT", body });
    const head = await call(path("r.bin"), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Length")).toBe("1000");
    expect(await head.text()).toBe("");

    const range = await call(path("r.bin"), { headers: { Range: "bytes=10-19" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("Content-Range")).toBe("bytes 10-19/1000");
    expect(new Uint8Array(await range.arrayBuffer())).toEqual(body.slice(10, 20));

    const suffix = await call(path("r.bin"), { headers: { Range: "bytes=-5" } });
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(body.slice(995));

    const bad = await call(path("r.bin"), { headers: { Range: "bytes=5000-" } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("Content-Range")).toBe("bytes */1000");
  });

  it("answers a matching If-None-Match with 304", async () => {
    const put = await call(path("e.bin"), { method: "PUT", body: "etag me" });
    const { sha256: digest } = (await put.json()) as { sha256: string };
    const res = await call(path("e.bin"), { headers: { "If-None-Match": `"${digest}"` } });
    expect(res.status).toBe(304);
  });

  it("uses multipart upload above the threshold and keeps the bytes intact", async () => {
    const body = bytes(7 * 1024 * 1024, 3); // tests set the threshold to 6 MiB
    const put = await call(path("big.bin"), { method: "PUT", body });
    expect(put.status).toBe(201);
    const get = await call(path("big.bin"));
    expect(await sha256(await get.arrayBuffer())).toBe(await sha256(body));
  });

  it("deduplicates identical content into one blob", async () => {
    const body = bytes(500, 99);
    await call(path("one.bin", "2.0.0"), { method: "PUT", body });
    await call(path("two.bin", "2.0.0"), { method: "PUT", body });
    const row = await env.DB.prepare("SELECT count(*) AS n FROM package_blob WHERE sha256 = ?").bind(await sha256(body)).first<{ n: number }>();
    expect(row?.n).toBe(1);
  });

  it("verifies a stated X-Checksum-Sha256 and stores nothing on mismatch", async () => {
    const before = await fileRows();
    const res = await call(path("sum.bin"), { method: "PUT", body: "abc", headers: { "X-Checksum-Sha256": "0".repeat(64) } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("digest_mismatch");
    expect(await fileRows()).toBe(before);
  });

  it("deletes a file, then answers 404", async () => {
    await call(path("gone.bin"), { method: "PUT", body: "bye" });
    expect((await call(path("gone.bin"), { method: "DELETE" })).status).toBe(204);
    expect((await call(path("gone.bin"))).status).toBe(404);
    expect((await call(path("gone.bin"), { method: "DELETE" })).status).toBe(404);
  });
});

describe("duplicate policy", () => {
  it("reject: a second upload of the same file is a 409", async () => {
    await call(path("dup.bin"), { method: "PUT", body: "first" });
    const again = await call(path("dup.bin"), { method: "PUT", body: "second" });
    expect(again.status).toBe(409);
    expect(await (await call(path("dup.bin"))).text()).toBe("first");
  });

  it("keep: every upload is kept and the newest is served", async () => {
    for (const body of ["v1", "v2", "v3"]) {
      expect((await call("/generic/keep/cli/1.0.0/dup.bin", { method: "PUT", body })).status).toBe(201);
    }
    expect(await (await call("/generic/keep/cli/1.0.0/dup.bin")).text()).toBe("v3");
    const files = await api("/repositories/keep/packages/cli/versions/1.0.0/files");
    expect(((await files.json()) as { files: unknown[] }).files).toHaveLength(3);
  });
});

describe("bad input changes nothing", () => {
  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it.each([
    ["..%2fx", "filename_invalid"],
    ["%2e%2e%2fx", "filename_invalid"],
    ["a%5cb", "filename_invalid"],
    ["a%01b", "filename_invalid"],
    ["a%0ab", "filename_invalid"],
    ["%E0%A4%A", "filename_invalid"],
  ])("rejects filename %s with 400", async (name, code) => {
    const before = await fileRows();
    const res = await call(`/generic/tools/cli/1.0.0/${name}`, { method: "PUT", body: "x" });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe(code);
    expect(await fileRows()).toBe(before);
  });

  it("rejects bad package names and versions", async () => {
    expect(await errorCode(await call("/generic/tools/-bad/1.0.0/a", { method: "PUT", body: "x" }))).toBe("name_invalid");
    expect(await errorCode(await call("/generic/tools/ok/1.0%2f0/a", { method: "PUT", body: "x" }))).toBe("version_invalid");
  });

  it("rejects an empty body with 400", async () => {
    const res = await call(path("empty.bin"), { method: "PUT", body: "" });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("body_empty");
  });

  it("rejects a declared size over the limit with 413 before reading", async () => {
    const before = await fileRows();
    const res = await call(path("huge.bin"), { method: "PUT", body: bytes(8 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(await fileRows()).toBe(before);
  });

  it("rejects a streamed body that grows past the limit with 413 and keeps no object", async () => {
    const chunk = bytes(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const before = await fileRows();
    const res = await call(path("stream.bin"), { method: "PUT", body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect(await fileRows()).toBe(before);
  });

  it("answers 404 for a generic path against an npm repository and an unknown repository", async () => {
    expect((await call("/generic/npm-repo/cli/1.0.0/a.bin", { method: "PUT", body: "x" })).status).toBe(404);
    expect((await call("/generic/nope/cli/1.0.0/a.bin")).status).toBe(404);
  });
});
