/**
 * Generic packages driven by real curl against a real `wrangler dev`: the happy path
 * (upload, download, HEAD, Range, delete) and bad input over the wire (auth, traversal,
 * size limit, aborted and short bodies). Every refusal is also checked in the management
 * API: nothing was stored.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, apiOk, clientGate, runCli, sleep, startRegistry, type Registry } from "./harness";

const curlGate = clientGate("curl");

const REPO = "e2e-files";
const SMALL = "e2e-small";
const SMALL_LIMIT = 1024;

interface CurlResponse {
  /** curl's exit code (0 unless the transfer itself failed). */
  exit: number | null;
  /** HTTP status of the last response, 0 when none arrived. */
  status: number;
  headers: Headers;
  body: Buffer;
  /** Body bytes curl received (%{size_download}); with --head the -o file holds headers instead. */
  bodySize: number;
  stderr: string;
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

describe.skipIf(curlGate.skip)("generic format with curl", () => {
  let registry: Registry;
  let work: string;
  let writeToken: string;
  let readToken: string;
  let seq = 0;

  /** Runs curl with -sS, capturing status (-w), headers (-D) and body (-o) separately. */
  async function curl(args: string[], options: { input?: Uint8Array; timeoutMs?: number } = {}): Promise<CurlResponse> {
    const n = ++seq;
    const headerFile = join(work, `h${n}`);
    const bodyFile = join(work, `b${n}`);
    const result = await runCli("curl", ["-q", "-sS", "-D", headerFile, "-o", bodyFile, "-w", "%{http_code} %{size_download}", ...args], {
      cwd: work,
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    const headers = new Headers();
    const rawHeaders = await readFile(headerFile, "utf8").catch(() => "");
    // -D holds every response (100 Continue first); keep the last block.
    const blocks = rawHeaders.split(/\r?\n\r?\n/).filter((b) => b.trim() !== "");
    for (const line of (blocks.at(-1) ?? "").split(/\r?\n/).slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    const body = await readFile(bodyFile).catch(() => Buffer.alloc(0));
    const [status = "0", size = "0"] = result.stdout.trim().split(" ");
    return { exit: result.code, status: Number(status), headers, body, bodySize: Number(size), stderr: result.stderr };
  }

  const url = (path: string): string => `${registry.baseUrl}${path}`;
  const bearer = (token: string): string[] => ["-H", `Authorization: Bearer ${token}`];

  async function makeFile(name: string, size: number): Promise<{ path: string; data: Buffer; sha256: string }> {
    const data = randomBytes(size);
    const path = join(work, name);
    await writeFile(path, data);
    return { path, data, sha256: sha256(data) };
  }

  /** File rows the API shows for package/version ([] when the package or version does not exist). */
  async function storedFiles(repo: string, pkg: string, version: string): Promise<Array<{ name: string; size: number; sha256: string }>> {
    const res = await api<{ files: Array<{ name: string; size: number; sha256: string }> }>(
      registry,
      `/repositories/${repo}/packages/${encodeURIComponent(pkg)}/versions/${encodeURIComponent(version)}/files`,
    );
    if (res.status === 404) return [];
    expect(res.status, res.text).toBe(200);
    return res.body.files;
  }

  async function packageNames(repo: string): Promise<string[]> {
    const body = await apiOk<{ packages: Array<{ name: string }> }>(registry, 200, `/repositories/${repo}/packages?limit=500`);
    return body.packages.map((p) => p.name);
  }

  function expectJsonError(res: CurlResponse, code: string): void {
    const parsed = JSON.parse(res.body.toString("utf8")) as { error?: { code?: string; message?: string } };
    expect(parsed.error?.code, res.body.toString("utf8")).toBe(code);
    expect(typeof parsed.error?.message).toBe("string");
  }

  beforeAll(async () => {
    curlGate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-curl-"));
    registry = await startRegistry({ label: "edge-registry-e2e-generic" });
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: { name: REPO, format: "generic", kind: "hosted", visibility: "public", settings: { duplicates: "reject" } },
    });
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: { name: SMALL, format: "generic", kind: "hosted", visibility: "public", settings: { duplicates: "reject", maxFileSize: SMALL_LIMIT } },
    });
    writeToken = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-writer", scopes: ["read", "write"], repositories: [REPO, SMALL] } })).token;
    readToken = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-reader", scopes: ["read"] } })).token;
  });

  afterEach((ctx) => {
    // A failure is easier to read next to what the Worker logged for it.
    if (ctx.task.result?.state === "fail" && registry) console.error(`--- wrangler dev log (tail) ---\n${registry.logs().slice(-6000)}`);
  });

  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe("round trip", () => {
    const pkg = "tool";
    const version = "1.2.3";
    const filename = "tool-linux-amd64.tar.gz";
    let file: { path: string; data: Buffer; sha256: string };
    const fileUrl = (): string => url(`/generic/${REPO}/${pkg}/${version}/${filename}`);

    beforeAll(async () => {
      file = await makeFile("upload.bin", 3 * 1024 * 1024 + 17);
    });

    it("uploads with curl --upload-file and answers 201 with the hashes", async () => {
      const res = await curl([...bearer(writeToken), "--upload-file", file.path, fileUrl()]);
      expect(res.exit, res.stderr).toBe(0);
      expect(res.status, res.body.toString()).toBe(201);
      const body = JSON.parse(res.body.toString("utf8"));
      expect(body).toMatchObject({ package: pkg, version, file: filename, size: file.data.length, sha256: file.sha256 });
      expect(body.sha1).toBe(createHash("sha1").update(file.data).digest("hex"));
      expect(body.md5).toBe(createHash("md5").update(file.data).digest("hex"));
      expect(body.sha512).toBe(createHash("sha512").update(file.data).digest("hex"));
    });

    it("lists the file in the API with its size and sha256", async () => {
      const files = await storedFiles(REPO, pkg, version);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatchObject({ name: filename, size: file.data.length, sha256: file.sha256 });
    });

    it("downloads the same bytes (sha256) anonymously from a public repository", async () => {
      const res = await curl([fileUrl()]);
      expect(res.exit, res.stderr).toBe(0);
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(file.data.length);
      expect(sha256(res.body)).toBe(file.sha256);
      expect(res.headers.get("x-checksum-sha256")).toBe(file.sha256);
      expect(res.headers.get("etag")).toBe(`"${file.sha256}"`);
    });

    it("answers HEAD with the length and no body", async () => {
      const res = await curl(["--head", fileUrl()]);
      expect(res.exit, res.stderr).toBe(0);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-length")).toBe(String(file.data.length));
      expect(res.headers.get("accept-ranges")).toBe("bytes");
      expect(res.headers.get("x-checksum-sha256")).toBe(file.sha256);
      expect(res.bodySize).toBe(0);
    });

    it("serves a byte range (curl -r 0-9) as 206", async () => {
      const res = await curl(["-r", "0-9", fileUrl()]);
      expect(res.exit, res.stderr).toBe(0);
      expect(res.status).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes 0-9/${file.data.length}`);
      expect(res.body.equals(file.data.subarray(0, 10))).toBe(true);
    });

    it("serves a range from the middle to the end", async () => {
      const start = file.data.length - 1000;
      const res = await curl(["-r", `${start}-`, fileUrl()]);
      expect(res.status).toBe(206);
      expect(res.body.equals(file.data.subarray(start))).toBe(true);
    });

    it("rejects a duplicate upload with 409 and keeps the original", async () => {
      const other = await makeFile("other.bin", 2048);
      const res = await curl([...bearer(writeToken), "--upload-file", other.path, fileUrl()]);
      expect(res.status).toBe(409);
      expectJsonError(res, "exists");
      const files = await storedFiles(REPO, pkg, version);
      expect(files.map((f) => f.sha256)).toEqual([file.sha256]);
    });

    it("deletes with curl -X DELETE; afterwards 404 and no file row", async () => {
      const res = await curl([...bearer(writeToken), "-X", "DELETE", fileUrl()]);
      expect(res.exit, res.stderr).toBe(0);
      expect(res.status).toBe(204);
      const after = await curl([fileUrl()]);
      expect(after.status).toBe(404);
      expectJsonError(after, "not_found");
      expect(await storedFiles(REPO, pkg, version)).toEqual([]);
    });
  });

  describe("other ways to authenticate and send", () => {
    it("accepts Basic auth with the token as password (curl -u)", async () => {
      const f = await makeFile("basic.bin", 5000);
      const res = await curl(["-u", `ci:${writeToken}`, "--upload-file", f.path, url(`/generic/${REPO}/basic/1.0/basic.bin`)]);
      expect(res.status, res.body.toString()).toBe(201);
      expect((await storedFiles(REPO, "basic", "1.0")).map((x) => x.sha256)).toEqual([f.sha256]);
    });

    it("accepts the PRIVATE-TOKEN header (GitLab style)", async () => {
      const f = await makeFile("gitlab.bin", 5000);
      const res = await curl(["-H", `PRIVATE-TOKEN: ${writeToken}`, "--upload-file", f.path, url(`/generic/${REPO}/gitlab/1.0/gitlab.bin`)]);
      expect(res.status, res.body.toString()).toBe(201);
      expect((await storedFiles(REPO, "gitlab", "1.0")).map((x) => x.sha256)).toEqual([f.sha256]);
    });

    it("stores a chunked upload from stdin (no Content-Length) larger than one multipart part", async () => {
      const data = randomBytes(9 * 1024 * 1024 + 3);
      const res = await curl([...bearer(writeToken), "--upload-file", "-", url(`/generic/${REPO}/piped/1.0/piped.bin`)], { input: data });
      expect(res.exit, res.stderr).toBe(0);
      expect(res.status, res.body.toString()).toBe(201);
      expect(JSON.parse(res.body.toString()).sha256).toBe(sha256(data));
      const back = await curl([url(`/generic/${REPO}/piped/1.0/piped.bin`)]);
      expect(sha256(back.body)).toBe(sha256(data));
    });
  });

  describe("refusals over the wire store nothing", () => {
    it("unauthenticated write: 401 with a Basic challenge", async () => {
      const f = await makeFile("anon.bin", 100);
      const res = await curl(["--upload-file", f.path, url(`/generic/${REPO}/anon/1.0/anon.bin`)]);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate") ?? "").toMatch(/^Basic /);
      expectJsonError(res, "unauthorized");
      expect(await storedFiles(REPO, "anon", "1.0")).toEqual([]);
    });

    it("a wrong token: 401", async () => {
      const f = await makeFile("wrong.bin", 100);
      const res = await curl([...bearer("er_not_a_real_token"), "--upload-file", f.path, url(`/generic/${REPO}/wrong/1.0/wrong.bin`)]);
      expect(res.status).toBe(401);
      expect(await storedFiles(REPO, "wrong", "1.0")).toEqual([]);
    });

    it("read-only token writing: 403", async () => {
      const f = await makeFile("ro.bin", 100);
      const res = await curl([...bearer(readToken), "--upload-file", f.path, url(`/generic/${REPO}/readonly/1.0/ro.bin`)]);
      expect(res.status).toBe(403);
      expectJsonError(res, "denied");
      expect(await storedFiles(REPO, "readonly", "1.0")).toEqual([]);
    });

    it("a revoked token: 401", async () => {
      const created = await apiOk<{ id: number; token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-revoked", scopes: ["read", "write"] } });
      await apiOk(registry, 204, `/tokens/${created.id}`, { method: "DELETE" });
      const f = await makeFile("revoked.bin", 100);
      const res = await curl([...bearer(created.token), "--upload-file", f.path, url(`/generic/${REPO}/revoked/1.0/revoked.bin`)]);
      expect(res.status).toBe(401);
      expect(await storedFiles(REPO, "revoked", "1.0")).toEqual([]);
    });

    const traversals = [
      "trav/1.0/../x",
      "trav/1.0/%2e%2e%2fx",
      "trav/1.0/..%2fx",
      "trav/1.0/%2e%2e",
      "trav/1.0/..%5cx",
      "trav/%2e%2e/x",
      "trav/1.0/%2fetc%2fpasswd",
    ];
    it.each(traversals)("path traversal %s (curl --path-as-is): 400 or 404, never stored", async (rest) => {
      const f = await makeFile("trav.bin", 64);
      const res = await curl([...bearer(writeToken), "--path-as-is", "--upload-file", f.path, url(`/generic/${REPO}/${rest}`)]);
      expect([400, 404], `status ${res.status}: ${res.body.toString()}`).toContain(res.status);
      expect(await storedFiles(REPO, "trav", "1.0")).toEqual([]);
      expect(await storedFiles(REPO, "trav", "..")).toEqual([]);
      for (const name of await packageNames(REPO)) expect(name).not.toMatch(/\.\.|[/\\]|^x$/);
    });

    it("over the repository's maxFileSize: 413 (Content-Length known)", async () => {
      const f = await makeFile("big.bin", SMALL_LIMIT * 4);
      const res = await curl([...bearer(writeToken), "--upload-file", f.path, url(`/generic/${SMALL}/big/1.0/big.bin`)]);
      expect(res.status).toBe(413);
      expectJsonError(res, "too_large");
      expect(await storedFiles(SMALL, "big", "1.0")).toEqual([]);
    });

    it("over the repository's maxFileSize: 413 (chunked, no Content-Length)", async () => {
      const res = await curl([...bearer(writeToken), "--upload-file", "-", url(`/generic/${SMALL}/bigchunked/1.0/big.bin`)], { input: randomBytes(SMALL_LIMIT * 64) });
      expect(res.status).toBe(413);
      expect(await storedFiles(SMALL, "bigchunked", "1.0")).toEqual([]);
    });

    it("exactly at maxFileSize is accepted", async () => {
      const f = await makeFile("limit.bin", SMALL_LIMIT);
      const res = await curl([...bearer(writeToken), "--upload-file", f.path, url(`/generic/${SMALL}/atlimit/1.0/limit.bin`)]);
      expect(res.status, res.body.toString()).toBe(201);
    });

    it("a client that aborts mid-upload (curl --limit-rate … --max-time) leaves no file row", async () => {
      const f = await makeFile("abort.bin", 8 * 1024 * 1024);
      const res = await curl([...bearer(writeToken), "--limit-rate", "512K", "--max-time", "2", "--upload-file", f.path, url(`/generic/${REPO}/aborted/1.0/abort.bin`)]);
      expect(res.exit, `curl should time out (28), got ${res.exit}: ${res.stderr}`).toBe(28);
      await settle();
      expect(await storedFiles(REPO, "aborted", "1.0")).toEqual([]);
    });

    it("Content-Length 100000 with only 1000 bytes, then the socket is destroyed: no file row", async () => {
      await rawShortPut(`/generic/${REPO}/short/1.0/short.bin`, 100_000, 1000);
      await settle();
      expect(await storedFiles(REPO, "short", "1.0")).toEqual([]);
    });

    it("the registry still works after the aborted uploads", async () => {
      const f = await makeFile("after.bin", 4096);
      const res = await curl([...bearer(writeToken), "--upload-file", f.path, url(`/generic/${REPO}/aborted/1.0/abort.bin`)]);
      expect(res.status, res.body.toString()).toBe(201);
      expect((await storedFiles(REPO, "aborted", "1.0")).map((x) => x.sha256)).toEqual([f.sha256]);
    });
  });

  /** Gives the Worker time to notice a dead connection and finish (or fail) the request. */
  async function settle(): Promise<void> {
    await sleep(1500);
    const health = await fetch(`${registry.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    await sleep(500);
  }

  /** Raw HTTP/1.1 PUT declaring `declared` bytes, sending `sent`, then destroying the socket. */
  function rawShortPut(path: string, declared: number, sent: number): Promise<void> {
    return new Promise((done, reject) => {
      const socket = connect(registry.port, "127.0.0.1");
      socket.on("error", () => {}); // the server may reset after we destroy
      socket.setTimeout(10_000, () => {
        socket.destroy();
        reject(new Error("timed out writing the short body"));
      });
      socket.on("connect", () => {
        const head = [
          `PUT ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${registry.port}`,
          `Authorization: Bearer ${writeToken}`,
          "Content-Type: application/octet-stream",
          `Content-Length: ${declared}`,
          "",
          "",
        ].join("\r\n");
        socket.write(head);
        socket.write(randomBytes(sent), () => {
          // Let the bytes reach the server before the connection disappears.
          setTimeout(() => {
            socket.destroy();
            done();
          }, 300);
        });
      });
    });
  }
});
