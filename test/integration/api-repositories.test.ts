// Management API for repositories: create/read/list/change/delete of every kind, the
// cross-table rules for remotes and virtuals, write-only encrypted upstream credentials,
// and how malformed or wrongly typed input is reported.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createRepository, createToken } from "../helpers/client";

interface ApiError {
  error: { code: string; message: string; field?: string };
}
interface RepositoryBody {
  name: string;
  format: string;
  kind: string;
  visibility: string;
  url: string;
  settings: Record<string, unknown>;
  remote?: { url: string; username: string | null; hasPassword: boolean; timeoutMs: number };
  members?: { repository: string; kind: string; priority: number }[];
}

async function expectError(res: Response, status: number, field?: string): Promise<ApiError> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text) as ApiError;
  if (field !== undefined) expect(body.error.field, text).toBe(field);
  return body;
}

async function repo(name: string): Promise<RepositoryBody> {
  const res = await api(`/repositories/${name}`);
  expect(res.status).toBe(200);
  return res.json();
}

describe("repositories: create, read, list, change, delete", () => {
  it("creates hosted, remote and virtual repositories of several formats", async () => {
    const generic = await createRepository({ name: "c-generic", format: "generic", kind: "hosted", visibility: "public" });
    expect(generic).toMatchObject({ name: "c-generic", format: "generic", kind: "hosted", visibility: "public", url: "/generic/c-generic/" });
    const maven = await createRepository({ name: "c-maven", format: "maven", kind: "hosted" });
    expect(maven).toMatchObject({ format: "maven", visibility: "private" });
    expect(maven.settings).toMatchObject({ duplicates: "reject", shielding: true, allowRedeploy: false });
    const npmRemote = await createRepository({ name: "c-npm-remote", format: "npm", kind: "remote", remote: { url: "https://registry.npmjs.org" } });
    expect(npmRemote).toMatchObject({ kind: "remote", remote: { url: "https://registry.npmjs.org", username: null, hasPassword: false } });
    const oci = await createRepository({ name: "c-oci", format: "oci", kind: "hosted" });
    expect(oci.url).toBe("/v2/c-oci/");
    await createRepository({ name: "c-npm", format: "npm", kind: "hosted" });
    const virtual = await createRepository({
      name: "c-npm-all", format: "npm", kind: "virtual",
      members: [{ repository: "c-npm" }, { repository: "c-npm-remote" }],
      settings: { deployMember: "c-npm" },
    });
    expect(virtual).toMatchObject({ kind: "virtual", settings: { deployMember: "c-npm" } });
    expect(virtual.members).toEqual([
      { repository: "c-npm", kind: "hosted", priority: 0, include: null, exclude: null },
      { repository: "c-npm-remote", kind: "remote", priority: 0, include: null, exclude: null },
    ]);

    expect(await repo("c-npm-all")).toMatchObject({ name: "c-npm-all", members: virtual.members });
    const list = await api("/repositories");
    const names = ((await list.json()) as { repositories: RepositoryBody[] }).repositories.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["c-generic", "c-maven", "c-npm-remote", "c-oci", "c-npm", "c-npm-all"]));
  });

  it("lists only what the caller can read", async () => {
    await createRepository({ name: "l-public", format: "generic", kind: "hosted", visibility: "public" });
    await createRepository({ name: "l-private", format: "generic", kind: "hosted", visibility: "private" });
    const names = async (token: string | null) =>
      ((await (await api("/repositories", "GET", undefined, token)).json()) as { repositories: RepositoryBody[] }).repositories.map((r) => r.name);
    const anonymous = await names(null);
    expect(anonymous).toContain("l-public");
    expect(anonymous).not.toContain("l-private");
    expect(await names(await createToken({ name: "reader", scopes: ["read"], repositories: ["l-private"] }))).toContain("l-private");
    await expectError(await api("/repositories/l-private", "GET", undefined, null), 404);
  });

  it("rejects a duplicate name with 409", async () => {
    await createRepository({ name: "dup", format: "generic", kind: "hosted" });
    const body = await expectError(await api("/repositories", "POST", { name: "dup", format: "npm", kind: "hosted" }), 409, "name");
    expect(body.error.code).toBe("exists");
  });

  it("changes visibility, settings, upstream and members", async () => {
    await createRepository({ name: "p-hosted", format: "pypi", kind: "hosted" });
    await createRepository({ name: "p-hosted2", format: "pypi", kind: "hosted" });
    await createRepository({ name: "p-remote", format: "pypi", kind: "remote", remote: { url: "https://pypi.org/simple" } });
    await createRepository({ name: "p-virtual", format: "pypi", kind: "virtual", members: [{ repository: "p-hosted" }] });

    const res = await api("/repositories/p-hosted", "PATCH", { visibility: "public", settings: { duplicates: "keep", maxFileSize: 1024 } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ visibility: "public", settings: { duplicates: "keep", maxFileSize: 1024 } });
    expect(await repo("p-hosted")).toMatchObject({ visibility: "public", settings: { duplicates: "keep" } });

    const remote = await api("/repositories/p-remote", "PATCH", { remote: { timeoutMs: 5000, username: "bot" } });
    expect(await remote.json()).toMatchObject({ remote: { url: "https://pypi.org/simple", username: "bot", timeoutMs: 5000, hasPassword: false } });

    const virtual = await api("/repositories/p-virtual", "PATCH", { members: [{ repository: "p-hosted2" }, { repository: "p-remote", priority: 5 }] });
    expect(((await virtual.json()) as RepositoryBody).members?.map((m) => m.repository)).toEqual(["p-remote", "p-hosted2"]);

    await expectError(await api("/repositories/p-hosted", "PATCH", { members: [{ repository: "p-hosted2" }] }), 400, "members");
    await expectError(await api("/repositories/p-hosted", "PATCH", { remote: { url: "https://example.com" } }), 400, "remote");
    await expectError(await api("/repositories/p-virtual", "PATCH", { settings: { deployMember: "p-remote" } }), 400, "settings.deployMember");
    await expectError(await api("/repositories/p-hosted", "PATCH", { visibility: "secret" }), 400, "visibility");
    await expectError(await api("/repositories/nope", "PATCH", { visibility: "public" }), 404);
  });

  it("deletes a repository; a second delete and reads are 404", async () => {
    await createRepository({ name: "d-gone", format: "generic", kind: "hosted", visibility: "public" });
    expect((await api("/repositories/d-gone", "DELETE")).status).toBe(204);
    await expectError(await api("/repositories/d-gone"), 404);
    await expectError(await api("/repositories/d-gone", "DELETE"), 404);
  });

  it("answers 404 for an unknown repository", async () => {
    const body = await expectError(await api("/repositories/does-not-exist"), 404);
    expect(body.error.code).toBe("not_found");
    await expectError(await api("/repositories/does-not-exist/packages"), 404);
  });

  it("needs an admin to create, change or delete", async () => {
    await createRepository({ name: "a-owned", format: "generic", kind: "hosted" });
    const writer = await createToken({ name: "writer", scopes: ["write"] });
    await expectError(await api("/repositories", "POST", { name: "a-new", format: "generic", kind: "hosted" }, writer), 403);
    await expectError(await api("/repositories/a-owned", "PATCH", { visibility: "public" }, writer), 403);
    await expectError(await api("/repositories/a-owned", "DELETE", undefined, writer), 403);
    await expectError(await api("/repositories", "POST", { name: "a-new", format: "generic", kind: "hosted" }, null), 401);
  });
});

