// Go hosted repositories in workerd (real D1/R2): module zip upload checked as the go command
// checks it (bad zips change nothing), the GOPROXY reads (list, info, mod, zip, latest, `!`
// case encoding), immutability, delete.
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { call, createRepository, sha256 } from "../helpers/client";
import { goPackage, moduleZip } from "../helpers/go-modules";

let n = 0;
async function hosted(): Promise<string> {
  const name = `go-hosted-${++n}`;
  await createRepository({ name, format: "go", kind: "hosted", visibility: "private" });
  return name;
}

const put = (repo: string, body: Uint8Array | string, path = "upload") => call(`/go/${repo}/${path}`, { method: "PUT", body });

describe("go hosted: upload and reads", () => {
  it("serves list, info, mod, zip and latest of uploaded versions", async () => {
    const repo = await hosted();
    const zip = moduleZip("example.test/Hello", "v1.0.0", { "hello.go": goPackage("hello", "hosted") });
    const res = await put(repo, zip);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toEqual({ module: "example.test/Hello", version: "v1.0.0", sha256: await sha256(zip) });
    expect((await put(repo, moduleZip("example.test/Hello", "v1.1.0-rc.1"))).status).toBe(201);
    expect((await put(repo, moduleZip("example.test/Hello", "v0.0.0-20240101000000-abcdefabcdef"))).status).toBe(201);

    const list = await call(`/go/${repo}/example.test/!hello/@v/list`);
    expect(list.status).toBe(200);
    expect(list.headers.get("Content-Type")).toContain("text/plain");
    expect(await list.text()).toBe("v1.0.0\nv1.1.0-rc.1\n"); // pseudo-versions are not listed

    const info = (await (await call(`/go/${repo}/example.test/!hello/@v/v1.0.0.info`)).json()) as { Version: string; Time: string };
    expect(info.Version).toBe("v1.0.0");
    expect(info.Time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await (await call(`/go/${repo}/example.test/!hello/@v/v1.0.0.mod`)).text()).toBe("module example.test/Hello\n\ngo 1.22\n");
    const download = await call(`/go/${repo}/example.test/!hello/@v/v1.0.0.zip`);
    expect(download.status).toBe(200);
    expect(await sha256(await download.arrayBuffer())).toBe(await sha256(zip));
    // @latest prefers a release over a prerelease over a pseudo-version.
    expect(((await (await call(`/go/${repo}/example.test/!hello/@latest`)).json()) as { Version: string }).Version).toBe("v1.0.0");
    // The unescaped spelling is another (missing) module.
    expect((await call(`/go/${repo}/example.test/hello/@v/list`)).status).toBe(404);
    expect((await call(`/go/${repo}/example.test/Hello/@v/list`)).status).toBe(404);
  });

  it("a zip without go.mod gets the synthesized `module` line; the path form checks the path", async () => {
    const repo = await hosted();
    expect((await put(repo, moduleZip("example.test/nomod", "v1.0.0", { "a.go": "package a\n" }, null))).status).toBe(201);
    expect(await (await call(`/go/${repo}/example.test/nomod/@v/v1.0.0.mod`)).text()).toBe("module example.test/nomod\n");
    const ok = await put(repo, moduleZip("example.test/path/v2", "v2.1.0"), "example.test/path/v2/@v/v2.1.0.zip");
    expect(ok.status, await ok.clone().text()).toBe(201);
    const wrong = await put(repo, moduleZip("example.test/path/v2", "v2.2.0"), "example.test/other/v2/@v/v2.2.0.zip");
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("the path says example.test/other/v2@v2.2.0, the zip holds example.test/path/v2@v2.2.0");
  });

  it("versions are immutable (409) and deletable", async () => {
    const repo = await hosted();
    expect((await put(repo, moduleZip("example.test/imm", "v1.0.0"))).status).toBe(201);
    const again = await put(repo, moduleZip("example.test/imm", "v1.0.0", { "x.go": "package imm\n" }));
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already exists");
    expect((await call(`/go/${repo}/example.test/imm/@v/v1.0.0.zip`, { method: "DELETE" })).status).toBe(204);
    expect((await call(`/go/${repo}/example.test/imm/@v/v1.0.0.zip`)).status).toBe(404);
    expect((await call(`/go/${repo}/example.test/imm/@v/list`)).status).toBe(404);
    expect((await call(`/go/${repo}/example.test/imm/@v/v1.0.0.zip`, { method: "DELETE" })).status).toBe(404);
  });
});

describe("go hosted: bad input is refused in plain text and stores nothing", () => {
  const enc = new TextEncoder();
  const cases: [string, Uint8Array, string][] = [
    ["not a zip", enc.encode("this is not a zip archive at all"), "zip: not a valid zip file"],
    ["a corrupt zip (truncated)", moduleZip("example.test/bad", "v1.0.0").subarray(0, 60), "invalid module zip"],
    ["an empty zip", zipSync({}), "zip file is empty"],
    ["files outside module@version/", zipSync({ "example.test/bad@v1.0.0/go.mod": enc.encode("module example.test/bad\n"), "evil.go": enc.encode("package x\n") }), 'path does not have prefix "example.test/bad@v1.0.0/"'],
    ["a go.mod naming another module", moduleZip("example.test/bad", "v1.0.0", {}, "module example.test/other\n"), 'go.mod has non-example.test/bad module path "example.test/other"'],
    ["a non-canonical version", moduleZip("example.test/bad", "v1.0"), "not a canonical semantic version"],
    ["a major version without /vN", moduleZip("example.test/bad", "v2.0.0"), "should be v0 or v1, not v2"],
    ["a module path without a dot", moduleZip("bad/module", "v1.0.0"), "missing dot in first path element"],
    ["a go.mod in a subdirectory", moduleZip("example.test/bad", "v1.0.0", { "sub/go.mod": "module x\n" }), "go.mod file not in module root directory"],
    ["case-folding duplicates", moduleZip("example.test/bad", "v1.0.0", { "A.go": "package a\n", "a.go": "package a\n" }), 'multiple entries for file "a.go"'],
    ["a path with ..", moduleZip("example.test/bad", "v1.0.0", { "../x.go": "package a\n" }), "invalid path element"],
  ];
  for (const [what, body, message] of cases) {
    it(what, async () => {
      const repo = await hosted();
      const res = await put(repo, body);
      expect(res.status).toBe(400);
      expect(res.headers.get("Content-Type")).toContain("text/plain");
      expect(await res.text()).toContain(message);
      expect((await call(`/go/${repo}/example.test/bad/@v/list`)).status).toBe(404);
      const listed = await call(`/api/v1/repositories/${repo}/packages`);
      expect(listed.status).toBe(200);
      expect(await listed.json()).toEqual({ packages: [] });
    });
  }

  it("a remote repository refuses uploads (405); unknown paths are plain-text 404s", async () => {
    const name = `go-remote-up-${++n}`;
    await createRepository({ name, format: "go", kind: "remote", visibility: "private", remote: { url: "https://proxy.test/" } });
    expect((await put(name, moduleZip("example.test/x", "v1.0.0"))).status).toBe(405);
    const repo = await hosted();
    const missing = await call(`/go/${repo}/sumdb/sum.golang.org/supported`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("does not serve a checksum database");
  });
});
