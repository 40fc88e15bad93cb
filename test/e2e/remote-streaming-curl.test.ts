/**
 * Streaming fills with real curl against a real `wrangler dev`, through a generic remote
 * whose upstream is a local node:http server that sends the first part of a 12 MiB file and
 * then waits for the test to release the rest. The test asserts the order of events:
 * curl has received the first part before the upstream sends the rest. A second scenario
 * cuts the upstream connection midway: curl must fail (not save a short file as complete)
 * and nothing may be cached.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiOk, clientGate, CLIENT_PATH, startRegistry, type Registry } from "./harness";

const curlGate = clientGate("curl");
const FIRST = 4 * 1024 * 1024;
const SIZE = 12 * 1024 * 1024;

interface HeldUpstream {
  baseUrl: string;
  requests: string[];
  /** Resolves when a request for `path` has been sent its first part; `finish` sends the rest or cuts the connection. */
  hold(path: string, body: Uint8Array): Promise<{ finish(how: "rest" | "cut"): void }>;
  stop(): Promise<void>;
}

async function startHeldUpstream(): Promise<HeldUpstream> {
  const held = new Map<string, { body: Uint8Array; started: (res: ServerResponse) => void }>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    requests.push(path);
    const file = held.get(path);
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(file.body.byteLength) });
    res.write(file.body.subarray(0, FIRST), () => file.started(res));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    hold: (path, body) =>
      new Promise((ready) => {
        held.set(path, {
          body,
          started: (res) =>
            ready({
              finish: (how) => (how === "rest" ? res.end(body.subarray(FIRST)) : res.destroy()),
            }),
        });
      }),
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

interface CurlRun {
  /** Resolves once curl has written at least `bytes` of the body. */
  received(bytes: number): Promise<void>;
  done: Promise<{ exit: number | null; size: number; sha256: string; headers: string; stderr: string }>;
}

let runs = 0;

/** One real curl process: body hashed as it streams, headers to a file (read when curl exits). */
function curl(url: string, token: string, dir: string): CurlRun {
  const headerFile = join(dir, `headers-${++runs}`);
  const child = spawn("curl", ["-q", "-sS", "--max-time", "120", "-D", headerFile, "-H", `Authorization: Bearer ${token}`, url], {
    env: { PATH: CLIENT_PATH, LANG: "C.UTF-8" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const hash = createHash("sha256");
  let size = 0;
  let stderr = "";
  const waiters: { bytes: number; done: () => void }[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
    for (const w of waiters.filter((w) => size >= w.bytes)) w.done();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return {
    received: (bytes) => new Promise((done) => (size >= bytes ? done() : waiters.push({ bytes, done }))),
    done: new Promise((done, reject) => {
      child.on("error", reject);
      child.on("close", (exit) => {
        void readFile(headerFile, "utf8")
          .catch(() => "")
          .then((headers) => done({ exit, size, sha256: hash.digest("hex"), headers, stderr }));
      });
    }),
  };
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

describe.skipIf(curlGate.skip)("streaming remote fills with curl", () => {
  let registry: Registry;
  let upstream: HeldUpstream;
  let token: string;
  let work: string;

  beforeAll(async () => {
    curlGate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-streaming-"));
    upstream = await startHeldUpstream();
    registry = await startRegistry({ label: "edge-registry-e2e-streaming" });
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: { name: "stream-remote", format: "generic", kind: "remote", visibility: "private", remote: { url: `${upstream.baseUrl}/files/` } },
    });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-streaming", scopes: ["read"] } })).token;
  });

  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail" && registry) console.error(`--- wrangler dev log (tail) ---\n${registry.logs().slice(-6000)}`);
  });

  afterAll(async () => {
    await registry?.stop();
    await upstream?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("curl receives the first part before the upstream sends the rest; then the file is a cache HIT", async () => {
    const body = randomBytes(SIZE);
    const events: string[] = [];
    const held = upstream.hold("/files/big/1.0/big.bin", body);
    const run = curl(`${registry.baseUrl}/generic/stream-remote/big/1.0/big.bin`, token, work);
    const upstreamSide = await held;
    events.push("upstream sent the first part");
    await run.received(FIRST / 2);
    events.push("curl received bytes");
    upstreamSide.finish("rest");
    events.push("upstream sent the rest");
    const result = await run.done;
    expect(events).toEqual(["upstream sent the first part", "curl received bytes", "upstream sent the rest"]);
    expect(result.exit).toBe(0);
    expect(result.size).toBe(SIZE);
    expect(result.sha256).toBe(sha256(body));
    expect(result.headers).toMatch(/x-cache: MISS/i);

    const again = await curl(`${registry.baseUrl}/generic/stream-remote/big/1.0/big.bin`, token, work).done;
    expect(again.sha256).toBe(sha256(body));
    expect(again.headers).toMatch(/x-cache: HIT/i);
    expect(upstream.requests.filter((p) => p === "/files/big/1.0/big.bin")).toHaveLength(1);
  }, 120_000);

  it("an upstream connection cut midway makes curl fail and caches nothing", async () => {
    const body = randomBytes(SIZE);
    const path = "/files/cut/1.0/cut.bin";
    const held = upstream.hold(path, body);
    const run = curl(`${registry.baseUrl}/generic/stream-remote/cut/1.0/cut.bin`, token, work);
    const upstreamSide = await held;
    await run.received(FIRST / 2);
    upstreamSide.finish("cut");
    const result = await run.done;
    expect(result.exit).not.toBe(0);
    expect(result.size).toBeLessThan(SIZE);

    // Not cached: the next request goes upstream again and gets the whole file.
    const retried = upstream.hold(path, body);
    const second = curl(`${registry.baseUrl}/generic/stream-remote/cut/1.0/cut.bin`, token, work);
    (await retried).finish("rest");
    const complete = await second.done;
    expect(complete.exit).toBe(0);
    expect(complete.sha256).toBe(sha256(body));
    expect(upstream.requests.filter((p) => p === path)).toHaveLength(2);
  }, 120_000);
});
