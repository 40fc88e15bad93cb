/**
 * RubyGems with the real clients of Debian's ruby 3.1 (RubyGems 3.3, Bundler 2.3;
 * test/e2e/clients/ruby.ts): `gem push` to a private hosted repository (the token in
 * ~/.gem/credentials, sent raw in Authorization); `gem install` and `bundle install` of a gem
 * depending on an upstream gem, through one private virtual over that hosted repository and a
 * remote whose upstream is a static rubygems.org-style compact index on a local port; a
 * second `bundle install` after a push reads the appended `/versions` (206); `gem yank`
 * takes the version out of what Bundler and RubyGems resolve; a repeated push prints our error.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { output, rubyClient, rubyGate, type RubyClient } from "./clients/ruby";
import { startCountingServer, type CountingServer } from "./counting-server";
import { apiOk, startRegistry, type Registry } from "./harness";
import { type BuiltGem, buildGem, serveCompactIndex } from "./rubygems";

const gate = rubyGate();
const HOSTED = "rubygems-e2e-local";
const REMOTE = "rubygems-e2e-remote";
const VIRTUAL = "rubygems-e2e-all";

describe.skipIf(gate.skip)("rubygems: gem push to hosted, gem install and bundle install through a virtual with an upstream compact index (real gem/bundler)", () => {
  let registry: Registry;
  let ruby: RubyClient;
  let work: string;
  let token: string;
  let upstream: CountingServer;
  let upstreamGem: BuiltGem;

  const repoUrl = (repo: string) => `${registry.baseUrl}/rubygems/${repo}`;
  /** A source URL with credentials, as RubyGems takes them (Basic, the token as password). */
  const sourceWithToken = (repo: string) => `${repoUrl(repo).replace("://", `://e2e:${token}@`)}/`;

  beforeAll(async () => {
    gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-rubygems-"));
    registry = await startRegistry({ label: "edge-registry-e2e-rubygems" });
    upstream = await startCountingServer();
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: HOSTED, format: "rubygems", kind: "hosted", visibility: "private" } });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: REMOTE, format: "rubygems", kind: "remote", visibility: "private", remote: { url: `${upstream.baseUrl}/`, metadataTtlSeconds: 3600 } } });
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: { name: VIRTUAL, format: "rubygems", kind: "virtual", visibility: "private", members: [{ repository: HOSTED, priority: 10 }, { repository: REMOTE, priority: 1 }], settings: { deployMember: HOSTED } },
    });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-rubygems", scopes: ["read", "write"], repositories: [HOSTED, REMOTE, VIRTUAL] } })).token;
    ruby = await rubyClient();
    await ruby.credentials({ [repoUrl(HOSTED)]: token });
    upstreamGem = await buildGem(ruby, join(work, "upstream-dep"), "upstream-dep", "1.4.2", { lib: "module UpstreamDep\n  VALUE = 7\nend\n" });
    serveCompactIndex(upstream, [upstreamGem]);
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
    await upstream?.stop();
    await ruby?.cleanup();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const push = (gem: string) => ruby.run("gem", ["push", gem, "--host", repoUrl(HOSTED)]);

  it("gem push puts a gem into the hosted repository; its compact index lists it at once", async () => {
    const gem = await buildGem(ruby, join(work, "local-lib"), "local-lib", "0.1.0", {
      lib: 'require "upstream_dep"\nmodule LocalLib\n  def self.sum = 35 + UpstreamDep::VALUE\nend\n',
      deps: ['"upstream-dep", "~> 1.4"'],
    });
    const result = await push(gem.path);
    expect(result.code, output(result)).toBe(0);
    expect(result.stdout).toContain("Successfully registered gem: local-lib (0.1.0)");
    const info = await fetch(`${repoUrl(HOSTED)}/info/local-lib`, { headers: { Authorization: token } });
    expect(await info.text()).toBe(`---\n0.1.0 upstream-dep:~> 1.4|checksum:${gem.sha256}\n`);
    // Anonymous reads of a private repository get the challenge Bundler turns into "Authentication is required".
    expect((await fetch(`${repoUrl(HOSTED)}/versions`)).status).toBe(401);
  });

  it("a repeated push prints our error and changes nothing", async () => {
    const again = await push(join(work, "local-lib", "local-lib-0.1.0.gem"));
    expect(again.code).not.toBe(0);
    expect(again.stdout).toContain("Repushing of gem versions is not allowed.");
  });

  it("gem install resolves the hosted gem and its upstream dependency through the virtual", async () => {
    const result = await ruby.run("gem", ["install", "local-lib", "--clear-sources", "--source", sourceWithToken(VIRTUAL)]);
    expect(result.code, output(result)).toBe(0);
    expect(result.stdout).toContain("Successfully installed upstream-dep-1.4.2");
    expect(result.stdout).toContain("Successfully installed local-lib-0.1.0");
    expect((await readdir(join(ruby.gemHome, "gems"))).sort()).toEqual(["local-lib-0.1.0", "upstream-dep-1.4.2"]);
    const run = await ruby.run("ruby", ["-e", 'require "local_lib"; puts LocalLib.sum']);
    expect(run.stdout.trim(), output(run)).toBe("42");
    // The upstream served its compact index and the .gem once; the hosted gem was never asked of it.
    expect(upstream.count("/gems/upstream-dep-1.4.2.gem")).toBe(1);
    expect(upstream.countWhere((p) => p.includes("local-lib"))).toBe(0);
  });

  it("bundle install through the virtual, and bundle update after a push picks the new version", async () => {
    const app = join(work, "app");
    await mkdir(app, { recursive: true });
    await writeFile(join(app, "Gemfile"), `source "${repoUrl(VIRTUAL)}/"\n\ngem "local-lib"\n`);
    const env = { BUNDLE_PATH: join(app, "vendor", "bundle") };
    // Credentials for the source's host, as users configure them.
    const config = await ruby.run("bundle", ["config", "set", "--global", new URL(registry.baseUrl).hostname, `e2e:${token}`], { cwd: app });
    expect(config.code, output(config)).toBe(0);
    const first = await ruby.run("bundle", ["install", "--jobs", "1"], { cwd: app, env });
    expect(first.code, output(first)).toBe(0);
    expect(first.stdout).toContain("Fetching gem metadata from");
    expect(first.stdout).toMatch(/Installing upstream-dep 1\.4\.2/);
    expect(first.stdout).toMatch(/Installing local-lib 0\.1\.0/);
    const exec = await ruby.run("bundle", ["exec", "ruby", "-e", 'require "local_lib"; puts LocalLib.sum'], { cwd: app, env });
    expect(exec.stdout.trim(), output(exec)).toBe("42");

    const next = await buildGem(ruby, join(work, "local-lib-2"), "local-lib", "0.2.0", { lib: 'require "upstream_dep"\nmodule LocalLib\n  def self.sum = 40 + UpstreamDep::VALUE\nend\n', deps: ['"upstream-dep", "~> 1.4"'] });
    expect((await push(next.path)).code).toBe(0);
    const update = await ruby.run("bundle", ["update", "local-lib", "--jobs", "1"], { cwd: app, env });
    expect(update.code, output(update)).toBe(0);
    expect(update.stdout).toMatch(/Installing local-lib 0\.2\.0/);
    const exec2 = await ruby.run("bundle", ["exec", "ruby", "-e", 'require "local_lib"; puts LocalLib.sum'], { cwd: app, env });
    expect(exec2.stdout.trim(), output(exec2)).toBe("47");
  });

  it("bundle update against the hosted repository fetches only the appended /versions (206) and verifies it", async () => {
    const app = join(work, "solo-app");
    await mkdir(app, { recursive: true });
    await writeFile(join(app, "Gemfile"), `source "${repoUrl(HOSTED)}/"\n\ngem "solo"\n`);
    const env = { BUNDLE_PATH: join(app, "vendor", "bundle") };
    const first = await buildGem(ruby, join(work, "solo-1"), "solo", "1.0.0", { lib: "module Solo\n  VALUE = 1\nend\n" });
    expect((await push(first.path)).code).toBe(0);
    const install = await ruby.run("bundle", ["install", "--jobs", "1"], { cwd: app, env });
    expect(install.code, output(install)).toBe(0);
    const second = await buildGem(ruby, join(work, "solo-2"), "solo", "1.1.0", { lib: "module Solo\n  VALUE = 2\nend\n" });
    expect((await push(second.path)).code).toBe(0);
    // --verbose prints every HTTP answer: the update of /versions is a 206 whose MD5 ETag matched the appended copy.
    const update = await ruby.run("bundle", ["update", "solo", "--jobs", "1", "--verbose"], { cwd: app, env });
    expect(update.code, output(update)).toBe(0);
    expect(update.stdout).toMatch(/HTTP 206 Partial Content http:\/\/\S+\/rubygems\/rubygems-e2e-local\/versions/);
    expect(update.stdout).not.toMatch(/HTTP 200 OK http:\/\/\S+\/rubygems\/rubygems-e2e-local\/versions/);
    expect(update.stdout).toMatch(/Installing solo 1\.1\.0/);
  });

  it("gem yank takes the version out of what gem install resolves", async () => {
    const yank = await ruby.run("gem", ["yank", "local-lib", "-v", "0.2.0", "--host", repoUrl(HOSTED)]);
    expect(yank.code, output(yank)).toBe(0);
    expect(yank.stdout).toContain("Successfully deleted gem: local-lib (0.2.0)");
    const versions = await (await fetch(`${repoUrl(VIRTUAL)}/versions`, { headers: { Authorization: token } })).text();
    expect(versions).toContain("local-lib -0.2.0");
    const pinned = await ruby.run("gem", ["install", "local-lib", "-v", "0.2.0", "--clear-sources", "--source", sourceWithToken(VIRTUAL)]);
    expect(pinned.code).not.toBe(0);
    expect(`${pinned.stdout}${pinned.stderr}`).toMatch(/Could not find a valid gem 'local-lib' \(= 0\.2\.0\)/);
    const latest = await ruby.run("gem", ["install", "local-lib", "--clear-sources", "--source", sourceWithToken(VIRTUAL)]);
    expect(latest.code, output(latest)).toBe(0);
    expect(latest.stdout).toContain("local-lib-0.1.0");
  });

  it("gem sources --add loads the legacy specs index, and gem search reads latest_specs (Marshal written by us)", async () => {
    const add = await ruby.run("gem", ["sources", "--add", sourceWithToken(VIRTUAL)]);
    expect(add.code, output(add)).toBe(0);
    expect(add.stdout).toContain("added to sources");
    const search = await ruby.run("gem", ["search", "local-lib", "--remote"]);
    expect(search.code, output(search)).toBe(0);
    expect(search.stdout).toContain("local-lib (0.1.0)");
    const all = await ruby.run("gem", ["search", "^upstream-dep$", "--remote", "--all"]);
    expect(all.stdout, output(all)).toContain("upstream-dep (1.4.2)");
  });
});