describe("remote and virtual rules", () => {
  it("requires remote.url for a remote and refuses it elsewhere", async () => {
    await expectError(await api("/repositories", "POST", { name: "r-none", format: "npm", kind: "remote" }), 400, "remote");
    await expectError(await api("/repositories", "POST", { name: "r-nourl", format: "npm", kind: "remote", remote: {} }), 400, "remote.url");
    await expectError(await api("/repositories", "POST", { name: "r-ftp", format: "npm", kind: "remote", remote: { url: "ftp://x.example" } }), 400, "remote.url");
    await expectError(await api("/repositories", "POST", { name: "r-hosted", format: "npm", kind: "hosted", remote: { url: "https://x.example" } }), 400, "remote");
    await expectError(await api("/repositories", "POST", { name: "r-members", format: "npm", kind: "hosted", members: [] }), 400, "members");
  });

  it("checks virtual members: exist, same format, not virtual, no duplicates, at most 20", async () => {
    await createRepository({ name: "v-maven", format: "maven", kind: "hosted" });
    await createRepository({ name: "v-npm", format: "npm", kind: "hosted" });
    await createRepository({ name: "v-npm-virtual", format: "npm", kind: "virtual", members: [{ repository: "v-npm" }] });
    const create = (members: unknown) => api("/repositories", "POST", { name: "v-bad", format: "npm", kind: "virtual", members });

    await expectError(await create([{ repository: "v-npm" }, { repository: "v-missing" }]), 400, "members.1.repository");
    await expectError(await create([{ repository: "v-maven" }]), 400, "members.0.repository");
    await expectError(await create([{ repository: "v-npm-virtual" }]), 400, "members.0.repository");
    await expectError(await create([{ repository: "v-npm" }, { repository: "v-npm" }]), 400, "members");
    await expectError(await api("/repositories", "POST", { name: "v-self", format: "npm", kind: "virtual", members: [{ repository: "v-self" }] }), 400, "members.0.repository");

    const many: { repository: string }[] = [];
    for (let i = 0; i < 21; i++) {
      await createRepository({ name: `v-m${i}`, format: "npm", kind: "hosted" });
      many.push({ repository: `v-m${i}` });
    }
    await expectError(await create(many), 400, "members");
    const twenty = await api("/repositories", "POST", { name: "v-twenty", format: "npm", kind: "virtual", members: many.slice(0, 20) });
    expect(twenty.status, await twenty.clone().text()).toBe(201);
    expect(((await twenty.json()) as RepositoryBody).members).toHaveLength(20);
    await expectError(await api("/repositories/v-twenty", "PATCH", { members: many }), 400, "members");
    // Nothing was written by the rejected attempts.
    await expectError(await api("/repositories/v-bad"), 404);
  });

  it("requires deployMember to be a hosted member", async () => {
    await createRepository({ name: "dm-hosted", format: "cargo", kind: "hosted" });
    await createRepository({ name: "dm-other", format: "cargo", kind: "hosted" });
    await createRepository({ name: "dm-remote", format: "cargo", kind: "remote", remote: { url: "https://index.crates.io" } });
    const create = (deployMember: string) =>
      api("/repositories", "POST", { name: "dm-virtual", format: "cargo", kind: "virtual", members: [{ repository: "dm-hosted" }, { repository: "dm-remote" }], settings: { deployMember } });
    await expectError(await create("dm-remote"), 400, "settings.deployMember");
    await expectError(await create("dm-other"), 400, "settings.deployMember");
    expect((await create("dm-hosted")).status).toBe(201);
  });

  it("orders members by priority (highest first), then by the order they were added", async () => {
    for (const name of ["o-a", "o-b", "o-c", "o-d"]) await createRepository({ name, format: "helm", kind: "hosted" });
    const created = await createRepository({
      name: "o-virtual", format: "helm", kind: "virtual",
      members: [{ repository: "o-a", priority: 1 }, { repository: "o-b", priority: 10 }, { repository: "o-c", priority: 1 }, { repository: "o-d", priority: -3 }],
    });
    const expected = ["o-b", "o-a", "o-c", "o-d"];
    expect((created as unknown as RepositoryBody).members?.map((m) => m.repository)).toEqual(expected);
    expect((await repo("o-virtual")).members?.map((m) => `${m.repository}:${m.priority}`)).toEqual(["o-b:10", "o-a:1", "o-c:1", "o-d:-3"]);
  });
});

