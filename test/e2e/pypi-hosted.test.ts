/**
 * PyPI hosted repository with real clients: twine 6 uploads a wheel and an sdist built in
 * the test (Python stdlib, Metadata 2.1), pip and uv install from the Simple API into
 * fresh venvs (a dependency resolved too), a private repository with the token in the
 * index URL, and twine printing our 400 for a file that already exists. Clients run with
 * a scrubbed environment and their own HOME/caches (test/e2e/clients/pypi.ts).
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiOk, startRegistry, type Registry } from "./harness";
import { buildDistributions, output, pypiClient, pypiToolsGate, type PypiClient } from "./clients/pypi";

const gate = pypiToolsGate();

describe.skipIf(gate.skip)("pypi hosted repository with twine, pip and uv", () => {
  let registry: Registry;
  let client: PypiClient;
  let work: string;
  let token: string;
  const dists: Record<string, { wheel: string; sdist: string }> = {};

  const index = (repo: string, auth = false) => {
    const url = new URL(`/pypi/${repo}/simple/`, registry.baseUrl);
    if (auth) {
      url.username = "__token__";
      url.password = token;
    }
    return url.href;
  };
  const uploadUrl = (repo: string) => `${registry.baseUrl}/pypi/${repo}/`;

  beforeAll(async () => {
    const tools = gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-pypi-"));
    client = await pypiClient(tools);
    registry = await startRegistry({ label: "edge-registry-e2e-pypi-hosted" });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: "py-local", format: "pypi", kind: "hosted", visibility: "public" } });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: "py-private", format: "pypi", kind: "hosted", visibility: "private" } });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-pypi", scopes: ["read", "write"] } })).token;
    dists["greet"] = await buildDistributions(tools.python, join(work, "greet"), { name: "Greet.Lib", version: "1.0.0", requiresPython: ">=3.8" });
    dists["app"] = await buildDistributions(tools.python, join(work, "app"), { name: "e2e_app", version: "0.1", requires: ["greet-lib>=1.0"], body: "import greet_lib\nVERSION = '0.1'\n" });
    dists["secret"] = await buildDistributions(tools.python, join(work, "secret"), { name: "secret-pkg", version: "2.0" });
  });

  afterAll(async () => {
    await registry?.stop();
    await client?.cleanup();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("twine uploads wheels and sdists", async () => {
    const files = [dists["greet"], dists["app"]].flatMap((d) => (d ? [d.wheel, d.sdist] : []));
    const result = await client.twineUpload(uploadUrl("py-local"), token, files);
    expect(result.code, output(result)).toBe(0);
    const page = await (await fetch(`${registry.baseUrl}/pypi/py-local/simple/greet-lib/`)).text();
    expect(page).toContain("greet_lib-1.0.0-py3-none-any.whl");
    expect(page).toContain("greet_lib-1.0.0.tar.gz");
  });

  it("twine shows PyPI's message for a file that already exists", async () => {
    const result = await client.twineUpload(uploadUrl("py-local"), token, [dists["greet"]?.wheel ?? ""]);
    expect(result.code).not.toBe(0);
    expect(output(result)).toContain("File already exists");
    expect(output(result)).toContain("400");
  });

  it("twine with a wrong token is refused", async () => {
    const result = await client.twineUpload(uploadUrl("py-local"), "not-a-token", [dists["secret"]?.wheel ?? ""]);
    expect(result.code).not.toBe(0);
    expect(output(result)).toMatch(/401|403/);
  });

  it("pip installs a package and its dependency from the hosted index", async () => {
    const venv = await client.venv("pip");
    const result = await client.pipInstall(venv, index("py-local"), ["e2e-app"]);
    expect(result.code, output(result)).toBe(0);
    const run = await client.python(venv, ["-c", "import e2e_app, greet_lib; print(e2e_app.VERSION, greet_lib.VERSION)"]);
    expect(run.stdout.trim(), output(run)).toBe("0.1 1.0.0");
  });

  it("uv installs the same from the hosted index", async () => {
    const venv = await client.venv("uv");
    const result = await client.uvInstall(venv, index("py-local"), ["e2e-app==0.1"]);
    expect(result.code, output(result)).toBe(0);
    const run = await client.python(venv, ["-c", "import e2e_app, greet_lib; print(e2e_app.VERSION, greet_lib.VERSION)"]);
    expect(run.stdout.trim(), output(run)).toBe("0.1 1.0.0");
  });

  it("serves the sdist with the digest the page announces", async () => {
    const page = await (await fetch(`${registry.baseUrl}/pypi/py-local/simple/greet-lib/`)).text();
    const href = /href="([^"]*greet_lib-1\.0\.0\.tar\.gz)#sha256=([0-9a-f]{64})"/.exec(page);
    expect(href, page).not.toBeNull();
    const body = new Uint8Array(await (await fetch(new URL(href?.[1] ?? "", registry.baseUrl))).arrayBuffer());
    expect(createHash("sha256").update(body).digest("hex")).toBe(href?.[2]);
    expect(Buffer.from(body).equals(await readFile(dists["greet"]?.sdist ?? ""))).toBe(true);
  });

  it("a private repository installs with the token in the index URL, and not without it", async () => {
    const upload = await client.twineUpload(uploadUrl("py-private"), token, [dists["secret"]?.wheel ?? ""]);
    expect(upload.code, output(upload)).toBe(0);
    const denied = await client.pipInstall(await client.venv("private-anon"), index("py-private"), ["secret-pkg"]);
    expect(denied.code).not.toBe(0);
    const venv = await client.venv("private");
    const result = await client.pipInstall(venv, index("py-private", true), ["secret-pkg"]);
    expect(result.code, output(result)).toBe(0);
    const uv = await client.uvInstall(await client.venv("private-uv"), index("py-private", true), ["secret-pkg"]);
    expect(uv.code, output(uv)).toBe(0);
  });
});
