// PyPI hosted: twine's upload form, the Simple API (HTML/JSON), files, PEP 658 metadata, yank.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, createRepository } from "../helpers/client";
import { coreMetadata, hexDigest, sdist, twineFields, uploadBody, wheel } from "./pypi-fixtures";

const JSON_TYPE = "application/vnd.pypi.simple.v1+json";

function basic(token: string): string {
  return `Basic ${btoa(`__token__:${token}`)}`;
}

async function upload(body: { body: Uint8Array; contentType: string }, token: string | null = ADMIN, repo = "py"): Promise<Response> {
  return call(`/pypi/${repo}/`, {
    method: "POST",
    token: null,
    body: body.body,
    headers: { "Content-Type": body.contentType, ...(token ? { Authorization: basic(token) } : {}) },
  });
}

async function uploadFile(name: string, version: string, filename: string, content: Uint8Array, overrides = {}): Promise<Response> {
  return upload(uploadBody(await twineFields(name, version, filename, content, overrides), { filename, content }));
}

async function fileCount(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM package_file").first<{ n: number }>())?.n ?? 0;
}

beforeAll(async () => {
  await createRepository({ name: "py", format: "pypi", kind: "hosted", visibility: "public" });
  await createRepository({ name: "py-private", format: "pypi", kind: "hosted", visibility: "private" });
  await createRepository({ name: "py-deploy", format: "pypi", kind: "virtual", visibility: "public", members: [{ repository: "py" }], settings: { deployMember: "py" } });
});

