// PyPI through the remote/virtual engine, with an upstream index on one host whose file links
// live on a second host (as pypi.org → files.pythonhosted.org): links rewritten to us, hashes
// relayed, Accept variants kept apart, files fetched from the provenance URL and cached,
// shielding by normalised project name, include/exclude, release age, upstreams down.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, bytes, call, createRepository, sha256 } from "../helpers/client";
import { useScriptedUpstream } from "../helpers/scripted-upstream";
import { twineFields, uploadBody, wheel } from "./pypi-fixtures";
import { forgetReadCache } from "../../src/virtual/read-cache";

const upstream = useScriptedUpstream();
const JSON_TYPE = "application/vnd.pypi.simple.v1+json";
const INDEX = "https://index.test";
const FILES = "https://files.test";
const HOUR = 3_600_000;

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

interface UpstreamFile {
  filename: string;
  body: Uint8Array;
  uploadedAgo?: number;
}

/** Serves `project`'s PEP 691 page at `{INDEX}/{prefix}/simple/{project}/`, files on FILES. */
async function upstreamProject(prefix: string, project: string, files: UpstreamFile[]): Promise<void> {
  const entries = [];
  for (const file of files) {
    const url = `${FILES}/${prefix}/packages/${file.filename}`;
    upstream.on(url, () => new Response(file.body, { headers: { "Content-Type": "application/octet-stream" } }));
    upstream.on(`${url}.metadata`, () => new Response(`Metadata-Version: 2.1\nName: ${project}\n`, { headers: { "Content-Type": "text/plain" } }));
    entries.push({
      filename: file.filename, url, hashes: { sha256: await sha256(file.body) }, "core-metadata": true,
      ...(file.uploadedAgo === undefined ? {} : { "upload-time": new Date(Date.now() - file.uploadedAgo).toISOString() }),
    });
  }
  const page = JSON.stringify({ meta: { "api-version": "1.1" }, name: project, files: entries });
  upstream.on(`${INDEX}/${prefix}/simple/${project}/`, () => new Response(page, { headers: { "Content-Type": JSON_TYPE } }));
}

async function remote(settings: Record<string, unknown> = {}): Promise<string> {
  const name = unique("py-remote");
  await createRepository({ name, format: "pypi", kind: "remote", visibility: "private", remote: { url: `${INDEX}/${name}/` }, settings });
  return name;
}

async function uploadWheel(repo: string, project: string, version: string): Promise<Uint8Array> {
  const filename = `${project.replace(/-/g, "_")}-${version}-py3-none-any.whl`;
  const content = wheel(project, version);
  const { body, contentType } = uploadBody(await twineFields(project, version, filename, content), { filename, content });
  const res = await call(`/pypi/${repo}/`, { method: "POST", token: null, body, headers: { "Content-Type": contentType, Authorization: `Basic ${btoa(`__token__:${ADMIN}`)}` } });
  expect(res.status).toBe(200);
  return content;
}

type Page = { files: { filename: string; url: string; hashes: { sha256: string } }[] };
const page = async (repo: string, project: string, accept = JSON_TYPE) => call(`/pypi/${repo}/simple/${project}/`, { headers: { Accept: accept } });
const filenames = async (repo: string, project: string) => {
  const res = await page(repo, project);
  return res.status === 200 ? ((await res.json()) as Page).files.map((f) => f.filename) : res.status;
};

