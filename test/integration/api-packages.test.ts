// Packages API: browse (list, search, versions, files with size and hashes), delete a
// package / version / file, and the audit log that records those and other changes.
import { beforeAll, describe, expect, it } from "vitest";
import { api, bytes, call, createRepository, createToken } from "../helpers/client";

interface PackageBody { id: number; name: string; versionCount: number }
interface VersionBody { id: number; version: string; downloads: number; metadata: unknown }
interface FileBody { id: number; name: string; size: number; sha256: string; sha1: string; md5: string; sha512: string }
interface AuditEvent { id: number; at: number; actor: string; action: string; repository: string | null; target: string | null; detail: Record<string, unknown> }

async function hex(algorithm: string, data: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest(algorithm, data))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as T;
}

async function upload(repo: string, pkg: string, version: string, file: string, body: Uint8Array | string, token?: string): Promise<void> {
  const res = await call(`/generic/${repo}/${pkg}/${version}/${file}`, { method: "PUT", body, ...(token === undefined ? {} : { token }) });
  expect(res.status, await res.text()).toBe(201);
}

const packages = async (repo: string, query = "", token?: string) =>
  (await json<{ packages: PackageBody[] }>(await api(`/repositories/${repo}/packages${query}`, "GET", undefined, token))).packages;
const versions = async (repo: string, pkg: string, token?: string) =>
  (await json<{ versions: VersionBody[] }>(await api(`/repositories/${repo}/packages/${pkg}/versions`, "GET", undefined, token))).versions;
const files = async (repo: string, pkg: string, version: string, token?: string) =>
  (await json<{ files: FileBody[] }>(await api(`/repositories/${repo}/packages/${pkg}/versions/${version}/files`, "GET", undefined, token))).files;
const audit = async (query = "") => (await json<{ events: AuditEvent[] }>(await api(`/audit${query}`))).events;

const payload = bytes(70_000, 7);
let writer: string;

beforeAll(async () => {
  await createRepository({ name: "pk", format: "generic", kind: "hosted", visibility: "public" });
  await createRepository({ name: "pk-private", format: "generic", kind: "hosted", visibility: "private" });
  expect((await api("/users", "POST", { name: "pk-uploader" })).status).toBe(201);
  // A user writes where a grant lets them (docs/auth.md): here every repository named pk*.
  expect((await api("/users/pk-uploader/grants", "PUT", { grants: [{ repository: "pk*", role: "write" }] })).status).toBe(200);
  writer = await createToken({ name: "uploader", scopes: ["write"], user: "pk-uploader" });
  await upload("pk", "alpha-tool", "1.0.0", "alpha.bin", payload, writer);
  await upload("pk", "alpha-tool", "1.0.0", "alpha.txt", "notes", writer);
  await upload("pk", "alpha-tool", "2.0.0", "alpha.bin", bytes(10, 2), writer);
  await upload("pk", "beta-lib", "0.1.0", "beta.tgz", bytes(100, 3), writer);
  await upload("pk", "Gamma.Utils", "3.1.4", "gamma.zip", bytes(5, 4), writer);
  await upload("pk-private", "secret", "1.0.0", "s.bin", bytes(8, 5));
});

