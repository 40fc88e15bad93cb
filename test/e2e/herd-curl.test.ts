/**
 * Thundering herd with real curl against a real `wrangler dev`: 100 curl processes, started
 * at once, ask a generic virtual repository for one uncached 20 MiB artifact that only its
 * remote member's upstream (a local counting HTTP server) has. The upstream must see exactly
 * one request (the CacheFill Durable Object coalesces the misses) and every one of the 100
 * bodies must have the artifact's sha256.
 *
 * The upstream holds its answer back for a moment so the herd really overlaps the single
 * fill; the X-Cache headers show it (callers that joined the fill get MISS, later ones HIT).
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCountingServer, type CountingServer } from "./counting-server";
import { apiOk, clientGate, CLIENT_PATH, startRegistry, type Registry } from "./harness";

const curlGate = clientGate("curl");

const HERD = 100;
const SIZE = 20 * 1024 * 1024;
const UPSTREAM_DELAY_MS = 1500;
const ARTIFACT = "big/1.0/big.bin";

interface HerdResult {
  exit: number | null;
  status: number;
  size: number;
  sha256: string;
  headers: Map<string, string>;
  stderr: string;
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/**
 * One real curl process: body to stdout, hashed as it streams (100 × 20 MiB never sits in
 * memory), headers to a file, status on stderr via -w '%{stderr}…'. Scrubbed environment.
 */
function curlHashing(url: string, token: string, dir: string, n: number): Promise<HerdResult> {
  const headerFile = join(dir, `h${n}`);
  return new Promise((done, reject) => {
    const child = spawn("curl", ["-q", "-sS", "--max-time", "120", "-D", headerFile, "-H", `Authorization: Bearer ${token}`, "-w", "%{stderr}\n%{http_code} %{size_download}", url], {
      env: { PATH: CLIENT_PATH, HOME: dir, LANG: "C.UTF-8" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const hash = createHash("sha256");
    let size = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (exit) => {
      void readFile(headerFile, "utf8").catch(() => "").then((raw) => {
        const headers = new Map<string, string>();
        for (const line of raw.split(/\r?\n/).slice(1)) {
          const colon = line.indexOf(":");
          if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
        const [status = "0"] = stderr.trim().split("\n").at(-1)?.split(" ") ?? [];
        done({ exit, status: Number(status), size, sha256: hash.digest("hex"), headers, stderr });
      });
    });
  });
}

describe.skipIf(curlGate.skip)(`thundering herd: ${HERD} concurrent curls, one uncached 20 MiB artifact, one upstream request`, () => {
  let registry: Registry;
  let upstream: CountingServer;
  let work: string;
  let token: string;
  let digest: string;

  beforeAll(async () => {
    curlGate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-herd-"));
    upstream = await startCountingServer();
    const body = randomBytes(SIZE);
    digest = sha256(body);
    upstream.put(`/files/${ARTIFACT}`, { body, delayMs: UPSTREAM_DELAY_MS });
    registry = await startRegistry({ label: "edge-registry-e2e-herd" });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: "herd-local", format: "generic", kind: "hosted", visibility: "private" } });
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: { name: "herd-remote", format: "generic", kind: "remote", visibility: "private", remote: { url: `${upstream.baseUrl}/files/` } },
    });
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: {
        name: "herd", format: "generic", kind: "virtual", visibility: "private",
        members: [{ repository: "herd-local", priority: 10 }, { repository: "herd-remote", priority: 1 }],
      },
    });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-herd", scopes: ["read"] } })).token;
    // Warm the Worker (first requests compile code, open D1/R2) without touching the artifact.
    const warm = await fetch(`${registry.baseUrl}/generic/herd/warm/1.0/none.bin`, { headers: { Authorization: `Bearer ${token}` } });
    await warm.arrayBuffer();
    expect(warm.status).toBe(404);
    upstream.reset();
  });

  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail" && registry) console.error(`--- wrangler dev log (tail) ---\n${registry.logs().slice(-6000)}`);
  });

  afterAll(async () => {
    await registry?.stop();
    await upstream?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it(`${HERD} curl processes at once: exactly one upstream request, ${HERD} correct bodies`, async () => {
    const url = `${registry.baseUrl}/generic/herd/${ARTIFACT}`;
    const results = await Promise.all(Array.from({ length: HERD }, (_, i) => curlHashing(url, token, work, i)));

    expect(upstream.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`GET /files/${ARTIFACT} 200`]);
    const failures = results.filter((r) => r.exit !== 0 || r.status !== 200);
    expect(failures.map((r) => `exit ${r.exit} status ${r.status}: ${r.stderr}`)).toEqual([]);
    expect(results.filter((r) => r.size !== SIZE).map((r) => r.size)).toEqual([]);
    expect(results.filter((r) => r.sha256 !== digest).length).toBe(0);
    for (const r of results) expect(r.headers.get("x-registry-member")).toBe("herd-remote");

    // Real concurrency: callers that arrived while the one fill was in flight got MISS.
    const byCache = new Map<string, number>();
    for (const r of results) byCache.set(r.headers.get("x-cache") ?? "none", (byCache.get(r.headers.get("x-cache") ?? "none") ?? 0) + 1);
    console.log(`herd X-Cache: ${JSON.stringify(Object.fromEntries(byCache))}`);
    expect([...byCache.keys()].every((k) => k === "MISS" || k === "HIT"), JSON.stringify(Object.fromEntries(byCache))).toBe(true);
    expect(byCache.get("MISS") ?? 0).toBeGreaterThan(1);
  });

  it("afterwards the artifact is a cache HIT and the upstream is still at one request", async () => {
    const after = await curlHashing(`${registry.baseUrl}/generic/herd/${ARTIFACT}`, token, work, HERD);
    expect(after.status).toBe(200);
    expect(after.sha256).toBe(digest);
    expect(after.headers.get("x-cache")).toBe("HIT");
    expect(upstream.requests).toHaveLength(1);
  });
});
