// RubyGems hosted: gem push (raw key in Authorization), the compact index as stored documents
// (versions append-only with ETag = MD5, Repr-Digest, 206 ranges; info; names), downloads,
// quick specs and legacy specs (Marshal, checked by decoding what we can), gem yank, a
// management-API delete followed by the write hook, private
// repositories, bad input refused in plain text with nothing stored.
import { env } from "cloudflare:test";
import { gunzipSync, unzlibSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, call, createRepository } from "../helpers/client";
import { buildGem, gemFile, gemspecYaml, hexDigest } from "./rubygems-fixtures";

function push(gem: Uint8Array, repo = "gems", token: string | null = ADMIN): Promise<Response> {
  // gem push sends the API key as the whole Authorization value.
  return call(`/rubygems/${repo}/api/v1/gems`, { method: "POST", token: null, body: gem, headers: { "Content-Type": "application/octet-stream", ...(token ? { Authorization: token } : {}) } });
}

function yank(form: Record<string, string>, repo = "gems", token: string | null = ADMIN): Promise<Response> {
  return call(`/rubygems/${repo}/api/v1/gems/yank`, { method: "DELETE", token: null, body: new URLSearchParams(form).toString(), headers: { "Content-Type": "application/x-www-form-urlencoded", ...(token ? { Authorization: token } : {}) } });
}

const get = (path: string, headers: Record<string, string> = {}, repo = "gems") => call(`/rubygems/${repo}/${path}`, { token: null, headers });

async function md5(text: string): Promise<string> {
  return hexDigest("MD5", new TextEncoder().encode(text));
}

async function counts(): Promise<{ files: number; versions: number }> {
  const files = (await env.DB.prepare("SELECT count(*) AS n FROM package_file").first<{ n: number }>())?.n ?? 0;
  const versions = (await env.DB.prepare("SELECT count(*) AS n FROM package_version").first<{ n: number }>())?.n ?? 0;
  return { files, versions };
}

beforeAll(async () => {
  await createRepository({ name: "gems", format: "rubygems", kind: "hosted", visibility: "public" });
  await createRepository({ name: "gems-private", format: "rubygems", kind: "hosted", visibility: "private" });
});