describe("browsing packages", () => {
  it("lists packages by name and searches with q (case-insensitive)", async () => {
    const all = await packages("pk");
    expect(all.map((p) => p.name)).toEqual(["alpha-tool", "beta-lib", "Gamma.Utils"]);
    expect((await packages("pk", "?q=ALPHA")).map((p) => p.name)).toEqual(["alpha-tool"]);
    expect((await packages("pk", "?q=a")).map((p) => p.name)).toEqual(["alpha-tool", "beta-lib", "Gamma.Utils"]);
    expect((await packages("pk", "?q=utils")).map((p) => p.name)).toEqual(["Gamma.Utils"]);
    expect(await packages("pk", "?q=zzz")).toEqual([]);
    // LIKE wildcards in q are literal.
    expect(await packages("pk", "?q=%25")).toEqual([]);
    expect(await packages("pk", "?q=a_t")).toEqual([]);
    // D1 refuses LIKE patterns over 50 bytes; a long q must still answer (it once was a 500).
    expect(await packages("pk", `?q=${"x".repeat(200)}`)).toEqual([]);
    expect((await packages("pk", `?q=${encodeURIComponent("alpha-tool")}`)).map((p) => p.name)).toEqual(["alpha-tool"]);
    expect((await packages("pk", "?limit=1&offset=1")).map((p) => p.name)).toEqual(["beta-lib"]);
    expect((await api("/repositories/pk/packages?limit=0")).status).toBe(400);
  });

  // KNOWN BUG (src/db/packages.ts listPackages): drizzle renders `${packages.id}` inside the
  // correlated subquery as an unqualified "id", which binds to package_version.id, so every
  // package reports the same count. Remove `.fails` once fixed.
  it("reports each package's own version count", async () => {
    const all = await packages("pk");
    expect(all.map((p) => [p.name, p.versionCount])).toEqual([["alpha-tool", 2], ["beta-lib", 1], ["Gamma.Utils", 1]]);
  });

  // KNOWN BUG (src/db/packages.ts listPackages): escapeLike prefixes a backslash but the LIKE has
  // no ESCAPE clause, so a q containing `_` or `%` never matches. Remove `.fails` once fixed.
  it("finds a name containing a LIKE wildcard character (_)", async () => {
    await upload("pk-private", "under_score", "1.0.0", "u.bin", bytes(4, 6));
    expect((await packages("pk-private", "?q=under_score")).map((p) => p.name)).toEqual(["under_score"]);
    expect((await packages("pk-private", "?q=r_s")).map((p) => p.name)).toEqual(["under_score"]);
  });

  it("lists versions newest first", async () => {
    const list = await versions("pk", "alpha-tool");
    expect(list.map((v) => v.version)).toEqual(["2.0.0", "1.0.0"]);
    expect(list[0]).toMatchObject({ downloads: expect.any(Number), metadata: expect.anything() });
    expect((await versions("pk", "GAMMA.UTILS")).map((v) => v.version)).toEqual(["3.1.4"]);
    expect((await api("/repositories/pk/packages/nope/versions")).status).toBe(404);
  });

  it("lists files with size and all four hashes", async () => {
    const list = await files("pk", "alpha-tool", "1.0.0");
    expect(list.map((f) => f.name).sort()).toEqual(["alpha.bin", "alpha.txt"]);
    const bin = list.find((f) => f.name === "alpha.bin");
    expect(bin).toMatchObject({
      size: payload.length,
      sha256: await hex("SHA-256", payload),
      sha1: await hex("SHA-1", payload),
      sha512: await hex("SHA-512", payload),
    });
    expect(bin?.md5).toMatch(/^[0-9a-f]{32}$/);
    const download = await call("/generic/pk/alpha-tool/1.0.0/alpha.bin", { token: null });
    expect(download.headers.get("X-Checksum-Md5")).toBe(bin?.md5);
    await download.arrayBuffer();
    const txt = list.find((f) => f.name === "alpha.txt");
    expect(txt).toMatchObject({ size: 5, sha256: await hex("SHA-256", new TextEncoder().encode("notes")) });
    expect((await api("/repositories/pk/packages/alpha-tool/versions/9.9.9/files")).status).toBe(404);
  });

  it("follows repository visibility", async () => {
    expect((await api("/repositories/pk-private/packages", "GET", undefined, null)).status).toBe(404);
    expect((await api("/repositories/pk-private/packages/secret/versions", "GET", undefined, null)).status).toBe(404);
    expect((await packages("pk-private", "", writer)).map((p) => p.name)).toContain("secret");
    expect((await packages("pk", "", undefined)).length).toBeGreaterThan(0);
    expect((await api("/repositories/pk/packages", "GET", undefined, null)).status).toBe(200);
  });
});