describe("pypi remote through the engine", () => {
  it("rewrites links from another host to us, keeps variants apart, fetches and caches files from the recorded URL", async () => {
    const repo = await remote();
    const body = bytes(300, 21);
    await upstreamProject(repo, "remote-pkg", [{ filename: "remote_pkg-1.0-py3-none-any.whl", body }]);

    const json = await page(repo, "remote-pkg");
    expect(json.headers.get("Content-Type")).toContain(JSON_TYPE);
    expect(json.headers.get("Vary")).toContain("Accept");
    const doc = (await json.json()) as Page;
    expect(doc.files).toEqual([expect.objectContaining({ filename: "remote_pkg-1.0-py3-none-any.whl", url: `/pypi/${repo}/files/remote-pkg/remote_pkg-1.0-py3-none-any.whl`, hashes: { sha256: await sha256(body) } })]);
    const html = await page(repo, "remote-pkg", "text/html");
    expect(html.headers.get("Content-Type")).toContain("text/html");
    expect(await html.text()).toContain(`href="/pypi/${repo}/files/remote-pkg/remote_pkg-1.0-py3-none-any.whl#sha256=${await sha256(body)}"`);
    // One upstream copy; two served documents.
    expect(upstream.to(`${INDEX}/${repo}/simple/remote-pkg/`)).toHaveLength(1);
    const keys = await env.DB.prepare("SELECT key FROM cache_entry WHERE repository_id = (SELECT id FROM repository WHERE name = ?) AND key LIKE 'pypi:simple:%' AND key NOT LIKE '%#provenance'").bind(repo).all<{ key: string }>();
    expect(keys.results.map((r) => r.key.split(":")[2]).sort()).toEqual(["html", "json"]);

    const file = await call(`/pypi/${repo}/files/remote-pkg/remote_pkg-1.0-py3-none-any.whl`);
    expect(file.status).toBe(200);
    expect(await sha256(await file.arrayBuffer())).toBe(await sha256(body));
    expect(upstream.to(`${FILES}/${repo}/packages/remote_pkg-1.0-py3-none-any.whl`)).toHaveLength(1);
    const metadata = await call(`/pypi/${repo}/files/remote-pkg/remote_pkg-1.0-py3-none-any.whl.metadata`);
    expect(await metadata.text()).toContain("Name: remote-pkg");
    const again = await call(`/pypi/${repo}/files/remote-pkg/remote_pkg-1.0-py3-none-any.whl`);
    expect(again.headers.get("X-Cache")).toBe("HIT");
    await again.arrayBuffer();
    expect(upstream.to(`${FILES}/${repo}/packages/remote_pkg-1.0-py3-none-any.whl`)).toHaveLength(1);
    expect((await call(`/pypi/${repo}/files/remote-pkg/not_listed-1.0-py3-none-any.whl`)).status).toBe(404);

    // The index's project list links pages on its own host; ours link back to us.
    upstream.on(`${INDEX}/${repo}/simple/`, () => new Response('<html><body><a href="/simple/remote-pkg/">Remote.Pkg</a></body></html>', { headers: { "Content-Type": "text/html" } }));
    expect(await (await call(`/pypi/${repo}/simple/`)).text()).toContain(`href="/pypi/${repo}/simple/remote-pkg/"`);

    // Both hosts down: the cached page and file are still served.
    upstream.reset();
    upstream.on(`${INDEX}/${repo}/simple/remote-pkg/`, () => new Response("down", { status: 503 }));
    await env.DB.prepare("UPDATE cache_entry SET checked_at = 0 WHERE repository_id = (SELECT id FROM repository WHERE name = ?)").bind(repo).run();
    forgetReadCache(); // the isolate's answers built from them would have expired too
    const stale = await page(repo, "remote-pkg");
    expect(stale.status).toBe(200);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    const cached = await call(`/pypi/${repo}/files/remote-pkg/remote_pkg-1.0-py3-none-any.whl`);
    expect(await sha256(await cached.arrayBuffer())).toBe(await sha256(body));
  }, 30_000);

  it("hides files younger than the release age; their URLs answer 404", async () => {
    const repo = await remote({ minReleaseAgeHours: 48 });
    await upstreamProject(repo, "aged", [
      { filename: "aged-1.0-py3-none-any.whl", body: bytes(10, 22), uploadedAgo: 30 * 24 * HOUR },
      { filename: "aged-1.1-py3-none-any.whl", body: bytes(10, 23), uploadedAgo: HOUR },
    ]);
    expect(await filenames(repo, "aged")).toEqual(["aged-1.0-py3-none-any.whl"]);
    expect((await call(`/pypi/${repo}/files/aged/aged-1.1-py3-none-any.whl`)).status).toBe(404);
    expect((await call(`/pypi/${repo}/files/aged/aged-1.0-py3-none-any.whl`)).status).toBe(200);
  }, 30_000);
});