describe("pypi hosted upload and simple index", () => {
  it("stores a wheel and an sdist and lists them in PEP 503 HTML and PEP 691 JSON", async () => {
    const whl = wheel("Demo.Pkg", "1.0", { extra: { "Requires-Python": ">=3.8,<4", Summary: "demo" } });
    const tgz = await sdist("Demo.Pkg", "1.0", { pkgInfo: coreMetadata("Demo.Pkg", "1.0", { "Requires-Python": ">=3.8,<4" }) });
    expect((await uploadFile("Demo.Pkg", "1.0", "demo_pkg-1.0-py3-none-any.whl", whl)).status).toBe(200);
    expect((await uploadFile("Demo.Pkg", "1.0", "demo_pkg-1.0.tar.gz", tgz)).status).toBe(200);

    const html = await call("/pypi/py/simple/demo-pkg/", { token: null });
    expect(html.status).toBe(200);
    expect(html.headers.get("Content-Type")).toContain("text/html");
    expect(html.headers.get("Vary")).toBe("Accept");
    const page = await html.text();
    const whlSha = await hexDigest("SHA-256", whl);
    expect(page).toContain(`href="/pypi/py/files/demo-pkg/demo_pkg-1.0-py3-none-any.whl#sha256=${whlSha}"`);
    expect(page).toContain('data-requires-python="&gt;=3.8,&lt;4"');
    expect(page).toMatch(/data-core-metadata="sha256=[0-9a-f]{64}"/);

    const json = await call("/pypi/py/simple/demo-pkg/", { token: null, headers: { Accept: `${JSON_TYPE}, text/html;q=0.1` } });
    expect(json.headers.get("Content-Type")).toContain(JSON_TYPE);
    const doc = (await json.json()) as { meta: unknown; name: string; versions: string[]; files: { filename: string; size: number; "upload-time": string; "core-metadata": unknown; hashes: { sha256: string } }[] };
    expect(doc.meta).toEqual({ "api-version": "1.1" });
    expect(doc.name).toBe("demo-pkg");
    expect(doc.versions).toEqual(["1.0"]);
    expect(doc.files.map((f) => f.filename).sort()).toEqual(["demo_pkg-1.0-py3-none-any.whl", "demo_pkg-1.0.tar.gz"]);
    const wheelEntry = doc.files.find((f) => f.filename.endsWith(".whl"));
    expect(wheelEntry?.size).toBe(whl.length);
    expect(wheelEntry?.["upload-time"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // PEP 658: the METADATA, whose digest the page announced.
    const metadata = await call("/pypi/py/files/demo-pkg/demo_pkg-1.0-py3-none-any.whl.metadata", { token: null });
    expect(metadata.status).toBe(200);
    const metadataBytes = new Uint8Array(await metadata.arrayBuffer());
    expect(new TextDecoder().decode(metadataBytes)).toContain("Name: Demo.Pkg");
    expect(wheelEntry?.["core-metadata"]).toEqual({ sha256: await hexDigest("SHA-256", metadataBytes) });
    expect((await call("/pypi/py/files/demo-pkg/demo_pkg-1.0.tar.gz.metadata", { token: null })).status).toBe(404);

    const file = await call("/pypi/py/files/demo-pkg/demo_pkg-1.0-py3-none-any.whl", { token: null, headers: { Range: "bytes=0-3" } });
    expect(file.status).toBe(206);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(whl.subarray(0, 4));

    const list = await call("/pypi/py/simple/", { token: null, headers: { Accept: JSON_TYPE } });
    expect(((await list.json()) as { projects: { name: string }[] }).projects).toEqual([{ name: "Demo.Pkg" }]);
    expect(await (await call("/pypi/py/simple/", { token: null })).text()).toContain('<a href="/pypi/py/simple/demo-pkg/">Demo.Pkg</a>');
  });

  it("redirects non-normalised names and missing slashes, 404s unknown projects", async () => {
    for (const path of ["/pypi/py/simple/Demo.Pkg/", "/pypi/py/simple/demo_pkg", "/pypi/py/simple/demo-pkg"]) {
      const res = await call(path, { token: null, redirect: "manual" });
      expect(res.status).toBe(301);
      expect(new URL(res.headers.get("Location") ?? "", "http://x").pathname).toBe("/pypi/py/simple/demo-pkg/");
    }
    const missing = await call("/pypi/py/simple/nope/", { token: null });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("Content-Type")).toContain("text/plain");
  });

  it("answers HEAD on pages and files without a body", async () => {
    const page = await call("/pypi/py/simple/demo-pkg/", { method: "HEAD", token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toContain("text/html");
    expect(await page.text()).toBe("");
    const file = await call("/pypi/py/files/demo-pkg/demo_pkg-1.0.tar.gz", { method: "HEAD", token: null });
    expect(file.status).toBe(200);
    expect(Number(file.headers.get("Content-Length"))).toBeGreaterThan(0);
    expect((await call("/pypi/py/files/demo-pkg/demo_pkg-9.9.tar.gz", { method: "HEAD", token: null })).status).toBe(404);
    expect((await call("/pypi/py/files/other/demo_pkg-1.0.tar.gz", { token: null })).status).toBe(404);
  });

  it("a virtual repository with a deployMember takes uploads for it", async () => {
    const whl = wheel("via-virtual", "1.0");
    const res = await upload(uploadBody(await twineFields("via-virtual", "1.0", "via_virtual-1.0-py3-none-any.whl", whl), { filename: "via_virtual-1.0-py3-none-any.whl", content: whl }), ADMIN, "py-deploy");
    expect(res.status, await res.text()).toBe(200);
    expect((await call("/pypi/py/simple/via-virtual/", { token: null })).status).toBe(200);
  });

  it("refuses a file that exists with PyPI's message in status line and body", async () => {
    const whl = wheel("dup", "1.0");
    expect((await uploadFile("dup", "1.0", "dup-1.0-py3-none-any.whl", whl)).status).toBe(200);
    const again = await uploadFile("dup", "1.0", "dup-1.0-py3-none-any.whl", whl);
    expect(again.status).toBe(400);
    expect(again.statusText).toContain("File already exists ('dup-1.0-py3-none-any.whl'");
    expect(await again.text()).toContain("File already exists");
  });

  it("requires write credentials (Basic, token as password), and hides private repositories", async () => {
    const whl = wheel("anon", "1.0");
    const res = await upload(uploadBody(await twineFields("anon", "1.0", "anon-1.0-py3-none-any.whl", whl), { filename: "anon-1.0-py3-none-any.whl", content: whl }), null);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain("Basic");
    expect((await call("/pypi/py-private/simple/", { token: null })).status).toBe(404);
  });

  it("yanks and unyanks a release (PEP 592)", async () => {
    const whl = wheel("yanky", "2.0");
    await uploadFile("yanky", "2.0", "yanky-2.0-py3-none-any.whl", whl);
    const yank = await call("/pypi/py/-/yank/Yanky/2.0", { method: "PUT", body: JSON.stringify({ reason: 'broken <"build">' }), headers: { "Content-Type": "application/json" } });
    expect(yank.status).toBe(200);
    expect(await (await call("/pypi/py/simple/yanky/", { token: null })).text()).toContain('data-yanked="broken &lt;&quot;build&quot;&gt;"');
    const json = (await (await call("/pypi/py/simple/yanky/", { token: null, headers: { Accept: JSON_TYPE } })).json()) as { files: { yanked: unknown }[] };
    expect(json.files[0]?.yanked).toBe('broken <"build">');
    expect((await call("/pypi/py/-/yank/yanky/2.0", { method: "PUT", token: null })).status).toBe(401);
    expect((await call("/pypi/py/-/yank/yanky/9.9", { method: "PUT" })).status).toBe(404);
    expect((await call("/pypi/py/-/yank/yanky/2.0", { method: "DELETE" })).status).toBe(200);
    expect(await (await call("/pypi/py/simple/yanky/", { token: null })).text()).not.toContain("data-yanked");
  });
});

describe("pypi upload: bad input is a clear 400 and stores nothing", () => {
  const whl = wheel("good", "1.0");
  const name = "good-1.0-py3-none-any.whl";

  async function expectRejected(res: Response, text: string | RegExp): Promise<void> {
    const body = await res.text();
    expect(res.status, body).toBe(400);
    expect(body).toMatch(text);
  }

  it("rejects malformed multipart and a non-multipart body", async () => {
    const before = await fileCount();
    await expectRejected(await upload({ body: new TextEncoder().encode("--b\r\nno headers end"), contentType: "multipart/form-data; boundary=b" }), /malformed multipart/);
    await expectRejected(await upload({ body: new TextEncoder().encode("x"), contentType: "application/json" }), /multipart\/form-data/);
    const truncated = uploadBody(await twineFields("good", "1.0", name, whl), { filename: name, content: whl });
    await expectRejected(await upload({ body: truncated.body.subarray(0, truncated.body.length - 40), contentType: truncated.contentType }), /malformed multipart/);
    expect(await fileCount()).toBe(before);
  });

  it("rejects missing fields, bad filenames and mismatches", async () => {
    const before = await fileCount();
    const cases: [Record<string, string | undefined>, string, Uint8Array, string | RegExp][] = [
      [{ ":action": undefined }, name, whl, /:action/],
      [{ name: "" }, name, whl, /invalid value for Name/],
      [{ version: "not a version" }, name, whl, /invalid value for Version/],
      [{ filetype: "bdist_egg" }, name, whl, /Unknown type of file/],
      [{ filetype: "sdist" }, name, whl, /filetype is sdist/],
      [{ md5_digest: undefined, sha256_digest: undefined }, name, whl, /at least one message digest/],
      [{ md5_digest: "0".repeat(32) }, name, whl, /digest supplied does not match/],
      [{ sha256_digest: "0".repeat(64) }, name, whl, /digest supplied does not match/],
      [{ name: "other" }, name, whl, /Start filename for 'other'/],
      [{ version: "2.0" }, name, whl, /Version in filename should be '2.0'/],
      [{}, "good-1.0.egg", whl, /Invalid distribution file name/],
      [{}, "../good-1.0-py3-none-any.whl", whl, /Invalid distribution file name/],
      [{}, name, wheel("good", "1.1"), /METADATA says good 1.1/],
      [{}, name, new TextEncoder().encode("not a zip at all, just text"), /Invalid distribution file/],
    ];
    for (const [overrides, filename, content, message] of cases) {
      const fields = { ...(await twineFields("good", "1.0", filename, content)), ...overrides };
      await expectRejected(await upload(uploadBody(fields, { filename, content })), message);
    }
    await expectRejected(await upload(uploadBody(await twineFields("good", "1.0", name, whl), null)), /does not have a file/);
    expect(await fileCount()).toBe(before);
    expect((await call("/pypi/py/simple/good/", { token: null })).status).toBe(404);
  });

  it("checks twine's fields (sent before the file) before storing any byte", async () => {
    const blobs = async () => (await env.DB.prepare("SELECT count(*) AS n FROM package_blob").first<{ n: number }>())?.n ?? 0;
    const before = await blobs();
    const content = wheel("early", "1.0");
    for (const overrides of [{ name: "other" }, { version: "2.0" }, { filetype: "sdist" }, { ":action": "submit" }]) {
      const fields = { ...(await twineFields("early", "1.0", "early-1.0-py3-none-any.whl", content)), ...overrides };
      await expectRejected(await upload(uploadBody(fields, { filename: "early-1.0-py3-none-any.whl", content })), /./);
    }
    expect(await blobs()).toBe(before);
  });

  it("rejects a zip bomb in METADATA and an sdist without PKG-INFO", async () => {
    const before = await fileCount();
    // 16 MiB of zeros deflate to ~16 KiB: over the 4 MiB cap and the 200:1 ratio.
    const bomb = wheel("good", "1.0", { metadata: new Uint8Array(16 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(100_000);
    await expectRejected(await uploadFile("good", "1.0", name, bomb), /larger than|ratio/);
    const { gzip, tar } = await import("./pypi-fixtures");
    const noInfo = await gzip(tar({ "good-1.0/setup.py": "x" }));
    await expectRejected(await uploadFile("good", "1.0", "good-1.0.tar.gz", noInfo), /PKG-INFO not found/);
    expect(await fileCount()).toBe(before);
  }, 30_000);
});