describe("upstream credentials", () => {
  const password = "s3cret-upstream-Pa55word";

  it("are write-only: never in GET, list or PATCH responses; hasPassword instead", async () => {
    const created = await createRepository({ name: "cred-remote", format: "maven", kind: "remote", remote: { url: "https://repo.example/maven2", username: "ci", password } });
    expect(JSON.stringify(created)).not.toContain(password);
    expect(created).toMatchObject({ remote: { username: "ci", hasPassword: true } });
    expect(created.remote).not.toHaveProperty("password");

    const single = await api("/repositories/cred-remote");
    const list = await api("/repositories");
    for (const text of [await single.text(), await list.text()]) {
      expect(text).not.toContain(password);
      expect(text).toContain('"hasPassword":true');
    }
    const next = "another-Secret-9876";
    const patched = await api("/repositories/cred-remote", "PATCH", { remote: { password: next } });
    const patchedText = await patched.text();
    expect(patched.status).toBe(200);
    expect(patchedText).not.toContain(next);
    expect((JSON.parse(patchedText) as RepositoryBody).remote?.hasPassword).toBe(true);
  });

  it("are stored encrypted in D1", async () => {
    await createRepository({ name: "cred-stored", format: "npm", kind: "remote", remote: { url: "https://npm.example", password } });
    const row = await env.DB.prepare("SELECT rc.* FROM remote_config rc JOIN repository r ON r.id = rc.repository_id WHERE r.name = ?").bind("cred-stored").first<Record<string, unknown>>();
    expect(row).not.toBeNull();
    expect(typeof row?.secret_encrypted).toBe("string");
    expect(JSON.stringify(row)).not.toContain(password);
    expect(JSON.stringify(row)).not.toContain(btoa(password));
    // Two encryptions of the same password differ (random IV), so equal secrets do not show.
    await createRepository({ name: "cred-stored2", format: "npm", kind: "remote", remote: { url: "https://npm.example", password } });
    const rows = await env.DB.prepare("SELECT secret_encrypted FROM remote_config WHERE secret_encrypted IS NOT NULL").all<{ secret_encrypted: string }>();
    const secrets = rows.results.map((r) => r.secret_encrypted);
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});

describe("request validation", () => {
  it("reports malformed JSON as 400 with field (body)", async () => {
    const body = await expectError(await api("/repositories", "POST", "{not json"), 400, "(body)");
    expect(body.error.code).toBe("bad_request");
    await expectError(await api("/repositories", "POST", ""), 400, "(body)");
    await expectError(await api("/tokens", "POST", "{\"name\":"), 400, "(body)");
  });

  it("names the field of wrongly typed JSON", async () => {
    await expectError(await api("/repositories", "POST", { name: 5, format: "generic", kind: "hosted" }), 400, "name");
    await expectError(await api("/repositories", "POST", { name: "t-ok", format: "tarball", kind: "hosted" }), 400, "format");
    await expectError(await api("/repositories", "POST", { name: "t-ok", format: "generic", kind: "mirror" }), 400, "kind");
    await expectError(await api("/repositories", "POST", { name: "Bad Name", format: "generic", kind: "hosted" }), 400, "name");
    await expectError(await api("/repositories", "POST", { name: "t-ok", format: "generic", kind: "hosted", settings: { maxFileSize: "big" } }), 400, "settings.maxFileSize");
    await expectError(await api("/repositories", "POST", [1, 2]), 400, "(body)");
    await expectError(await api("/tokens", "POST", { name: "x", scopes: ["root"] }), 400, "scopes.0");
  });

  it("rejects unknown keys, including inside settings", async () => {
    const top = await expectError(await api("/repositories", "POST", { name: "t-unknown", format: "generic", kind: "hosted", colour: "blue" }), 400, "colour");
    expect(top.error.message).toContain("colour");
    const nested = await expectError(await api("/repositories", "POST", { name: "t-unknown", format: "generic", kind: "hosted", settings: { duplicate: "keep" } }), 400, "settings.duplicate");
    expect(nested.error.message).toContain("duplicate");
    await expectError(await api("/repositories/t-unknown"), 404);
  });
});
