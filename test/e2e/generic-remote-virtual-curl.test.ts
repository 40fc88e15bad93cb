/**
 * Generic remote and virtual repositories driven by real curl against a real `wrangler dev`,
 * with local counting HTTP servers as upstreams: a miss then hits (X-Cache, X-Registry-Member),
 * 404 when no member has the file (and the upstream is not asked twice: negative cache),
 * shielding, deploy through the virtual's deployMember, 405 where publishing makes no sense,
 * and a cached artifact served STALE once its artifactTtlSeconds ran out and the upstream
 * is gone (metadataTtlSeconds, an hour here, plays no part for artifacts).
 *
 * All repositories are private, so the Workers Cache API (public reads only) never answers
 * in place of the engine and every X-Cache value is the engine's own.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCountingServer, type CountingServer } from "./counting-server";
import { apiOk, api, clientGate, runCli, sleep, startRegistry, type Registry } from "./harness";

const curlGate = clientGate("curl");

interface CurlResponse {
  exit: number | null;
  status: number;
  headers: Headers;
  body: Buffer;
  stderr: string;
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

describe.skipIf(curlGate.skip)("generic remote + virtual repositories with curl", () => {
  let registry: Registry;
  /** Upstream of gen-remote (artifacts never rechecked: artifactTtlSeconds 0, the default). */
  let upstream: CountingServer;
  /** Upstream of gen-remote-short (artifactTtlSeconds 1); stopped by the STALE test. */
  let shortUpstream: CountingServer;
  let work: string;
  let token: string;
  let seq = 0;
  const tool = randomBytes(300_000);
  const shadow = randomBytes(1000);
  const short = randomBytes(50_000);

  async function curl(args: string[]): Promise<CurlResponse> {
    const n = ++seq;
    const headerFile = join(work, `h${n}`);
    const bodyFile = join(work, `b${n}`);
    const result = await runCli("curl", ["-q", "-sS", "-D", headerFile, "-o", bodyFile, "-w", "%{http_code}", ...args], { cwd: work });
    const headers = new Headers();
    const blocks = (await readFile(headerFile, "utf8").catch(() => "")).split(/\r?\n\r?\n/).filter((b) => b.trim() !== "");
    for (const line of (blocks.at(-1) ?? "").split(/\r?\n/).slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    const body = await readFile(bodyFile).catch(() => Buffer.alloc(0));
    return { exit: result.code, status: Number(result.stdout.trim() || "0"), headers, body, stderr: result.stderr };
  }
  const get = (path: string): Promise<CurlResponse> => curl(["-H", `Authorization: Bearer ${token}`, `${registry.baseUrl}${path}`]);
  const put = async (path: string, data: Uint8Array): Promise<CurlResponse> => {
    const file = join(work, `up${++seq}`);
    await writeFile(file, data);
    return curl(["-H", `Authorization: Bearer ${token}`, "--upload-file", file, `${registry.baseUrl}${path}`]);
  };
  const errorCode = (res: CurlResponse): string | undefined => (JSON.parse(res.body.toString("utf8")) as { error?: { code?: string } }).error?.code;
  const cacheOf = (res: CurlResponse): [string | null, string | null] => [res.headers.get("x-cache"), res.headers.get("x-registry-member")];

  beforeAll(async () => {
    curlGate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-remote-virtual-"));
    upstream = await startCountingServer();
    upstream.put("/files/tool/1.0/tool.bin", tool);
    upstream.put("/files/shadow/2.0/shadow.bin", shadow); // same package name as a hosted one
    shortUpstream = await startCountingServer();
    shortUpstream.put("/s/short/1.0/short.bin", short);
    registry = await startRegistry({ label: "edge-registry-e2e-remote-virtual" });
    const create = (body: unknown) => apiOk(registry, 201, "/repositories", { method: "POST", body });
    await create({ name: "gen-local", format: "generic", kind: "hosted", visibility: "private" });
    await create({ name: "gen-remote", format: "generic", kind: "remote", visibility: "private", remote: { url: `${upstream.baseUrl}/files/` } });
    await create({
      name: "gen-all", format: "generic", kind: "virtual", visibility: "private",
      members: [{ repository: "gen-local", priority: 10 }, { repository: "gen-remote", priority: 1 }],
      settings: { deployMember: "gen-local" },
    });
    await create({ name: "gen-nodeploy", format: "generic", kind: "virtual", visibility: "private", members: [{ repository: "gen-remote", priority: 1 }] });
    await create({
      name: "gen-remote-short", format: "generic", kind: "remote", visibility: "private",
      remote: { url: `${shortUpstream.baseUrl}/s/`, metadataTtlSeconds: 3600, artifactTtlSeconds: 1 },
    });
    await create({ name: "gen-short", format: "generic", kind: "virtual", visibility: "private", members: [{ repository: "gen-remote-short", priority: 1 }] });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-remote-virtual", scopes: ["read", "write"] } })).token;
  });

  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail" && registry) console.error(`--- wrangler dev log (tail) ---\n${registry.logs().slice(-6000)}`);
  });

  afterAll(async () => {
    await registry?.stop();
    await upstream?.stop();
    await shortUpstream?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("first read through the virtual: MISS from the remote member, fetched upstream once, right bytes", async () => {
    const res = await get("/generic/gen-all/tool/1.0/tool.bin");
    expect(res.exit, res.stderr).toBe(0);
    expect(res.status, res.body.toString()).toBe(200);
    expect(cacheOf(res)).toEqual(["MISS", "gen-remote"]);
    expect(sha256(res.body)).toBe(sha256(tool));
    expect(res.headers.get("content-length")).toBe(String(tool.length));
    expect(upstream.count("/files/tool/1.0/tool.bin")).toBe(1);
  });

  it("second read through the virtual and a read of the remote itself: HIT, no upstream call", async () => {
    const again = await get("/generic/gen-all/tool/1.0/tool.bin");
    expect(again.status).toBe(200);
    expect(cacheOf(again)).toEqual(["HIT", "gen-remote"]);
    expect(sha256(again.body)).toBe(sha256(tool));
    const direct = await get("/generic/gen-remote/tool/1.0/tool.bin");
    expect(direct.status).toBe(200);
    expect(direct.headers.get("x-cache")).toBe("HIT");
    expect(sha256(direct.body)).toBe(sha256(tool));
    const range = await curl(["-H", `Authorization: Bearer ${token}`, "-r", "0-99", `${registry.baseUrl}/generic/gen-all/tool/1.0/tool.bin`]);
    expect(range.status).toBe(206);
    expect(range.body.equals(tool.subarray(0, 100))).toBe(true);
    expect(upstream.count("/files/tool/1.0/tool.bin")).toBe(1);
  });

  it("nobody has it: 404 (JSON error), and the upstream's 404 is remembered", async () => {
    const res = await get("/generic/gen-all/ghost/1.0/ghost.bin");
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe("not_found");
    expect(res.headers.get("content-type") ?? "").toMatch(/json/);
    expect(upstream.count("/files/ghost/1.0/ghost.bin")).toBe(1);
    const again = await get("/generic/gen-all/ghost/1.0/ghost.bin");
    expect(again.status).toBe(404);
    expect(upstream.count("/files/ghost/1.0/ghost.bin")).toBe(1);
  });

  it("deploys through the virtual repository into its deployMember", async () => {
    const data = randomBytes(40_000);
    const res = await put("/generic/gen-all/mine/1.0/mine.bin", data);
    expect(res.status, res.body.toString()).toBe(201);
    expect(JSON.parse(res.body.toString("utf8")).sha256).toBe(sha256(data));
    const listed = await apiOk<{ files: Array<{ name: string; sha256: string }> }>(registry, 200, "/repositories/gen-local/packages/mine/versions/1.0/files");
    expect(listed.files.map((f) => [f.name, f.sha256])).toEqual([["mine.bin", sha256(data)]]);
    const back = await get("/generic/gen-all/mine/1.0/mine.bin");
    expect(back.status).toBe(200);
    expect(cacheOf(back)).toEqual(["HIT", "gen-local"]);
    expect(sha256(back.body)).toBe(sha256(data));
    expect(upstream.countWhere((p) => p.includes("/mine/"))).toBe(0);
  });

  it("shielding: a package the hosted member has is never fetched from the remote member", async () => {
    const ours = await put("/generic/gen-all/shadow/1.0/shadow.bin", randomBytes(100));
    expect(ours.status, ours.body.toString()).toBe(201);
    const res = await get("/generic/gen-all/shadow/2.0/shadow.bin"); // only the upstream has 2.0
    expect(res.status).toBe(404);
    expect(upstream.countWhere((p) => p.includes("/shadow/"))).toBe(0);
  });

  it("publishing where there is no deploy target: 405 (remote, and virtual without deployMember)", async () => {
    for (const path of ["/generic/gen-remote/x/1.0/x.bin", "/generic/gen-nodeploy/x/1.0/x.bin"]) {
      const res = await put(path, randomBytes(10));
      expect(res.status, `${path}: ${res.body.toString()}`).toBe(405);
    }
    expect((await api(registry, "/repositories/gen-local/packages/x/versions/1.0/files")).status).toBe(404);
  });

  it("artifactTtlSeconds 1: after 2 s the entry is revalidated upstream (304 → REVALIDATED)", async () => {
    const first = await get("/generic/gen-short/short/1.0/short.bin");
    expect(cacheOf(first)).toEqual(["MISS", "gen-remote-short"]);
    await sleep(2000);
    const revalidated = await get("/generic/gen-short/short/1.0/short.bin");
    expect(revalidated.status).toBe(200);
    expect(revalidated.headers.get("x-cache")).toBe("REVALIDATED");
    expect(sha256(revalidated.body)).toBe(sha256(short));
    expect(shortUpstream.requests.map((r) => r.status)).toEqual([200, 304]);
  });

  it("upstream stopped after caching: the expired artifact is served STALE with the cached bytes; an uncached one is 502", async () => {
    await shortUpstream.stop();
    await sleep(2000); // past artifactTtlSeconds (1 s) again; metadataTtlSeconds (3600) does not apply to artifacts
    const stale = await get("/generic/gen-short/short/1.0/short.bin");
    expect(stale.exit, stale.stderr).toBe(0);
    expect(stale.status, stale.body.toString()).toBe(200);
    expect(cacheOf(stale)).toEqual(["STALE", "gen-remote-short"]);
    expect(sha256(stale.body)).toBe(sha256(short));
    const direct = await get("/generic/gen-remote-short/short/1.0/short.bin");
    expect(direct.status).toBe(200);
    expect(direct.headers.get("x-cache")).toBe("STALE");
    const never = await get("/generic/gen-short/other/1.0/other.bin");
    expect(never.status, never.body.toString()).toBe(502);
    expect(errorCode(never)).toBeTypeOf("string");
  });
});