describe("rubygems hosted", () => {
  it("pushes a gem and lists it at once in info, versions and names", async () => {
    const gem = await buildGem("demo", "1.0.0", { deps: { rake: [[">=", "1.0"], ["<", "14"]] }, devDeps: { minitest: [["~>", "5.0"]] }, requiredRuby: [[">=", "2.7"]] });
    const res = await push(gem);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Successfully registered gem: demo (1.0.0)\n");

    const sha = await hexDigest("SHA-256", gem);
    const info = await get("info/demo");
    expect(info.status).toBe(200);
    const infoText = await info.text();
    expect(infoText).toBe(`---\n1.0.0 rake:< 14&>= 1.0|checksum:${sha},ruby:>= 2.7\n`);
    expect(info.headers.get("ETag")).toBe(`"${await md5(infoText)}"`);

    const versions = await (await get("versions")).text();
    expect(versions).toMatch(/^created_at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n---\n/);
    expect(versions.endsWith(`demo 1.0.0 ${await md5(infoText)}\n`)).toBe(true);
    expect(await (await get("names")).text()).toBe("---\ndemo\n");
  });

  it("appends to /versions, serves ranges (206) with the whole file's MD5 ETag and Repr-Digest", async () => {
    const before = await get("versions");
    const beforeText = await before.text();
    expect(before.headers.get("Repr-Digest")).toBe(`sha-256=:${btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(beforeText)))))}:`);
    expect((await push(await buildGem("demo", "1.1.0"))).status).toBe(200);
    expect((await push(await buildGem("other", "0.1.0", { platform: "x86_64-linux" }))).status).toBe(200);
    const after = await (await get("versions")).text();
    expect(after.startsWith(beforeText)).toBe(true);
    const appended = after.slice(beforeText.length);
    const demoInfo = await (await get("info/demo")).text();
    expect(appended).toContain(`demo 1.1.0 ${await md5(demoInfo)}\n`);
    expect(appended).toContain("other 0.1.0-x86_64-linux ");

    // Bundler: Range from its size - 1, If-None-Match with the MD5 of its copy.
    const ranged = await get("versions", { Range: `bytes=${beforeText.length - 1}-`, "If-None-Match": `"${await md5(beforeText)}"` });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe(`\n${appended}`);
    expect(ranged.headers.get("ETag")).toBe(`"${await md5(after)}"`);
    const unchanged = await get("versions", { "If-None-Match": `"${await md5(after)}"` });
    expect(unchanged.status).toBe(304);
    // A copy longer than the file (a rewrite): the whole file, not a 416.
    const beyond = await get("versions", { Range: `bytes=${after.length + 10}-` });
    expect(beyond.status).toBe(200);
    expect(await (await get("names")).text()).toBe("---\ndemo\nother\n");
  });

  it("serves the .gem, the quick specification and the legacy specs", async () => {
    const gem = await buildGem("demo", "1.2.0.pre", { summary: "prerelease" });
    expect((await push(gem)).status).toBe(200);
    const download = await get(`gems/${gemFile("demo", "1.2.0.pre")}`);
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(gem);
    expect((await get("gems/demo-9.9.9.gem")).status).toBe(404);

    const quick = await get("quick/Marshal.4.8/other-0.1.0-x86_64-linux.gemspec.rz");
    expect(quick.status).toBe(200);
    const marshal = unzlibSync(new Uint8Array(await quick.arrayBuffer()));
    expect(Buffer.from(marshal.subarray(0, 23)).toString("latin1")).toBe("\x04\bu:\x17Gem::Specification");
    expect(Buffer.from(marshal).toString("latin1")).toContain("x86_64-linux");

    const specs = Buffer.from(gunzipSync(new Uint8Array(await (await get("specs.4.8.gz")).arrayBuffer()))).toString("latin1");
    expect(specs).toContain("demo");
    expect(specs).toContain("1.1.0");
    expect(specs).not.toContain("1.2.0.pre");
    const latest = Buffer.from(gunzipSync(new Uint8Array(await (await get("latest_specs.4.8.gz")).arrayBuffer()))).toString("latin1");
    expect(latest).toContain("1.1.0");
    expect(latest).not.toContain("1.0.0");
    const pre = Buffer.from(gunzipSync(new Uint8Array(await (await get("prerelease_specs.4.8.gz")).arrayBuffer()))).toString("latin1");
    expect(pre).toContain("1.2.0.pre");
    expect(pre).not.toContain("1.1.0");
  });

  it("stores a large gem whole after reading its metadata.gz from the first bytes", async () => {
    const raw = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < raw.length; i += 65536) crypto.getRandomValues(raw.subarray(i, i + 65536));
    let noise = "";
    for (let i = 0; i < raw.length; i += 8192) noise += String.fromCharCode(...raw.subarray(i, i + 8192).map((b) => 33 + (b % 90)));
    const gem = await buildGem("large", "1.0.0", { lib: `# ${noise}\n` });
    expect(gem.length).toBeGreaterThan(2 * 1024 * 1024);
    expect((await push(gem)).status).toBe(200);
    const download = await get(`gems/${gemFile("large", "1.0.0")}`);
    expect(await hexDigest("SHA-256", new Uint8Array(await download.arrayBuffer()))).toBe(await hexDigest("SHA-256", gem));
  });

  it("answers the root (RubyGems' compact index probe)", async () => {
    expect((await call("/rubygems/gems/", { method: "HEAD", token: null })).status).toBe(200);
    expect((await call("/rubygems/gems", { token: null })).status).toBe(200);
  });

  it("refuses a second push of a version, and a name differing only in case", async () => {
    const again = await push(await buildGem("demo", "1.0.0"));
    expect(again.status).toBe(409);
    expect(await again.text()).toBe("Repushing of gem versions is not allowed.\nPlease use `gem yank` to remove bad gem releases.\n");
    const cased = await push(await buildGem("Demo", "3.0.0"));
    expect(cased.status).toBe(409);
    expect(await cased.text()).toMatch(/The gem name Demo conflicts with the existing gem demo/);
  });

  it("yanks: gone from info and versions (a -version line), then refused a second time", async () => {
    const before = await (await get("versions")).text();
    const res = await yank({ gem_name: "demo", version: "1.1.0" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Successfully deleted gem: demo (1.1.0)\n");
    const info = await (await get("info/demo")).text();
    expect(info).not.toContain("1.1.0");
    const after = await (await get("versions")).text();
    expect(after.slice(before.length)).toBe(`demo -1.1.0 ${await md5(info)}\n`);
    expect((await yank({ gem_name: "demo", version: "1.1.0" })).status).toBe(409);
    expect((await yank({ gem_name: "demo", version: "7.0.0" })).status).toBe(404);
    expect((await push(await buildGem("demo", "1.1.0"))).status).toBe(409);
    // Platform gems are yanked with their platform.
    expect((await yank({ gem_name: "other", version: "0.1.0" })).status).toBe(404);
    expect((await yank({ gem_name: "other", version: "0.1.0", platform: "x86_64-linux" })).status).toBe(200);
    expect(await (await get("names")).text()).toBe("---\ndemo\nlarge\n");
  });

  it("follows a management-API delete: /info and /versions updated by the write hook", async () => {
    const before = await (await get("versions")).text();
    expect((await api("/repositories/gems/packages/demo/versions/1.2.0.pre", "DELETE")).status).toBe(204);
    const info = await (await get("info/demo")).text();
    expect(info).not.toContain("1.2.0.pre");
    expect((await (await get("versions")).text()).slice(before.length)).toBe(`demo -1.2.0.pre ${await md5(info)}\n`);
  });

  it.each([
    ["not a tar", async () => new TextEncoder().encode("definitely not a gem"), /invalid gem/],
    ["a tar without metadata.gz", () => buildGem("broken", "1.0.0", { withoutMetadata: true }), /invalid gem: metadata.gz is missing/],
    ["metadata.gz that is not YAML", () => buildGem("broken", "1.0.0", { yaml: "--- [unclosed" }), /invalid gem: metadata.gz is not valid YAML/],
    ["an invalid name", () => buildGem("broken", "1.0.0", { yaml: gemspecYaml("bad/name", "1.0.0") }), /invalid gem: invalid name/],
    ["a version with a dash", () => buildGem("broken", "1.0.0", { yaml: gemspecYaml("broken", "1.0-rc1") }), /invalid gem: invalid version "1.0-rc1"/],
    ["a specification that is not a map", () => buildGem("broken", "1.0.0", { yaml: "--- just a string\n" }), /not a Gem::Specification/],
  ])("refuses %s in plain text and stores nothing", async (_what, make, message) => {
    const before = await counts();
    const res = await push(await make());
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toContain("text/plain");
    expect(await res.text()).toMatch(message);
    expect(await counts()).toEqual(before);
    expect((await get("info/broken")).status).toBe(404);
  });

  it("needs credentials to push (401 with a challenge) and hides private repositories", async () => {
    const anonymous = await push(await buildGem("sneaky", "1.0.0"), "gems", null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toContain("Basic");
    expect((await push(await buildGem("sneaky", "1.0.0"), "gems", "wrong-token")).status).toBe(401);
    expect((await push(await buildGem("secret", "1.0.0"), "gems-private")).status).toBe(200);
    expect((await get("info/secret", {}, "gems-private")).status).toBe(401);
    expect((await get("info/secret", {}, "no-such-repo")).status).toBe(401);
    const basic = `Basic ${btoa(`user:${ADMIN}`)}`;
    expect((await get("info/secret", { Authorization: basic }, "gems-private")).status).toBe(200);
    expect((await get("versions", { Authorization: basic }, "gems-private")).status).toBe(200);
  });
});
