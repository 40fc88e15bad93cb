/**
 * Go modules with the real go command (1.26): a module uploaded to a hosted repository by curl,
 * a module on an upstream GOPROXY (a static proxy directory served by a local HTTP server),
 * and `go mod download` / `go build` / the built program of an app depending on both through
 * one virtual repository (`GOPROXY=http://…/go/go-all,off`, `GOSUMDB=off`, `GOFLAGS=-mod=mod`,
 * module cache under a temp dir). The repositories the go command reads are public: go refuses
 * to send credentials (URL userinfo, .netrc) over plain http ("refusing to pass credentials to
 * insecure URL"), and this suite's server is http; a private repository read anonymously is
 * go's 404, like a missing one. Uploads use a token (curl). Bad uploads (corrupt zip,
 * mismatched module path) are refused with the reason in curl's output and change nothing;
 * a missing module is the go command's own `404 Not Found` with our message.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goPackage, moduleZip } from "../helpers/go-modules";
import { goEnv, goGate } from "./clients/go";
import { startCountingServer, type CountingServer } from "./counting-server";
import { apiOk, runCli, startRegistry, type CliResult, type Registry } from "./harness";

const gate = goGate();
const output = (r: CliResult) => `${r.stdout}\n${r.stderr}`;

describe.skipIf(gate.skip)("go modules through a virtual GOPROXY", () => {
  let registry: Registry;
  let upstream: CountingServer;
  let work: string;
  let token: string;
  let go: string;

  const proxyUrl = (repo: string) => new URL(`/go/${repo}`, registry.baseUrl).href;
  const runGo = (args: string[], cwd: string, repo = "go-all") => runCli(go, args, { cwd, home: work, env: goEnv(join(work, "go"), proxyUrl(repo)), timeoutMs: 300_000 });
  /** The proxy alone (no `,off` after it), so go reports the proxy's own answer instead of "lookup disabled". */
  const runGoOnly = (args: string[], cwd: string, repo: string) => runCli(go, args, { cwd, home: work, env: { ...goEnv(join(work, "go"), proxyUrl(repo)), GOPROXY: proxyUrl(repo) } });
  const curlUpload = (repo: string, file: string, path = "upload") =>
    runCli("curl", ["-sS", "-u", `__token__:${token}`, "-T", file, "-w", "\n%{http_code}", `${registry.baseUrl}/go/${repo}/${path}`]);

  /** A static GOPROXY directory for `module` on the upstream server. */
  function publishUpstream(module: string, versions: Record<string, Uint8Array>): void {
    const base = `/${module}/@v/`;
    upstream.put(`${base}list`, { body: new TextEncoder().encode(Object.keys(versions).join("\n")), contentType: "text/plain" });
    for (const [version, zip] of Object.entries(versions)) {
      upstream.put(`${base}${version}.info`, { body: new TextEncoder().encode(JSON.stringify({ Version: version, Time: "2024-05-01T00:00:00Z" })), contentType: "application/json" });
      upstream.put(`${base}${version}.mod`, { body: new TextEncoder().encode(`module ${module}\n\ngo 1.22\n`), contentType: "text/plain" });
      upstream.put(`${base}${version}.zip`, { body: zip, contentType: "application/zip" });
    }
  }

  beforeAll(async () => {
    go = gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-go-"));
    upstream = await startCountingServer();
    publishUpstream("example.test/greeting", {
      "v1.0.0": moduleZip("example.test/greeting", "v1.0.0", { "greeting.go": goPackage("greeting", "upstream v1.0.0") }),
      "v1.1.0": moduleZip("example.test/greeting", "v1.1.0", { "greeting.go": goPackage("greeting", "upstream v1.1.0") }),
    });
    // The same path as the hosted module, with a higher version: shielding must hide it.
    publishUpstream("corp.test/lib", { "v9.9.9": moduleZip("corp.test/lib", "v9.9.9", { "lib.go": goPackage("lib", "attacker") }) });

    registry = await startRegistry({ label: "edge-registry-e2e-go" });
    const create = (body: Record<string, unknown>) => apiOk(registry, 201, "/repositories", { method: "POST", body });
    await create({ name: "go-hosted", format: "go", kind: "hosted", visibility: "public" });
    await create({ name: "go-remote", format: "go", kind: "remote", visibility: "public", remote: { url: `${upstream.baseUrl}/` } });
    await create({ name: "go-all", format: "go", kind: "virtual", visibility: "public", members: [{ repository: "go-hosted", priority: 10 }, { repository: "go-remote", priority: 1 }] });
    await create({ name: "go-private", format: "go", kind: "virtual", visibility: "private", members: [{ repository: "go-hosted", priority: 10 }, { repository: "go-remote", priority: 1 }] });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-go", scopes: ["read", "write"] } })).token;
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    await upstream?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("curl uploads a module zip to the hosted repository", async () => {
    const file = join(work, "lib.zip");
    await writeFile(file, moduleZip("corp.test/lib", "v1.0.0", { "lib.go": goPackage("lib", "hosted v1.0.0") }));
    const result = await curlUpload("go-hosted", file);
    expect(result.stdout.trim().split("\n").at(-1), output(result)).toBe("201");
    expect(result.stdout).toContain('"module":"corp.test/lib"');
  });

  it("refuses a corrupt zip and a mismatched module path, storing nothing", async () => {
    const corrupt = join(work, "corrupt.zip");
    await writeFile(corrupt, moduleZip("corp.test/broken", "v1.0.0").subarray(0, 50));
    const bad = await curlUpload("go-hosted", corrupt);
    expect(bad.stdout.trim().split("\n").at(-1)).toBe("400");
    expect(bad.stdout).toContain("invalid module zip");

    const mismatched = join(work, "mismatched.zip");
    await writeFile(mismatched, moduleZip("corp.test/broken", "v1.0.0", {}, "module corp.test/other\n"));
    const wrong = await curlUpload("go-hosted", mismatched);
    expect(wrong.stdout.trim().split("\n").at(-1)).toBe("400");
    expect(wrong.stdout).toContain('go.mod has non-corp.test/broken module path "corp.test/other"');

    const path = await curlUpload("go-hosted", mismatched, "corp.test/else/@v/v1.0.0.zip");
    expect(path.stdout.trim().split("\n").at(-1)).toBe("400");

    const list = await fetch(`${registry.baseUrl}/go/go-hosted/corp.test/broken/@v/list`, { headers: { Authorization: `Bearer ${token}` } });
    expect(list.status).toBe(404);
  });

  it("go mod download and go build resolve a hosted and an upstream module through the virtual", async () => {
    const app = join(work, "app");
    await mkdir(app, { recursive: true });
    await writeFile(join(app, "go.mod"), "module example.test/app\n\ngo 1.22\n\nrequire (\n\tcorp.test/lib v1.0.0\n\texample.test/greeting v1.1.0\n)\n");
    await writeFile(join(app, "main.go"), 'package main\n\nimport (\n\t"fmt"\n\n\t"corp.test/lib"\n\t"example.test/greeting"\n)\n\nfunc main() { fmt.Println(lib.Name(), "+", greeting.Name()) }\n');

    const download = await runGo(["mod", "download", "-json"], app);
    expect(download.code, output(download)).toBe(0);
    expect(download.stdout).toContain('"Path": "corp.test/lib"');
    expect(download.stdout).toContain('"Version": "v1.1.0"');

    const build = await runGo(["build", "-o", join(work, "app-bin"), "."], app);
    expect(build.code, output(build)).toBe(0);
    const run = await runCli(join(work, "app-bin"), []);
    expect(run.stdout.trim()).toBe("hosted v1.0.0 + upstream v1.1.0");

    // Shielding: the upstream's corp.test/lib was never asked for.
    expect(upstream.countWhere((p) => p.startsWith("/corp.test/lib/"))).toBe(0);
    expect(upstream.count("/example.test/greeting/@v/v1.1.0.zip")).toBe(1);
  }, 600_000);

  it("go list -m -versions sees the union; a missing module is go's 404 with our message", async () => {
    const dir = join(work, "query");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "go.mod"), "module example.test/query\n\ngo 1.22\n");
    const versions = await runGo(["list", "-m", "-versions", "example.test/greeting"], dir);
    expect(versions.code, output(versions)).toBe(0);
    expect(versions.stdout.trim()).toBe("example.test/greeting v1.0.0 v1.1.0");
    const latest = await runGo(["list", "-m", "corp.test/lib@latest"], dir);
    expect(latest.stdout.trim(), output(latest)).toBe("corp.test/lib v1.0.0");

    const missing = await runGoOnly(["mod", "download", "corp.test/missing@v1.0.0"], dir, "go-all");
    expect(missing.code).not.toBe(0);
    expect(output(missing)).toContain("404 Not Found");
    expect(output(missing)).toContain("corp.test/missing@v1.0.0: not found");
  }, 300_000);

  it("a private repository read without credentials is go's 404, as a missing one", async () => {
    const dir = join(work, "denied");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "go.mod"), "module example.test/denied\n\ngo 1.22\n");
    const denied = await runGoOnly(["list", "-m", "-versions", "example.test/greeting"], dir, "go-private");
    expect(denied.code).not.toBe(0);
    expect(output(denied)).toContain("404 Not Found");
    const missing = await runGoOnly(["list", "-m", "-versions", "example.test/greeting"], dir, "go-nowhere");
    expect(output(missing).replace(/go-nowhere/g, "go-private")).toBe(output(denied));
  }, 120_000);
});
