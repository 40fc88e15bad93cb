/**
 * The npm format's hosted repository driven by the real npm 11 CLI (system npm, scrubbed
 * environment, its own HOME, cache and npmrc with the token as `//host:port/npm/npm-local/:_authToken=`):
 * publish (scoped and unscoped, two versions), a duplicate publish refused with npm's
 * message, install into clean projects (node_modules content, lockfile URLs, `require`),
 * dist-tag add/ls/rm, deprecate (npm install prints the warning, npm view shows it) and
 * undeprecate, view, whoami, ping, search, unpublish of a version and of the whole package.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiOk, runCli, startRegistry, type Registry } from "./harness";
import { npmClient, npmToolsGate, output, tinyPackageFiles, type NpmClient } from "./npm";

const gate = npmToolsGate();

describe.skipIf(gate.skip)("npm hosted repository with the npm CLI", () => {
  let registry: Registry;
  let client: NpmClient;
  let work: string;
  let registryUrl: string;
  let seq = 0;

  /** A directory with package.json + index.js for `npm publish`. */
  async function packageDir(name: string, version: string, extra: Record<string, unknown> = {}): Promise<string> {
    const dir = join(work, `pkg-${++seq}`);
    await mkdir(dir);
    const files = tinyPackageFiles({ name, version, description: `hello from ${name} ${version}` });
    const manifest = { ...JSON.parse(files["package.json"] ?? "{}"), keywords: ["e2e", "greeting"], ...extra };
    await writeFile(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    await writeFile(join(dir, "index.js"), files["index.js"] ?? "");
    return dir;
  }
  /** A fresh project directory (no .npmrc of its own) with a package.json. */
  async function project(): Promise<string> {
    const dir = join(work, `app-${++seq}`);
    await mkdir(dir);
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: `app-${seq}`, version: "1.0.0", private: true }));
    return dir;
  }
  const npm = (args: string[], cwd?: string) => client.npm(args, cwd === undefined ? {} : { cwd });
  const ok = async (args: string[], cwd?: string) => {
    const r = await npm(args, cwd);
    expect(r.code, `npm ${args.join(" ")}\n${output(r)}`).toBe(0);
    return r;
  };
  const viewJson = async (spec: string, field?: string): Promise<any> => {
    const r = await ok(["view", spec, ...(field ? [field] : []), "--json", "--prefer-online"]);
    return r.stdout.trim() === "" ? undefined : JSON.parse(r.stdout);
  };
  /** `npm view … versions --json` prints a bare string for a single version. */
  const versions = async (spec: string): Promise<string[]> => [await viewJson(spec, "versions")].flat();
  const readJson = async (path: string): Promise<any> => JSON.parse(await readFile(path, "utf8"));

  beforeAll(async () => {
    gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-npm-hosted-"));
    registry = await startRegistry({ label: "edge-registry-e2e-npm-hosted" });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: "npm-local", format: "npm", kind: "hosted", visibility: "private" } });
    const token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-npm", scopes: ["read", "write"] } })).token;
    registryUrl = `${registry.baseUrl}/npm/npm-local/`;
    client = await npmClient(gate.tools, { registry: registryUrl, token, label: "edge-registry-e2e-npm-hosted-client" });
  });

  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail" && registry) console.error(`--- wrangler dev log (tail) ---\n${registry.logs().slice(-6000)}`);
  });

  afterAll(async () => {
    await registry?.stop();
    await client?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("npm --version is 11", async () => {
    const r = await ok(["--version"]);
    expect(r.stdout.trim()).toMatch(/^11\./);
  });

  it("publishes a scoped package (1.0.0, then 1.1.0) and an unscoped one", async () => {
    const first = await ok(["publish"], await packageDir("@e2e/hello", "1.0.0"));
    expect(first.stdout).toContain("+ @e2e/hello@1.0.0");
    await ok(["publish"], await packageDir("@e2e/hello", "1.1.0"));
    const plain = await ok(["publish"], await packageDir("e2e-plain", "0.3.0", { dependencies: { "@e2e/hello": "^1.0.0" } }));
    expect(plain.stdout).toContain("+ e2e-plain@0.3.0");
    expect(await versions("@e2e/hello")).toEqual(["1.0.0", "1.1.0"]);
    expect(await viewJson("@e2e/hello", "dist-tags")).toEqual({ latest: "1.1.0" });
    const listed = await apiOk<{ versions: Array<{ version: string }> }>(registry, 200, `/repositories/npm-local/packages/${encodeURIComponent("@e2e/hello")}/versions`);
    expect(listed.versions.map((v) => v.version).sort()).toEqual(["1.0.0", "1.1.0"]);
  });

  it("a duplicate publish fails with npm's message and changes nothing", async () => {
    const r = await npm(["publish"], await packageDir("@e2e/hello", "1.1.0", { description: "different bytes" }));
    expect(r.code, output(r)).not.toBe(0);
    expect(r.stderr).toContain("You cannot publish over the previously published versions");
    expect(await viewJson("@e2e/hello@1.1.0", "description")).toBe("hello from @e2e/hello 1.1.0");
  });

  it("npm view shows the package as published", async () => {
    const doc = await viewJson("@e2e/hello");
    expect(doc.name).toBe("@e2e/hello");
    expect(doc.version).toBe("1.1.0");
    expect(doc.description).toBe("hello from @e2e/hello 1.1.0");
    expect(doc.dist.tarball).toBe(`${registryUrl}@e2e/hello/-/hello-1.1.0.tgz`);
    expect(doc.dist.integrity).toMatch(/^sha512-/);
    const text = await ok(["view", "e2e-plain"]);
    expect(text.stdout).toContain("e2e-plain@0.3.0");
    expect(text.stdout).toContain("@e2e/hello: ^1.0.0");
  });

  it("installs from a clean project: node_modules content, lockfile URLs, require()", async () => {
    const dir = await project();
    await ok(["install", "e2e-plain"], dir);
    const hello = await readJson(join(dir, "node_modules", "@e2e", "hello", "package.json"));
    expect(hello.version).toBe("1.1.0");
    expect(await readFile(join(dir, "node_modules", "@e2e", "hello", "index.js"), "utf8")).toBe(`module.exports = ${JSON.stringify({ name: "@e2e/hello", version: "1.1.0" })};\n`);
    expect((await readJson(join(dir, "node_modules", "e2e-plain", "package.json"))).version).toBe("0.3.0");
    const lock = await readJson(join(dir, "package-lock.json"));
    expect(lock.packages["node_modules/e2e-plain"].resolved).toBe(`${registryUrl}e2e-plain/-/e2e-plain-0.3.0.tgz`);
    expect(lock.packages["node_modules/@e2e/hello"].resolved).toBe(`${registryUrl}@e2e/hello/-/hello-1.1.0.tgz`);
    expect(lock.packages["node_modules/@e2e/hello"].integrity).toMatch(/^sha512-/);
    const run = await runCli("node", ["-p", "JSON.stringify([require('e2e-plain'), require('@e2e/hello')])"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([{ name: "e2e-plain", version: "0.3.0" }, { name: "@e2e/hello", version: "1.1.0" }]);
    // npm ci from that lockfile with an empty cache gets the same bytes (integrity checked by npm).
    await rm(join(dir, "node_modules"), { recursive: true });
    await ok(["ci", "--cache", join(work, `ci-cache-${++seq}`)], dir);
    expect((await readJson(join(dir, "node_modules", "@e2e", "hello", "package.json"))).version).toBe("1.1.0");
  });

  it("dist-tag add, ls, install by tag, rm", async () => {
    await ok(["dist-tag", "add", "@e2e/hello@1.0.0", "stable"]);
    const ls = await ok(["dist-tag", "ls", "@e2e/hello"]);
    expect(ls.stdout.trim().split("\n").sort()).toEqual(["latest: 1.1.0", "stable: 1.0.0"]);
    const dir = await project();
    await ok(["install", "@e2e/hello@stable", "--prefer-online"], dir);
    expect((await readJson(join(dir, "node_modules", "@e2e", "hello", "package.json"))).version).toBe("1.0.0");
    await ok(["dist-tag", "rm", "@e2e/hello", "stable"]);
    const after = await ok(["dist-tag", "ls", "@e2e/hello"]);
    expect(after.stdout.trim()).toBe("latest: 1.1.0");
  });

  it("deprecate: npm view shows it and npm install warns; undeprecate clears it", async () => {
    await ok(["deprecate", "@e2e/hello@1.0.0", "use 1.1.0"]);
    expect(await viewJson("@e2e/hello@1.0.0", "deprecated")).toBe("use 1.1.0");
    expect(await viewJson("@e2e/hello@1.1.0", "deprecated")).toBeUndefined();
    const dir = await project();
    const install = await ok(["install", "@e2e/hello@1.0.0", "--prefer-online"], dir);
    expect(install.stderr).toMatch(/npm warn deprecated @e2e\/hello@1\.0\.0: use 1\.1\.0/);
    expect((await readJson(join(dir, "node_modules", "@e2e", "hello", "package.json"))).version).toBe("1.0.0");

    await ok(["undeprecate", "@e2e/hello@1.0.0"]);
    expect(await viewJson("@e2e/hello@1.0.0", "deprecated")).toBeUndefined();
    const again = await project();
    const quiet = await ok(["install", "@e2e/hello@1.0.0", "--prefer-online"], again);
    expect(quiet.stderr).not.toMatch(/deprecated/);
    expect(await versions("@e2e/hello")).toEqual(["1.0.0", "1.1.0"]);
  });

  it("whoami and ping", async () => {
    const who = await ok(["whoami"]);
    expect(who.stdout.trim()).not.toBe("");
    const ping = await ok(["ping"]);
    expect(`${ping.stdout}${ping.stderr}`).toMatch(/PONG/);
  });

  it("search finds the packages by name, description and keyword", async () => {
    const r = await ok(["search", "hello", "--json"]);
    const names = (JSON.parse(r.stdout) as Array<{ name: string }>).map((p) => p.name);
    expect(names).toContain("@e2e/hello");
    const byKeyword = await ok(["search", "keywords:greeting", "--json"]);
    expect((JSON.parse(byKeyword.stdout) as Array<{ name: string }>).map((p) => p.name).sort()).toEqual(["@e2e/hello", "e2e-plain"]);
    const none = await ok(["search", "zzz-nothing-like-this", "--json"]);
    expect(JSON.parse(none.stdout)).toEqual([]);
  });

  it("unpublish one version, then the whole package", async () => {
    await ok(["unpublish", "@e2e/hello@1.0.0"]);
    expect(await versions("@e2e/hello")).toEqual(["1.1.0"]);
    const dir = await project();
    const gone = await npm(["install", "@e2e/hello@1.0.0", "--prefer-online"], dir);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/ETARGET|No matching version/);

    await ok(["unpublish", "@e2e/hello", "--force"]);
    const view = await npm(["view", "@e2e/hello", "--prefer-online"]);
    expect(view.code).not.toBe(0);
    expect(view.stderr).toMatch(/E404/);
    expect((await readJson(join(await unscopedLeft(), "package.json"))).version).toBe("0.3.0");
  });

  /** The unscoped package is untouched by the scoped unpublish: install it again. */
  async function unscopedLeft(): Promise<string> {
    expect(await versions("e2e-plain")).toEqual(["0.3.0"]);
    const dir = await project();
    await ok(["view", "e2e-plain", "name"], dir);
    const r = await npm(["pack", "e2e-plain", "--pack-destination", dir], dir);
    expect(r.code, output(r)).toBe(0);
    const unpack = await runCli("tar", ["-xzf", join(dir, "e2e-plain-0.3.0.tgz"), "-C", dir]);
    expect(unpack.code, unpack.stderr).toBe(0);
    return join(dir, "package");
  }
});
