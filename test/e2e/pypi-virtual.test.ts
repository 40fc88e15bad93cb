/**
 * PyPI remote + virtual repositories with pip and uv (issue 8's seed scenario). Needs the
 * engine's PyPI wiring (src/virtual + src/formats/pypi/proxy.ts): it fails until that lands.
 *
 * - Upstream index on host A (a local HTTP server) serves PEP 503 pages whose file links
 *   point at host B (a second local server, another origin), with sha256 fragments.
 * - `py-remote` proxies host A; `py-hosted` holds what twine uploaded; `py-all` is a
 *   virtual of both (hosted first).
 * - pip and uv install `e2e-top` through the virtual: one dependency from each member.
 * - Shielding: `shadowed` exists in hosted (1.0) and upstream (9.0, higher): the client
 *   only ever sees the hosted one.
 * - Upstream hosts stopped: cached pages and files still install.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDistributions, output, pypiClient, pypiToolsGate, type PypiClient } from "./clients/pypi";
import { startCountingServer, type CountingServer } from "./counting-server";
import { apiOk, startRegistry, type Registry } from "./harness";

const gate = pypiToolsGate();

describe.skipIf(gate.skip)("pypi remote + virtual with pip and uv", () => {
  let registry: Registry;
  let client: PypiClient;
  let work: string;
  let token: string;
  let indexHost: CountingServer;
  let filesHost: CountingServer;

  const index = (repo: string) => {
    const url = new URL(`/pypi/${repo}/simple/`, registry.baseUrl);
    url.username = "__token__";
    url.password = token;
    return url.href;
  };

  /** Publishes wheels on host B and a PEP 503 page per project on host A linking them. */
  async function publishUpstream(projects: Record<string, string[]>): Promise<void> {
    const names: string[] = [];
    for (const [project, wheels] of Object.entries(projects)) {
      names.push(project);
      const links: string[] = [];
      for (const path of wheels) {
        const body = new Uint8Array(await readFile(path));
        const file = basename(path);
        const sha = createHash("sha256").update(body).digest("hex");
        filesHost.put(`/packages/${sha.slice(0, 2)}/${file}`, { body, contentType: "application/octet-stream" });
        links.push(`<a href="${filesHost.baseUrl}/packages/${sha.slice(0, 2)}/${file}#sha256=${sha}" data-requires-python="&gt;=3.8">${file}</a><br/>`);
      }
      indexHost.put(`/simple/${project}/`, { body: new TextEncoder().encode(`<!DOCTYPE html><html><body>\n${links.join("\n")}\n</body></html>`), contentType: "text/html" });
    }
    const list = names.map((n) => `<a href="/simple/${n}/">${n}</a>`).join("\n");
    indexHost.put("/simple/", { body: new TextEncoder().encode(`<!DOCTYPE html><html><body>${list}</body></html>`), contentType: "text/html" });
  }

  beforeAll(async () => {
    const tools = gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-pypi-virtual-"));
    client = await pypiClient(tools);
    indexHost = await startCountingServer();
    filesHost = await startCountingServer();
    const build = (dir: string, spec: Parameters<typeof buildDistributions>[2]) => buildDistributions(tools.python, join(work, dir), spec);

    const publicDep = await build("public-dep", { name: "public-dep", version: "2.0", body: "ORIGIN = 'remote'\n" });
    const shadowedRemote = await build("shadowed-remote", { name: "shadowed", version: "9.0", body: "ORIGIN = 'remote'\n" });
    await publishUpstream({ "public-dep": [publicDep.wheel], shadowed: [shadowedRemote.wheel] });

    registry = await startRegistry({ label: "edge-registry-e2e-pypi-virtual" });
    const create = (body: Record<string, unknown>) => apiOk(registry, 201, "/repositories", { method: "POST", body });
    await create({ name: "py-hosted", format: "pypi", kind: "hosted", visibility: "private" });
    await create({ name: "py-remote", format: "pypi", kind: "remote", visibility: "private", remote: { url: `${indexHost.baseUrl}/`, metadataTtlSeconds: 3600 } });
    await create({
      name: "py-all", format: "pypi", kind: "virtual", visibility: "private",
      members: [{ repository: "py-hosted", priority: 10 }, { repository: "py-remote", priority: 1 }],
    });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-pypi-virtual", scopes: ["read", "write"] } })).token;

    const internal = await build("internal-lib", { name: "internal-lib", version: "1.0", body: "ORIGIN = 'hosted'\n" });
    const shadowedHosted = await build("shadowed-hosted", { name: "shadowed", version: "1.0", body: "ORIGIN = 'hosted'\n" });
    const top = await build("top", { name: "e2e-top", version: "1.0", requires: ["internal-lib>=1.0", "public-dep>=2.0"], body: "import internal_lib, public_dep\n" });
    const upload = await client.twineUpload(`${registry.baseUrl}/pypi/py-hosted/`, token, [internal.wheel, shadowedHosted.wheel, top.wheel, top.sdist]);
    if (upload.code !== 0) throw new Error(`twine upload: ${output(upload)}`);
  });

  afterAll(async () => {
    await registry?.stop();
    await indexHost?.stop();
    await filesHost?.stop();
    await client?.cleanup();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const origins = "import e2e_top, internal_lib, public_dep; print(internal_lib.ORIGIN, public_dep.ORIGIN)";

  it("the remote rewrites upstream links (another host) to itself and relays the hashes", async () => {
    const res = await fetch(index("py-remote").replace(/\/\/[^@]*@/, "//") + "public-dep/", { headers: { Authorization: `Bearer ${token}` } });
    const page = await res.text();
    expect(res.status, page).toBe(200);
    expect(page).not.toContain(filesHost.baseUrl);
    const href = /href="([^"#]+)#sha256=([0-9a-f]{64})"/.exec(page);
    expect(href, page).not.toBeNull();
    expect(new URL(href?.[1] ?? "", registry.baseUrl).origin).toBe(registry.baseUrl);
  });

  it("pip installs through the virtual, one dependency from each member", async () => {
    const venv = await client.venv("pip");
    const result = await client.pipInstall(venv, index("py-all"), ["e2e-top"]);
    expect(result.code, output(result)).toBe(0);
    const run = await client.python(venv, ["-c", origins]);
    expect(run.stdout.trim(), output(run)).toBe("hosted remote");
  });

  it("uv installs the same through the virtual", async () => {
    const venv = await client.venv("uv");
    const result = await client.uvInstall(venv, index("py-all"), ["e2e-top"]);
    expect(result.code, output(result)).toBe(0);
    const run = await client.python(venv, ["-c", origins]);
    expect(run.stdout.trim(), output(run)).toBe("hosted remote");
  });

  it("shielding: a project held by the hosted member never comes from the remote, even with a higher version", async () => {
    for (const install of [client.pipInstall, client.uvInstall]) {
      const venv = await client.venv(`shadow-${install === client.pipInstall ? "pip" : "uv"}`);
      const result = await install(venv, index("py-all"), ["shadowed"]);
      expect(result.code, output(result)).toBe(0);
      const run = await client.python(venv, ["-c", "import shadowed; print(shadowed.ORIGIN)"]);
      expect(run.stdout.trim(), output(run)).toBe("hosted");
      const pinned = await install(await client.venv(`shadow-pin-${install === client.pipInstall ? "pip" : "uv"}`), index("py-all"), ["shadowed==9.0"]);
      expect(pinned.code, output(pinned)).not.toBe(0);
    }
    expect(filesHost.countWhere((path) => path.includes("shadowed-9.0"))).toBe(0);
  });

  it("with both upstream hosts stopped, cached pages and files still install", async () => {
    await indexHost.stop();
    await filesHost.stop();
    const venv = await client.venv("offline-pip");
    const result = await client.pipInstall(venv, index("py-all"), ["e2e-top"]);
    expect(result.code, output(result)).toBe(0);
    const uvVenv = await client.venv("offline-uv");
    const uv = await client.uvInstall(uvVenv, index("py-all"), ["e2e-top"]);
    expect(uv.code, output(uv)).toBe(0);
    const run = await client.python(uvVenv, ["-c", origins]);
    expect(run.stdout.trim(), output(run)).toBe("hosted remote");
  });
});
