/**
 * Composer with the real client (Debian's composer 2.5.5): a package uploaded with curl to a
 * private hosted repository, a package on a packagist-style upstream (p2 documents on one
 * local server, its dist archives on a second one, as packagist points at GitHub), and
 * `composer require` of both through one private virtual repository, authenticated by
 * auth.json `http-basic` (token as the password), `secure-http: false` (the server is http),
 * packagist.org disabled. The installed code runs; the dists came through us (the upstream
 * served each archive once); shielding hides the upstream's look-alike of the hosted name.
 * Without credentials Composer reports that the repository needs authentication; refused
 * uploads (read-only token, zip without composer.json) show their reason and store nothing.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { greeterClass, packageZip } from "../helpers/composer-packages";
import { composerEnv } from "./clients/composer";
import { startCountingServer, type CountingServer } from "./counting-server";
import { apiOk, clientGate, runCli, startRegistry, type CliResult, type Registry } from "./harness";

const gate = clientGate("composer");
const output = (r: CliResult) => `${r.stdout}\n${r.stderr}`;

describe.skipIf(gate.skip)("composer through a virtual repository", () => {
  let registry: Registry;
  let metadata: CountingServer;
  let archives: CountingServer;
  let work: string;
  let token: string;
  let readToken: string;

  const repoUrl = (repo: string) => `${registry.baseUrl}/composer/${repo}`;
  const curlUpload = (repo: string, file: string, secret: string, version = "") =>
    runCli("curl", ["-sS", "-u", `composer:${secret}`, "-T", file, "-w", "\n%{http_code}", `${repoUrl(repo)}${version ? `?version=${version}` : ""}`]);

  /** A project requiring `requires` from the virtual repository; auth.json only when `secret` is given. */
  async function project(name: string, requires: Record<string, string>, secret: string | null): Promise<string> {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    const manifest = {
      name: `e2e/${name}`,
      repositories: [{ type: "composer", url: repoUrl("php-all") }, { "packagist.org": false }],
      require: requires,
      config: { "secure-http": false },
    };
    await writeFile(join(dir, "composer.json"), JSON.stringify(manifest, null, 2));
    if (secret) await writeFile(join(dir, "auth.json"), JSON.stringify({ "http-basic": { [`127.0.0.1:${registry.port}`]: { username: "composer", password: secret } } }));
    return dir;
  }

  const composer = (args: string[], cwd: string) => runCli("composer", [...args, "--no-interaction", "--no-ansi"], { cwd, home: work, env: composerEnv(join(work, cwd.split("/").at(-1) ?? "x")), timeoutMs: 300_000 });

  beforeAll(async () => {
    gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-composer-"));
    metadata = await startCountingServer();
    archives = await startCountingServer();
    const upstreamZip = packageZip("vendorx/upstream-lib", {
      folder: "vendorx-upstream-lib-4f2a9c1",
      manifest: { version: "1.4.0", autoload: { "psr-4": { "Vendorx\\Upstream\\": "src/" } } },
      files: { "src/Greeter.php": greeterClass("Vendorx\\Upstream", "upstream 1.4.0") },
    });
    archives.put("/zipball/vendorx-upstream-lib-4f2a9c1.zip", { body: upstreamZip, contentType: "application/zip" });
    const entry = (name: string, version: string, url: string) => ({ name, version, version_normalized: `${version}.0`, type: "library", autoload: { "psr-4": { "Vendorx\\Upstream\\": "src/" } }, dist: { type: "zip", url, reference: "4f2a9c1", shasum: "" }, time: "2024-01-01T00:00:00+00:00" });
    const p2 = (name: string, version: string, url: string) => JSON.stringify({ packages: { [name]: [entry(name, version, url)] }, minified: "composer/2.0" });
    metadata.put("/p2/vendorx/upstream-lib.json", { body: new TextEncoder().encode(p2("vendorx/upstream-lib", "1.4.0", `${archives.baseUrl}/zipball/vendorx-upstream-lib-4f2a9c1.zip`)), contentType: "application/json" });
    // A look-alike of the hosted package with a higher version: shielding must hide it.
    metadata.put("/p2/corp/greeter.json", { body: new TextEncoder().encode(p2("corp/greeter", "9.9.9", `${archives.baseUrl}/zipball/attacker.zip`)), contentType: "application/json" });

    registry = await startRegistry({ label: "edge-registry-e2e-composer" });
    const create = (body: Record<string, unknown>) => apiOk(registry, 201, "/repositories", { method: "POST", body });
    await create({ name: "php-hosted", format: "composer", kind: "hosted", visibility: "private" });
    await create({ name: "php-remote", format: "composer", kind: "remote", visibility: "private", remote: { url: `${metadata.baseUrl}/` } });
    await create({ name: "php-all", format: "composer", kind: "virtual", visibility: "private", members: [{ repository: "php-hosted", priority: 10 }, { repository: "php-remote", priority: 1 }], settings: { deployMember: "php-hosted" } });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-composer", scopes: ["read", "write"] } })).token;
    readToken = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-composer-read", scopes: ["read"] } })).token;
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    await metadata?.stop();
    await archives?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("curl uploads a package zip to the hosted repository", async () => {
    const file = join(work, "greeter.zip");
    await writeFile(file, packageZip("corp/greeter", { manifest: { autoload: { "psr-4": { "Corp\\Greeter\\": "src/" } } }, files: { "src/Greeter.php": greeterClass("Corp\\Greeter", "hosted 1.0.0") } }));
    const result = await curlUpload("php-hosted", file, token, "1.0.0");
    expect(result.stdout.trim().split("\n").at(-1), output(result)).toBe("201");
    expect(result.stdout).toContain('"name":"corp/greeter"');
  });

  it("refuses an upload with a read-only token and a zip without composer.json, showing why and storing nothing", async () => {
    const file = join(work, "refused.zip");
    await writeFile(file, packageZip("corp/refused"));
    const denied = await curlUpload("php-hosted", file, readToken, "1.0.0");
    expect(denied.stdout.trim().split("\n").at(-1)).toBe("403");
    expect(denied.stdout).toContain('"status":"error"');

    const bare = join(work, "bare.zip");
    await writeFile(bare, packageZip("corp/refused", { manifest: null, files: { "src/A.php": "<?php\n" } }));
    const invalid = await curlUpload("php-hosted", bare, token, "1.0.0");
    expect(invalid.stdout.trim().split("\n").at(-1)).toBe("400");
    expect(invalid.stdout).toContain("no composer.json found");

    const res = await fetch(`${repoUrl("php-hosted")}/p2/corp/refused.json`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(404);
  });

  it("without credentials, composer says the repository needs authentication", async () => {
    const dir = await project("anonymous", { "corp/greeter": "^1.0" }, null);
    const result = await composer(["install"], dir);
    expect(result.code, output(result)).not.toBe(0);
    expect(output(result)).toContain(`The '${repoUrl("php-all")}/packages.json' URL required authentication (HTTP 401)`);
  });

  it("composer require installs a hosted and an upstream package through the virtual, and the code runs", async () => {
    const dir = await project("app", {}, token);
    const result = await composer(["require", "corp/greeter:^1.0", "vendorx/upstream-lib:^1.4"], dir);
    expect(result.code, output(result)).toBe(0);
    expect(output(result)).toContain("corp/greeter (1.0.0)");
    expect(output(result)).toContain("vendorx/upstream-lib (1.4.0)");

    await writeFile(join(dir, "main.php"), "<?php\nrequire __DIR__ . '/vendor/autoload.php';\necho \\Corp\\Greeter\\Greeter::hello(), ' + ', \\Vendorx\\Upstream\\Greeter::hello(), PHP_EOL;\n");
    const run = await runCli("php", ["main.php"], { cwd: dir, home: work });
    expect(run.stdout.trim(), output(run)).toBe("hosted 1.0.0 + upstream 1.4.0");

    // The lock file's dist URLs are ours; the upstream archive was fetched once, the look-alike never.
    const lock = JSON.parse(await readFile(join(dir, "composer.lock"), "utf8")) as { packages: { name: string; dist: { url: string } }[] };
    for (const pkg of lock.packages) expect(pkg.dist.url.startsWith(`${repoUrl("php-all")}/dists/`), pkg.dist.url).toBe(true);
    expect(archives.count("/zipball/vendorx-upstream-lib-4f2a9c1.zip")).toBe(1);
    expect(metadata.count("/p2/corp/greeter.json")).toBe(0);
    expect(archives.count("/zipball/attacker.zip")).toBe(0);
  });

  it("a second install from an empty cache comes from our cache, not the upstream", async () => {
    const dir = await project("again", { "vendorx/upstream-lib": "^1.4" }, token);
    const result = await composer(["install"], dir);
    expect(result.code, output(result)).toBe(0);
    expect(archives.count("/zipball/vendorx-upstream-lib-4f2a9c1.zip")).toBe(1);
  });
});
