/**
 * npm remote + virtual repositories with real clients, and a real npm registry as the
 * upstream: a local Verdaccio 6.8 (temp config and storage, no uplinks) into which npm
 * publishes a few packages (one depending on another, one name that our hosted member also
 * has). Our remote repository points at Verdaccio, our hosted member holds a private
 * package depending on Verdaccio packages (published with npm through the virtual URL, so
 * it lands in the deploy member), and a private virtual repository covers both.
 *
 * yarn classic, pnpm 10 and npm 11 each install the private package (and transitively the
 * Verdaccio ones) through the virtual URL from clean projects with empty caches: node_modules
 * holds the right versions, `require()` walks the whole tree, and every tarball URL in the
 * lockfile points at the virtual repository. Shielding: the name both Verdaccio and the
 * hosted member have resolves to the hosted package only.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiOk, runCli, startRegistry, type Registry } from "./harness";
import { NPM_TOOL_PINS, npmClient, npmToolsGate, output, startVerdaccio, type NpmClient, type Verdaccio } from "./npm";

const gate = npmToolsGate();

interface Pkg {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  /** index.js; default exports {name, version}. */
  index?: string;
}

/** What require() of the private package returns once the whole tree resolves. */
const EXPECTED_TREE = {
  name: "@corp/private-app",
  version: "1.0.0",
  util: { name: "@vd/util", version: "2.1.0", base: { name: "vd-base", version: "1.2.0" } },
  shadowed: { name: "shadowed", version: "1.0.0", from: "hosted" },
};

