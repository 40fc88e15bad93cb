// Repository authorization, seen through the generic format's wire protocol: who may
// upload, download and delete, and which status each refusal gets (401 / 403 / 404).
import { beforeAll, describe, expect, it } from "vitest";
import { call, createRepository, createToken } from "../helpers/client";

const put = (repo: string, file: string, token: string | null, body = "payload") =>
  call(`/generic/${repo}/pkg/1.0.0/${file}`, { method: "PUT", body, token });
const get = (repo: string, file: string, token: string | null) => call(`/generic/${repo}/pkg/1.0.0/${file}`, { token });
const del = (repo: string, file: string, token: string | null) => call(`/generic/${repo}/pkg/1.0.0/${file}`, { method: "DELETE", token });

async function expectStatus(res: Response, status: number): Promise<Response> {
  if (res.status !== status) expect(res.status, await res.text()).toBe(status);
  return res;
}

/** Downloads are application/octet-stream; decode explicitly rather than calling text(). */
const textOf = async (res: Response): Promise<string> => new TextDecoder().decode(await res.arrayBuffer());

let reader: string;
let readerA: string;
let writerA: string;
let writerAll: string;

beforeAll(async () => {
  await createRepository({ name: "az-a", format: "generic", kind: "hosted", visibility: "public" });
  await createRepository({ name: "az-b", format: "generic", kind: "hosted", visibility: "public" });
  await createRepository({ name: "az-priv", format: "generic", kind: "hosted", visibility: "private" });
  await createRepository({ name: "az-priv-a", format: "generic", kind: "hosted", visibility: "private" });
  await createRepository({ name: "az-npm", format: "npm", kind: "hosted", visibility: "public" });
  for (const repo of ["az-a", "az-b", "az-priv", "az-priv-a"]) await expectStatus(await put(repo, "seed.txt", "test-admin-token", `seed of ${repo}`), 201);
  reader = await createToken({ name: "reader", scopes: ["read"] });
  readerA = await createToken({ name: "reader-priv-a", scopes: ["read"], repositories: ["az-priv-a"] });
  writerA = await createToken({ name: "writer-a", scopes: ["write"], repositories: ["az-a", "az-priv-a"] });
  writerAll = await createToken({ name: "writer-all", scopes: ["write"] });
});

describe("generic: writes", () => {
  it("unauthenticated upload is a 401 with a Basic challenge, and stores nothing", async () => {
    const res = await expectStatus(await put("az-a", "anon.txt", null), 401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic realm="[^"]+"/);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: "unauthorized" } });
    await expectStatus(await get("az-a", "anon.txt", null), 404);
    const unauthDelete = await expectStatus(await del("az-a", "seed.txt", null), 401);
    expect(unauthDelete.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
  });

  it("a read-only token may not upload or delete (403)", async () => {
    await expectStatus(await put("az-a", "ro.txt", reader), 403);
    await expectStatus(await put("az-priv", "ro.txt", reader), 403);
    await expectStatus(await del("az-a", "seed.txt", reader), 403);
    await expectStatus(await get("az-a", "seed.txt", null), 200);
  });

  it("a token limited to repository A cannot write public repository B (403)", async () => {
    const res = await expectStatus(await put("az-b", "from-a.txt", writerA), 403);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: "denied" } });
    await expectStatus(await get("az-b", "from-a.txt", null), 404);
    await expectStatus(await del("az-b", "seed.txt", writerA), 403);
    // A private repository outside the token's list stays hidden: 404, not 403.
    await expectStatus(await put("az-priv", "from-a.txt", writerA), 404);
  });

  it("a write token for repository A can write A", async () => {
    await expectStatus(await put("az-a", "a.txt", writerA, "written to a"), 201);
    expect(await textOf(await get("az-a", "a.txt", null))).toBe("written to a");
    await expectStatus(await put("az-priv-a", "a.txt", writerA, "private a"), 201);
    expect(await textOf(await get("az-priv-a", "a.txt", writerA))).toBe("private a");
    await expectStatus(await del("az-a", "a.txt", writerA), 204);
    await expectStatus(await get("az-a", "a.txt", null), 404);
  });

  it("an unrestricted write token writes anywhere", async () => {
    await expectStatus(await put("az-b", "all.txt", writerAll), 201);
    await expectStatus(await put("az-priv", "all.txt", writerAll), 201);
  });

  it("a repository of another format is not found under /generic", async () => {
    await expectStatus(await put("az-npm", "x.txt", writerAll), 404);
    await expectStatus(await put("az-missing", "x.txt", writerAll), 404);
  });
});

describe("generic: reads", () => {
  it("anonymous reads of a private repository are 404, not 401", async () => {
    const res = await expectStatus(await get("az-priv", "seed.txt", null), 404);
    expect(res.headers.get("WWW-Authenticate")).toBeNull();
    // The same answer as a repository that does not exist, so names do not leak.
    const missing = await get("az-nonexistent", "seed.txt", null);
    expect(missing.status).toBe(404);
    await expectStatus(await put("az-priv", "x.txt", null), 401);
  });

  it("a token with read on the private repository can read it", async () => {
    expect(await textOf(await expectStatus(await get("az-priv-a", "seed.txt", readerA), 200))).toBe("seed of az-priv-a");
    expect(await textOf(await expectStatus(await get("az-priv", "seed.txt", reader), 200))).toBe("seed of az-priv");
  });

  it("a token limited to another repository cannot read a private one (404)", async () => {
    await expectStatus(await get("az-priv", "seed.txt", readerA), 404);
    await expectStatus(await get("az-priv", "seed.txt", writerA), 404);
  });

  it("anyone reads a public repository, and a restricted token still reads public ones", async () => {
    await expectStatus(await get("az-b", "seed.txt", null), 200);
    await expectStatus(await get("az-b", "seed.txt", readerA), 200);
  });

  it("PRIVATE-TOKEN and Basic credentials authorize uploads too", async () => {
    await expectStatus(await call("/generic/az-a/pkg/1.0.0/pt.txt", { method: "PUT", body: "p", token: null, headers: { "PRIVATE-TOKEN": writerA } }), 201);
    await expectStatus(await call("/generic/az-a/pkg/1.0.0/basic.txt", { method: "PUT", body: "b", token: null, headers: { Authorization: `Basic ${btoa(`ci:${writerA}`)}` } }), 201);
    await expectStatus(await call("/generic/az-b/pkg/1.0.0/basic.txt", { method: "PUT", body: "b", token: null, headers: { Authorization: `Basic ${btoa(`ci:${writerA}`)}` } }), 403);
  });
});
