// Simple API parsing, merging and rendering (pure functions, no bindings).
import { describe, expect, it } from "vitest";
import { mergeProjectLists, mergeSimpleProjects } from "../../../src/formats/pypi/simple-merge";
import { parseSimpleHtml, parseSimpleJson } from "../../../src/formats/pypi/simple-parse";
import { negotiateSimpleType, renderProjectListHtml, renderProjectListJson, renderSimpleHtml, renderSimpleJson, type SimpleFile } from "../../../src/formats/pypi/simple-render";

const sha = (c: string) => c.repeat(64);

const upstreamHtml = `<!DOCTYPE html><html><body>
<a href="../../files/demo-1.0.tar.gz#sha256=${sha("a")}" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a><br/>
<a href="https://files.example/p/demo-1.0-py3-none-any.whl#sha256=${sha("b")}" data-core-metadata="sha256=${sha("c")}" data-yanked="broken &amp; bad">demo-1.0-py3-none-any.whl</a>
<a href="demo-0.9.zip" data-dist-info-metadata="true">demo-0.9.zip</a>
<a href="javascript:alert(1)">demo-0.1.tar.gz</a>
<a href="evil/..%2F..%2Fx">../x</a>
</body></html>`;

describe("parsing simple pages", () => {
  it("reads PEP 503 HTML: relative and cross-host links, hashes, data attributes", () => {
    const files = parseSimpleHtml(upstreamHtml, "http://index.example/simple/demo/");
    expect(files.map((f) => f.filename)).toEqual(["demo-1.0.tar.gz", "demo-1.0-py3-none-any.whl", "demo-0.9.zip", "../x"]);
    expect(files[0]).toEqual({ filename: "demo-1.0.tar.gz", url: "http://index.example/files/demo-1.0.tar.gz", hashes: { sha256: sha("a") }, requiresPython: ">=3.8" });
    expect(files[1]).toMatchObject({ url: "https://files.example/p/demo-1.0-py3-none-any.whl", yanked: "broken & bad", metadataHashes: { sha256: sha("c") } });
    expect(files[2]).toMatchObject({ url: "http://index.example/simple/demo/demo-0.9.zip", metadataHashes: {}, hashes: {} });
  });

  it("honours <base href>", () => {
    const files = parseSimpleHtml(`<html><head><base href="https://cdn.example/x/"></head><a href="f-1.0.tar.gz">f-1.0.tar.gz</a></html>`, "http://index.example/simple/f/");
    expect(files[0]?.url).toBe("https://cdn.example/x/f-1.0.tar.gz");
  });

  it("reads PEP 691 JSON with PEP 700 fields", () => {
    const json = JSON.stringify({
      meta: { "api-version": "1.1" },
      name: "demo",
      files: [
        { filename: "demo-2.0.tar.gz", url: "/f/demo-2.0.tar.gz", hashes: { sha256: sha("D") }, "requires-python": ">=3.9", yanked: "", size: 10, "upload-time": "2024-01-02T03:04:05.000000Z", "core-metadata": false },
        { filename: "demo-2.0-py3-none-any.whl", url: "https://cdn.example/demo-2.0-py3-none-any.whl", hashes: {}, "dist-info-metadata": { sha256: sha("e") }, yanked: true },
        { filename: 5, url: "x" },
      ],
    });
    const files = parseSimpleJson(json, "https://index.example/simple/demo/");
    expect(files).toEqual([
      { filename: "demo-2.0.tar.gz", url: "https://index.example/f/demo-2.0.tar.gz", hashes: { sha256: sha("d") }, requiresPython: ">=3.9", yanked: true, size: 10, uploadTime: Date.UTC(2024, 0, 2, 3, 4, 5) },
      { filename: "demo-2.0-py3-none-any.whl", url: "https://cdn.example/demo-2.0-py3-none-any.whl", hashes: {}, yanked: true, metadataHashes: { sha256: sha("e") } },
    ]);
    expect(parseSimpleJson("not json", "https://x/")).toBeNull();
  });
});