describe("deleting", () => {
  it("needs write on the repository", async () => {
    const reader = await createToken({ name: "reader", scopes: ["read"] });
    expect((await api("/repositories/pk/packages/beta-lib", "DELETE", undefined, reader)).status).toBe(403);
    expect((await api("/repositories/pk/packages/beta-lib", "DELETE", undefined, null)).status).toBe(401);
    const otherRepo = await createToken({ name: "other", scopes: ["write"], repositories: ["pk-private"] });
    expect((await api("/repositories/pk/packages/beta-lib", "DELETE", undefined, otherRepo)).status).toBe(403);
    expect((await api("/repositories/pk-private/packages/secret", "DELETE", undefined, null)).status).toBe(404);
    expect((await packages("pk")).map((p) => p.name)).toContain("beta-lib");
  });

  it("deletes a file by id, then a version, then a package — each audited", async () => {
    await upload("pk", "del-me", "1.0.0", "a.bin", bytes(20, 11), writer);
    await upload("pk", "del-me", "1.0.0", "b.bin", bytes(20, 12), writer);
    await upload("pk", "del-me", "2.0.0", "c.bin", bytes(20, 13), writer);
    await upload("pk", "del-me", "3.0.0", "d.bin", bytes(20, 14), writer);

    const [first] = (await files("pk", "del-me", "1.0.0")).filter((f) => f.name === "a.bin");
    expect(first).toBeDefined();
    const fileId = first?.id ?? 0;
    expect((await api(`/repositories/pk/packages/del-me/versions/1.0.0/files/${fileId}`, "DELETE", undefined, writer)).status).toBe(204);
    expect((await files("pk", "del-me", "1.0.0")).map((f) => f.name)).toEqual(["b.bin"]);
    expect((await call("/generic/pk/del-me/1.0.0/a.bin", { token: null })).status).toBe(404);
    expect((await api(`/repositories/pk/packages/del-me/versions/1.0.0/files/${fileId}`, "DELETE")).status).toBe(404);
    // A file id from another version is not found under this one.
    const [other] = await files("pk", "del-me", "2.0.0");
    expect((await api(`/repositories/pk/packages/del-me/versions/1.0.0/files/${other?.id ?? 0}`, "DELETE")).status).toBe(404);

    expect((await api("/repositories/pk/packages/del-me/versions/2.0.0", "DELETE", undefined, writer)).status).toBe(204);
    expect((await versions("pk", "del-me")).map((v) => v.version)).toEqual(["3.0.0", "1.0.0"]);
    expect((await api("/repositories/pk/packages/del-me/versions/2.0.0/files")).status).toBe(404);
    expect((await api("/repositories/pk/packages/del-me/versions/2.0.0", "DELETE")).status).toBe(404);

    expect((await api("/repositories/pk/packages/DEL-ME", "DELETE", undefined, writer)).status).toBe(204);
    expect((await packages("pk")).map((p) => p.name)).not.toContain("del-me");
    expect((await call("/generic/pk/del-me/3.0.0/d.bin", { token: null })).status).toBe(404);
    expect((await api("/repositories/pk/packages/del-me", "DELETE")).status).toBe(404);

    const events = await audit("?repository=pk");
    const find = (action: string) => events.find((e) => e.action === action && e.target?.startsWith("del-me"));
    expect(find("file.delete")).toMatchObject({ actor: "pk-uploader", repository: "pk", target: "del-me/1.0.0/a.bin" });
    expect(find("version.delete")).toMatchObject({ actor: "pk-uploader", target: "del-me/2.0.0" });
    expect(find("package.delete")).toMatchObject({ actor: "pk-uploader", target: "del-me" });
  });
});