describe.skipIf(gate.skip)("npm virtual repository (hosted + remote → Verdaccio) with yarn, pnpm and npm", () => {
  let registry: Registry;
  let verdaccio: Verdaccio;
  let work: string;
  let token: string;
  let virtualUrl: string;
  let hostedUrl: string;
  let remoteUrl: string;
  const clients: NpmClient[] = [];
  let seq = 0;

  async function packageDir(pkg: Pkg): Promise<string> {
    const dir = join(work, `pkg-${++seq}`);
    await mkdir(dir);
    const manifest = { name: pkg.name, version: pkg.version, description: `${pkg.name} e2e`, main: "index.js", license: "MIT", ...(pkg.dependencies ? { dependencies: pkg.dependencies } : {}) };
    await writeFile(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    await writeFile(join(dir, "index.js"), pkg.index ?? `module.exports = ${JSON.stringify({ name: pkg.name, version: pkg.version })};\n`);
    return dir;
  }
  async function client(registryUrl: string, clientToken: string, label: string): Promise<NpmClient> {
    const c = await npmClient(gate.tools, { registry: registryUrl, token: clientToken, label: `edge-registry-e2e-npm-virtual-${label}` });
    clients.push(c);
    return c;
  }
  async function publish(c: NpmClient, pkg: Pkg): Promise<void> {
    const r = await c.npm(["publish"], { cwd: await packageDir(pkg) });
    expect(r.code, `publish ${pkg.name}@${pkg.version}\n${output(r)}`).toBe(0);
  }
  /** A clean project depending on the private package, with a project .npmrc (registry + token). */
  async function project(label: string, extraNpmrc: string[] = []): Promise<string> {
    const dir = join(work, `${label}-${++seq}`);
    await mkdir(dir);
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: `${label}-app`, version: "1.0.0", private: true, dependencies: { "@corp/private-app": "^1.0.0" } }, null, 2));
    const auth = `//${new URL(virtualUrl).host}${new URL(virtualUrl).pathname}:_authToken=${token}`;
    await writeFile(join(dir, ".npmrc"), [`registry=${virtualUrl}`, auth, ...extraNpmrc, ""].join("\n"));
    return dir;
  }
  const readJson = async (path: string): Promise<any> => JSON.parse(await readFile(path, "utf8"));
  const version = async (path: string): Promise<string> => (await readJson(join(path, "package.json"))).version;
  async function requireTree(dir: string): Promise<void> {
    const r = await runCli("node", ["-p", "JSON.stringify(require('@corp/private-app'))"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(EXPECTED_TREE);
  }
  /** Every URL in a lockfile's text: tarball URLs must all be ours, through the virtual repository. */
  function lockfileUrls(text: string): string[] {
    return [...text.matchAll(/https?:\/\/[^\s"',#}]+/g)].map((m) => m[0]);
  }
  const expectedTarballs = () => [
    `${virtualUrl}@corp/private-app/-/private-app-1.0.0.tgz`,
    `${virtualUrl}@vd/util/-/util-2.1.0.tgz`,
    `${virtualUrl}vd-base/-/vd-base-1.2.0.tgz`,
    `${virtualUrl}shadowed/-/shadowed-1.0.0.tgz`,
  ].sort();

  beforeAll(async () => {
    const tools = gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-npm-virtual-"));
    verdaccio = await startVerdaccio(tools, { label: "edge-registry-e2e-verdaccio" });
    const vToken = await verdaccio.addUser("e2e", "e2e-password-1");
    const vClient = await client(`${verdaccio.baseUrl}/`, vToken, "verdaccio");
    await publish(vClient, { name: "vd-base", version: "1.0.0" });
    await publish(vClient, { name: "vd-base", version: "1.2.0" });
    await publish(vClient, { name: "vd-base", version: "2.0.0" }); // outside ^1: must not be picked
    await publish(vClient, {
      name: "@vd/util", version: "2.1.0", dependencies: { "vd-base": "^1.0.0" },
      index: `module.exports = { name: "@vd/util", version: "2.1.0", base: require("vd-base") };\n`,
    });
    // Also published upstream under the hosted package's name: shielding must hide it.
    await publish(vClient, { name: "shadowed", version: "1.0.1", index: `module.exports = { name: "shadowed", version: "1.0.1", from: "verdaccio" };\n` });
    await publish(vClient, { name: "shadowed", version: "2.0.0", index: `module.exports = { name: "shadowed", version: "2.0.0", from: "verdaccio" };\n` });

    registry = await startRegistry({ label: "edge-registry-e2e-npm-virtual" });
    const create = (body: unknown) => apiOk(registry, 201, "/repositories", { method: "POST", body });
    await create({ name: "npm-hosted", format: "npm", kind: "hosted", visibility: "private" });
    await create({ name: "npm-remote", format: "npm", kind: "remote", visibility: "private", remote: { url: `${verdaccio.baseUrl}/` } });
    await create({
      name: "npm-all", format: "npm", kind: "virtual", visibility: "private",
      members: [{ repository: "npm-hosted", priority: 10 }, { repository: "npm-remote", priority: 1 }],
      settings: { deployMember: "npm-hosted" },
    });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-npm-virtual", scopes: ["read", "write"] } })).token;
    hostedUrl = `${registry.baseUrl}/npm/npm-hosted/`;
    remoteUrl = `${registry.baseUrl}/npm/npm-remote/`;
    virtualUrl = `${registry.baseUrl}/npm/npm-all/`;

    const hosted = await client(hostedUrl, token, "hosted");
    await publish(hosted, { name: "shadowed", version: "1.0.0", index: `module.exports = { name: "shadowed", version: "1.0.0", from: "hosted" };\n` });
    // The private package goes in through the virtual URL (its deploy member).
    const viaVirtual = await client(virtualUrl, token, "deploy");
    await publish(viaVirtual, {
      name: "@corp/private-app", version: "1.0.0", dependencies: { "@vd/util": "^2.0.0", shadowed: "^1.0.0" },
      index: `module.exports = { name: "@corp/private-app", version: "1.0.0", util: require("@vd/util"), shadowed: require("shadowed") };\n`,
    });
  });

  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail") {
      if (registry) console.error(`--- wrangler dev log (tail) ---\n${registry.logs().slice(-6000)}`);
      if (verdaccio) console.error(`--- verdaccio log (tail) ---\n${verdaccio.logs().slice(-3000)}`);
    }
  });

  afterAll(async () => {
    await registry?.stop();
    await verdaccio?.stop();
    for (const c of clients) await c.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("the private package published through the virtual URL is in the hosted member", async () => {
    const listed = await apiOk<{ versions: Array<{ version: string }> }>(registry, 200, `/repositories/npm-hosted/packages/${encodeURIComponent("@corp/private-app")}/versions`);
    expect(listed.versions.map((v) => v.version)).toEqual(["1.0.0"]);
    const res = await fetch(`${virtualUrl}@corp%2fprivate-app`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-registry-member")).toBe("npm-hosted");
    const doc = (await res.json()) as { versions: Record<string, { dist: { tarball: string } }> };
    expect(doc.versions["1.0.0"]?.dist.tarball).toBe(`${virtualUrl}@corp/private-app/-/private-app-1.0.0.tgz`);
  });

  it("Verdaccio packages through the virtual: merged from the remote member, tarball URLs rewritten to ours", async () => {
    const res = await fetch(`${virtualUrl}@vd%2futil`, { headers: { Authorization: `Bearer ${token}`, Accept: "application/vnd.npm.install-v1+json" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-registry-member")).toBe("npm-remote");
    const doc = (await res.json()) as { versions: Record<string, { dist: { tarball: string } }> };
    expect(Object.keys(doc.versions)).toEqual(["2.1.0"]);
    expect(doc.versions["2.1.0"]?.dist.tarball).toBe(`${virtualUrl}@vd/util/-/util-2.1.0.tgz`);
  });

  it("yarn classic installs the private package and its Verdaccio dependencies through the virtual URL", async () => {
    const yarn = await client(virtualUrl, token, "yarn");
    const v = await yarn.yarn(["--version"]);
    expect(v.stdout.trim()).toBe(NPM_TOOL_PINS.yarn);
    // yarn classic sends the token with unscoped package requests only with always-auth
    // (scoped ones always get it); a private repository answers anonymous reads with 404.
    const dir = await project("yarn", ["always-auth=true"]);
    await writeFile(join(dir, ".yarnrc"), `registry "${virtualUrl}"\n`);
    const r = await yarn.yarn(["install"], { cwd: dir });
    expect(r.code, output(r)).toBe(0);
    const nm = join(dir, "node_modules");
    expect(await version(join(nm, "@corp", "private-app"))).toBe("1.0.0");
    expect(await version(join(nm, "@vd", "util"))).toBe("2.1.0");
    expect(await version(join(nm, "vd-base"))).toBe("1.2.0");
    expect(await version(join(nm, "shadowed"))).toBe("1.0.0");
    await requireTree(dir);
    const lock = await readFile(join(dir, "yarn.lock"), "utf8");
    const urls = lockfileUrls(lock);
    expect(urls.sort()).toEqual(expectedTarballs());
  });

  it("pnpm installs the private package and its Verdaccio dependencies through the virtual URL", async () => {
    const pnpm = await client(virtualUrl, token, "pnpm");
    const v = await pnpm.pnpm(["--version"]);
    expect(v.stdout.trim()).toBe(NPM_TOOL_PINS.pnpm);
    // pnpm's lockfile leaves out tarball URLs of the default registry unless asked to keep them.
    const dir = await project("pnpm", ["lockfile-include-tarball-url=true"]);
    const r = await pnpm.pnpm(["install"], { cwd: dir });
    expect(r.code, output(r)).toBe(0);
    const nm = join(dir, "node_modules");
    expect(await version(join(nm, "@corp", "private-app"))).toBe("1.0.0");
    const store = join(nm, ".pnpm");
    expect(await version(join(store, "@vd+util@2.1.0", "node_modules", "@vd", "util"))).toBe("2.1.0");
    expect(await version(join(store, "vd-base@1.2.0", "node_modules", "vd-base"))).toBe("1.2.0");
    expect(await version(join(store, "shadowed@1.0.0", "node_modules", "shadowed"))).toBe("1.0.0");
    await requireTree(dir);
    const lock = await readFile(join(dir, "pnpm-lock.yaml"), "utf8");
    const tarballs = [...lock.matchAll(/tarball: (\S+?)[},\s]/g)].map((m) => m[1] ?? "");
    expect(tarballs.sort()).toEqual(expectedTarballs());
    expect(lockfileUrls(lock).sort()).toEqual(expectedTarballs());
    const modules = await readFile(join(nm, ".modules.yaml"), "utf8");
    expect(modules).toContain(virtualUrl);
  });

  it("npm installs the private package and its Verdaccio dependencies through the virtual URL", async () => {
    const npm = await client(virtualUrl, token, "npm");
    const dir = await project("npm");
    const r = await npm.npm(["install"], { cwd: dir });
    expect(r.code, output(r)).toBe(0);
    const nm = join(dir, "node_modules");
    expect(await version(join(nm, "@corp", "private-app"))).toBe("1.0.0");
    expect(await version(join(nm, "@vd", "util"))).toBe("2.1.0");
    expect(await version(join(nm, "vd-base"))).toBe("1.2.0");
    expect(await version(join(nm, "shadowed"))).toBe("1.0.0");
    await requireTree(dir);
    const lock = await readJson(join(dir, "package-lock.json"));
    const resolved = Object.entries(lock.packages as Record<string, { resolved?: string }>).filter(([path]) => path !== "").map(([, p]) => p.resolved ?? "");
    expect(resolved.sort()).toEqual(expectedTarballs());
    // And again with npm ci from that lockfile and an empty cache.
    await rm(nm, { recursive: true });
    const ci = await npm.npm(["ci", "--cache", join(work, `npm-ci-cache-${++seq}`)], { cwd: dir });
    expect(ci.code, output(ci)).toBe(0);
    await requireTree(dir);
  });

  it("shielding: a name both Verdaccio and the hosted member have resolves to the hosted package only", async () => {
    // Verdaccio (and our remote repository alone) has 1.0.1 and 2.0.0.
    const remote = await fetch(`${remoteUrl}shadowed`, { headers: { Authorization: `Bearer ${token}` } });
    expect(remote.status).toBe(200);
    expect(Object.keys(((await remote.json()) as { versions: object }).versions).sort()).toEqual(["1.0.1", "2.0.0"]);
    // Through the virtual repository only the hosted 1.0.0 exists, although ^1.0.0 would take 1.0.1.
    const res = await fetch(`${virtualUrl}shadowed`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-registry-member")).toBe("npm-hosted");
    const doc = (await res.json()) as { versions: object; "dist-tags": Record<string, string> };
    expect(Object.keys(doc.versions)).toEqual(["1.0.0"]);
    expect(doc["dist-tags"]).toEqual({ latest: "1.0.0" });
    const npm = await client(virtualUrl, token, "shield");
    const view = await npm.npm(["view", "shadowed", "versions", "--json"]);
    expect(view.code, output(view)).toBe(0);
    expect([JSON.parse(view.stdout)].flat()).toEqual(["1.0.0"]);
    const tarball = await fetch(`${virtualUrl}shadowed/-/shadowed-2.0.0.tgz`, { headers: { Authorization: `Bearer ${token}` } });
    expect(tarball.status).toBe(404);
  });
});