describe("pypi virtual through the engine", () => {
  it("shields a project a hosted member has, by normalised name; other projects come from the remote", async () => {
    const hosted = unique("py-hosted");
    await createRepository({ name: hosted, format: "pypi", kind: "hosted", visibility: "private" });
    const proxy = await remote();
    const virtual = unique("py-virtual");
    await createRepository({ name: virtual, format: "pypi", kind: "virtual", visibility: "private", members: [{ repository: hosted, priority: 10 }, { repository: proxy, priority: 1 }] });
    const ours = await uploadWheel(hosted, "acme-internal", "1.0");
    await upstreamProject(proxy, "acme-internal", [{ filename: "acme_internal-9.9-py3-none-any.whl", body: bytes(10, 24) }]);
    await upstreamProject(proxy, "public-dep", [{ filename: "public_dep-2.0-py3-none-any.whl", body: bytes(10, 25) }]);

    // Asked under a non-normalised spelling, the canonical page is served: hosted files only.
    const redirect = await call(`/pypi/${virtual}/simple/Acme_Internal/`, { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(await filenames(virtual, "acme-internal")).toEqual(["acme_internal-1.0-py3-none-any.whl"]);
    expect(upstream.to(`${INDEX}/${proxy}/simple/acme-internal/`)).toHaveLength(0);
    const file = await call(`/pypi/${virtual}/files/acme-internal/acme_internal-1.0-py3-none-any.whl`);
    expect(file.headers.get("X-Registry-Member")).toBe(hosted);
    expect(await sha256(await file.arrayBuffer())).toBe(await sha256(ours));
    expect((await call(`/pypi/${virtual}/files/acme-internal/acme_internal-9.9-py3-none-any.whl`)).status).toBe(404);

    expect(await filenames(virtual, "public-dep")).toEqual(["public_dep-2.0-py3-none-any.whl"]);
    const dep = await call(`/pypi/${virtual}/files/public-dep/public_dep-2.0-py3-none-any.whl`);
    expect(dep.headers.get("X-Registry-Member")).toBe(proxy);
    expect(await sha256(await dep.arrayBuffer())).toBe(await sha256(bytes(10, 25)));

    // The project list is the union of the members'.
    upstream.on(`${INDEX}/${proxy}/simple/`, () => new Response(JSON.stringify({ meta: { "api-version": "1.0" }, projects: [{ name: "public-dep" }] }), { headers: { "Content-Type": JSON_TYPE } }));
    const list = (await (await call(`/pypi/${virtual}/simple/`, { headers: { Accept: JSON_TYPE } })).json()) as { projects: { name: string }[] };
    expect(list.projects.map((p) => p.name).sort()).toEqual(["acme-internal", "public-dep"]);
  }, 30_000);

  it("applies include/exclude rules per member", async () => {
    const proxy = await remote();
    const virtual = unique("py-virtual");
    await createRepository({ name: virtual, format: "pypi", kind: "virtual", visibility: "private", members: [{ repository: proxy, priority: 1, exclude: ["evil-*"] }] });
    await upstreamProject(proxy, "evil-thing", [{ filename: "evil_thing-1.0-py3-none-any.whl", body: bytes(10, 26) }]);
    await upstreamProject(proxy, "fine-thing", [{ filename: "fine_thing-1.0-py3-none-any.whl", body: bytes(10, 27) }]);
    expect(await filenames(virtual, "evil-thing")).toBe(404);
    expect(await filenames(virtual, "fine-thing")).toEqual(["fine_thing-1.0-py3-none-any.whl"]);
    expect(upstream.to(`${INDEX}/${proxy}/simple/evil-thing/`)).toHaveLength(0);
  }, 30_000);
});