describe("audit log", () => {
  it("is admin only", async () => {
    const writerOnly = await createToken({ name: "w", scopes: ["write"] });
    expect((await api("/audit", "GET", undefined, writerOnly)).status).toBe(403);
    expect((await api("/audit", "GET", undefined, writer)).status).toBe(403);
    expect((await api("/audit", "GET", undefined, null)).status).toBe(401);
  });

  it("shows uploads, deletes, token, user and repository changes with actor names, newest first", async () => {
    await createRepository({ name: "pk-audit", format: "generic", kind: "hosted", visibility: "public" });
    expect((await api("/repositories/pk-audit", "PATCH", { visibility: "private" })).status).toBe(200);
    const token = await api("/tokens", "POST", { name: "audited", scopes: ["read"] }, writer);
    const tokenId = ((await token.json()) as { id: number }).id;
    expect((await api(`/tokens/${tokenId}`, "DELETE", undefined, writer)).status).toBe(204);
    await upload("pk-audit", "tool", "1.0", "t.bin", bytes(3, 9), writer);
    expect((await call("/generic/pk-audit/tool/1.0/t.bin", { method: "DELETE", token: writer })).status).toBe(204);
    expect((await api("/repositories/pk-audit", "DELETE")).status).toBe(204);

    const events = await audit();
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const one = (action: string, repository: string | null = "pk-audit") => events.find((e) => e.action === action && (repository === null || e.repository === repository));
    expect(one("repository.create")).toMatchObject({ actor: "admin", detail: { format: "generic", kind: "hosted" } });
    expect(one("repository.update")).toMatchObject({ actor: "admin", detail: { fields: ["visibility"] } });
    expect(one("repository.delete")).toMatchObject({ actor: "admin" });
    expect(one("file.upload")).toMatchObject({ actor: "pk-uploader", target: "tool/1.0/t.bin", detail: { size: 3 } });
    expect(one("file.delete")).toMatchObject({ actor: "pk-uploader", target: "tool/1.0/t.bin" });
    expect(events.find((e) => e.action === "token.create" && e.target === `token:${tokenId}`)).toMatchObject({ actor: "pk-uploader", detail: { name: "audited", scopes: ["read"] } });
    expect(events.find((e) => e.action === "token.revoke" && e.target === `token:${tokenId}`)).toMatchObject({ actor: "pk-uploader" });
    expect(one("user.create", null)).toMatchObject({ actor: "admin", target: "user:pk-uploader" });
    // Nothing secret is recorded.
    expect(JSON.stringify(events)).not.toContain(writer);

    const uploads = await audit("?action=file.upload&limit=2");
    expect(uploads).toHaveLength(2);
    expect(uploads.every((e) => e.action === "file.upload")).toBe(true);
    const older = await audit(`?action=file.upload&before=${uploads[1]?.id ?? 0}`);
    expect(older.every((e) => e.id < (uploads[1]?.id ?? 0))).toBe(true);
    expect(older.length).toBeGreaterThan(0);
    expect((await api("/audit?limit=0")).status).toBe(400);
  });
});

describe("property rows follow their owner", () => {
  it("deleting a package through the API removes its properties, also those of cascaded versions", async () => {
    const { env } = await import("cloudflare:test");
    await createRepository({ name: "props", format: "generic", kind: "hosted", visibility: "public" });
    await call("/generic/props/tool/1.0/a.bin", { method: "PUT", body: "a" });
    const ids = await env.DB.prepare("SELECT p.id AS pkg, v.id AS ver FROM package p JOIN package_version v ON v.package_id = p.id JOIN repository r ON r.id = p.repository_id WHERE r.name = 'props'").first<{ pkg: number; ver: number }>();
    await env.DB.prepare("INSERT INTO property (ref_type, ref_id, name, value) VALUES ('package', ?, 'x', '1'), ('version', ?, 'y', '2')").bind(ids?.pkg, ids?.ver).run();
    expect((await api("/repositories/props/packages/tool", "DELETE")).status).toBe(204);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM property WHERE (ref_type = 'package' AND ref_id = ?) OR (ref_type = 'version' AND ref_id = ?)").bind(ids?.pkg, ids?.ver).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