describe("mergeSimpleProjects", () => {
  const now = Date.UTC(2025, 5, 1);
  const jsonPage = (files: { filename: string; uploadTime?: number }[]) =>
    JSON.stringify({ files: files.map((f) => ({ filename: f.filename, url: `https://up.example/${f.filename}`, hashes: { sha256: sha("9") }, ...(f.uploadTime ? { "upload-time": new Date(f.uploadTime).toISOString() } : {}) })) });

  it("unions by filename, first member wins, links point at us, provenance keeps the upstream URL", () => {
    const result = mergeSimpleProjects(
      "demo",
      [
        { member: "hosted", text: upstreamHtml, contentType: "text/html", baseUrl: "http://index.example/simple/demo/" },
        { member: "remote", text: jsonPage([{ filename: "demo-1.0.tar.gz" }, { filename: "demo-3.0.tar.gz" }]), contentType: "application/vnd.pypi.simple.v1+json", baseUrl: "https://up.example/simple/demo/" },
      ],
      { filesBase: "/pypi/v/files/demo/", now },
    );
    expect(result?.files.map((f) => f.filename)).toEqual(["demo-1.0.tar.gz", "demo-1.0-py3-none-any.whl", "demo-0.9.zip", "demo-3.0.tar.gz"]);
    expect(result?.files[0]).toMatchObject({ url: "/pypi/v/files/demo/demo-1.0.tar.gz", hashes: { sha256: sha("a") } });
    expect(result?.provenance["demo-1.0.tar.gz"]).toEqual({ member: "hosted", url: "http://index.example/files/demo-1.0.tar.gz" });
    expect(result?.provenance["demo-3.0.tar.gz"]).toEqual({ member: "remote", url: "https://up.example/demo-3.0.tar.gz" });
    expect(result?.provenance["../x"]).toBeUndefined();
  });

  it("hides files younger than the release age when the upload time is known", () => {
    const hour = 3_600_000;
    const page = jsonPage([{ filename: "d-1.0.tar.gz", uploadTime: now - 48 * hour }, { filename: "d-2.0.tar.gz", uploadTime: now - hour }, { filename: "d-3.0.tar.gz" }]);
    const result = mergeSimpleProjects("d", [{ member: "r", text: page, contentType: "application/json", baseUrl: "https://up.example/" }], { filesBase: "/f/", now, minReleaseAgeHours: 24 });
    expect(result?.files.map((f) => f.filename)).toEqual(["d-1.0.tar.gz", "d-3.0.tar.gz"]);
    expect(result?.provenance["d-2.0.tar.gz"]).toBeUndefined();
  });

  it("is null when no member page parses, empty when pages list nothing", () => {
    expect(mergeSimpleProjects("d", [{ member: "r", text: "garbage", contentType: "text/plain", baseUrl: "https://up.example/" }], { filesBase: "/f/", now })).toBeNull();
    expect(mergeSimpleProjects("d", [{ member: "r", text: "<html></html>", contentType: "text/html", baseUrl: "https://up.example/" }], { filesBase: "/f/", now })).toEqual({ files: [], provenance: {} });
  });

  it("merges project lists by normalised name", () => {
    const html = `<html><a href="/simple/foo-bar/">Foo.Bar</a><a href="/simple/zed/">zed</a></html>`;
    const json = JSON.stringify({ meta: { "api-version": "1.0" }, projects: [{ name: "foo_bar" }, { name: "alpha" }] });
    expect(mergeProjectLists([{ text: html, contentType: "text/html" }, { text: json, contentType: "application/vnd.pypi.simple.v1+json" }])).toEqual(["alpha", "Foo.Bar", "zed"]);
  });
});

describe("rendering", () => {
  const files: SimpleFile[] = [
    { filename: "demo-1.0.tar.gz", url: "/pypi/r/files/demo/demo-1.0.tar.gz", hashes: { sha256: sha("a") }, requiresPython: ">=3.8,<4", size: 12, uploadTime: Date.UTC(2024, 0, 1) },
    { filename: "demo-1.0-py3-none-any.whl", url: "/pypi/r/files/demo/demo-1.0-py3-none-any.whl", hashes: { sha256: sha("b") }, metadataHashes: { sha256: sha("c") }, yanked: 'bad "release"' },
    { filename: "demo-0.9rc1.tar.gz", url: "/pypi/r/files/demo/demo-0.9rc1.tar.gz", hashes: {}, yanked: true },
  ];

  it("renders PEP 503 HTML with escaped attributes and both metadata spellings", () => {
    const html = renderSimpleHtml("Demo", files);
    expect(html).toContain('<meta name="pypi:repository-version" content="1.1">');
    expect(html).toContain(`<a href="/pypi/r/files/demo/demo-1.0.tar.gz#sha256=${sha("a")}" data-requires-python="&gt;=3.8,&lt;4">demo-1.0.tar.gz</a>`);
    expect(html).toContain(`data-dist-info-metadata="sha256=${sha("c")}" data-core-metadata="sha256=${sha("c")}" data-yanked="bad &quot;release&quot;"`);
    expect(html).toContain('data-yanked="">demo-0.9rc1.tar.gz');
    // A round trip through our own parser gives the same facts back.
    expect(parseSimpleHtml(html, "http://r.example/pypi/r/simple/demo/").map((f) => f.requiresPython ?? f.yanked)).toEqual([">=3.8,<4", 'bad "release"', true]);
  });

  it("renders PEP 691 JSON with PEP 700 fields", () => {
    const json = JSON.parse(renderSimpleJson("Demo", files));
    expect(json.meta).toEqual({ "api-version": "1.1" });
    expect(json.name).toBe("demo");
    expect(json.versions).toEqual(["0.9rc1", "1.0"]);
    expect(json.files[0]).toEqual({ filename: "demo-1.0.tar.gz", url: "/pypi/r/files/demo/demo-1.0.tar.gz", hashes: { sha256: sha("a") }, "requires-python": ">=3.8,<4", "core-metadata": false, "dist-info-metadata": false, yanked: false, size: 12, "upload-time": "2024-01-01T00:00:00.000Z" });
    expect(json.files[1]["core-metadata"]).toEqual({ sha256: sha("c") });
    expect(json.files[1].yanked).toBe('bad "release"');
  });

  it("renders the project list in both serialisations", () => {
    expect(renderProjectListHtml(["Foo.Bar"], "/pypi/r/simple/")).toContain('<a href="/pypi/r/simple/foo-bar/">Foo.Bar</a>');
    expect(JSON.parse(renderProjectListJson(["Foo.Bar"]))).toEqual({ meta: { "api-version": "1.1" }, projects: [{ name: "Foo.Bar" }] });
  });

  it("negotiates by Accept with q-values, HTML by default", () => {
    expect(negotiateSimpleType(null)).toBe("text/html");
    expect(negotiateSimpleType("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01")).toBe("application/vnd.pypi.simple.v1+json");
    expect(negotiateSimpleType("application/vnd.pypi.simple.v1+json;q=0.1, text/html")).toBe("text/html");
    expect(negotiateSimpleType("application/vnd.pypi.simple.v1+html")).toBe("application/vnd.pypi.simple.v1+html");
    expect(negotiateSimpleType("image/png")).toBe("text/html");
  });
});
