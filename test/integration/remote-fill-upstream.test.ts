// What a format asks of a remote fill (through RemoteSource, as a format's code does): an
// upstream URL on another host, credentials kept to the upstream's own origin (also across
// redirects), Accept variants as separate entries and fills, and kept response headers.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { remoteResponse } from "../../src/virtual/remote-response";
import { createRemote, remoteSourceFor, useScriptedUpstream } from "../helpers/scripted-upstream";

const upstream = useScriptedUpstream();
const INDEX = "https://index.test";
const FILES = "https://files.test";
const basic = `Basic ${btoa("svc:s3cret")}`;

const entryKeys = async (repo: string) =>
  (
    await env.DB.prepare("SELECT key FROM cache_entry WHERE repository_id = (SELECT id FROM repository WHERE name = ?) ORDER BY key").bind(repo).all<{ key: string }>()
  ).results.map((r) => r.key);

describe("remote fills: upstream URL and credentials", () => {
  it("fetches an absolute URL on another host and caches it under the caller's key", async () => {
    const repo = await createRemote((name) => `${INDEX}/${name}/`);
    const fileUrl = `${FILES}/packages/ab/cd/demo-1.0-py3-none-any.whl`;
    upstream.on(fileUrl, () => new Response("wheel bytes", { headers: { "Content-Type": "application/zip" } }));
    const source = await remoteSourceFor(repo);
    const first = await source.get("files/demo-1.0-py3-none-any.whl", "artifact", { upstreamUrl: fileUrl });
    expect(first?.cache).toBe("MISS");
    expect(first?.contentType).toBe("application/zip");
    const second = await source.get("files/demo-1.0-py3-none-any.whl", "artifact", { upstreamUrl: fileUrl });
    expect(second?.cache).toBe("HIT");
    expect(await (await env.BLOBS.get(second?.blob.r2Key ?? ""))?.text()).toBe("wheel bytes");
    expect(upstream.requests.map((r) => r.url)).toEqual([fileUrl]);
    expect(await entryKeys(repo)).toEqual(["files/demo-1.0-py3-none-any.whl"]);
  });

  it("sends stored credentials to the upstream's own origin only, unless the format names the other host", async () => {
    const repo = await createRemote((name) => `${INDEX}/${name}/`, { username: "svc", password: "s3cret" });
    upstream.on(`${INDEX}/${repo}/simple/demo/`, () => new Response("<html></html>", { headers: { "Content-Type": "text/html" } }));
    upstream.on(`${FILES}/a.whl`, () => new Response("a"));
    upstream.on(`${FILES}/b.whl`, () => new Response("b"));
    const source = await remoteSourceFor(repo);
    await source.get("simple/demo/", "metadata");
    await source.get("files/a.whl", "artifact", { upstreamUrl: `${FILES}/a.whl` });
    await source.get("files/b.whl", "artifact", { upstreamUrl: `${FILES}/b.whl`, credentialHosts: ["files.test"] });
    expect(upstream.to(`${INDEX}/${repo}/simple/demo/`)[0]?.headers.get("Authorization")).toBe(basic);
    expect(upstream.to(`${FILES}/a.whl`)[0]?.headers.get("Authorization")).toBeNull();
    expect(upstream.to(`${FILES}/b.whl`)[0]?.headers.get("Authorization")).toBe(basic);
  });

  it("follows redirects, dropping the credentials when the redirect leaves the upstream's origin", async () => {
    const repo = await createRemote((name) => `${INDEX}/${name}/`, { username: "svc", password: "s3cret" });
    upstream.on(`${INDEX}/${repo}/blobs/one`, () => new Response(null, { status: 307, headers: { Location: `/${repo}/blobs/moved` } }));
    upstream.on(`${INDEX}/${repo}/blobs/moved`, () => new Response(null, { status: 302, headers: { Location: "https://cdn.test/signed/one?sig=x" } }));
    upstream.on("https://cdn.test/signed/one", () => new Response("layer bytes"));
    const hit = await (await remoteSourceFor(repo)).get("blobs/one", "artifact");
    expect(await (await env.BLOBS.get(hit?.blob.r2Key ?? ""))?.text()).toBe("layer bytes");
    expect(upstream.to(`${INDEX}/${repo}/blobs/one`)[0]?.headers.get("Authorization")).toBe(basic);
    expect(upstream.to(`${INDEX}/${repo}/blobs/moved`)[0]?.headers.get("Authorization")).toBe(basic);
    expect(upstream.to("https://cdn.test/signed/one")[0]?.headers.get("Authorization")).toBeNull();
  });

  it("refuses an upstream URL that is not absolute http(s)", async () => {
    const repo = await createRemote((name) => `${INDEX}/${name}/`);
    const source = await remoteSourceFor(repo);
    await expect(source.get("x", "artifact", { upstreamUrl: "ftp://files.test/x" })).rejects.toMatchObject({ code: "upstream_unavailable" });
    expect(upstream.requests).toHaveLength(0);
  });
});

describe("remote fills: Accept variants and kept headers", () => {
  it("sends Accept upstream; two variants of one URL are two entries, each filled once under concurrent misses", async () => {
    const repo = await createRemote((name) => `${INDEX}/${name}/`);
    const url = `${INDEX}/${repo}/simple/demo/`;
    upstream.on(url, (request) =>
      request.headers.get("Accept")?.includes("json")
        ? new Response('{"name":"demo"}', { headers: { "Content-Type": "application/vnd.pypi.simple.v1+json" } })
        : new Response("<html>demo</html>", { headers: { "Content-Type": "text/html" } }),
    );
    const source = await remoteSourceFor(repo);
    const json = { upstreamPath: "simple/demo/", accept: "application/vnd.pypi.simple.v1+json" };
    const html = { upstreamPath: "simple/demo/", accept: "text/html" };
    const hits = await Promise.all([
      ...Array.from({ length: 4 }, () => source.get("simple/demo/#json", "metadata", json)),
      ...Array.from({ length: 4 }, () => source.get("simple/demo/#html", "metadata", html)),
    ]);
    expect(hits.slice(0, 4).map((h) => h?.contentType)).toEqual(Array(4).fill("application/vnd.pypi.simple.v1+json"));
    expect(hits.slice(4).map((h) => h?.contentType)).toEqual(Array(4).fill("text/html"));
    expect(await (await env.BLOBS.get(hits[0]?.blob.r2Key ?? ""))?.text()).toBe('{"name":"demo"}');
    expect(await (await env.BLOBS.get(hits[4]?.blob.r2Key ?? ""))?.text()).toBe("<html>demo</html>");
    expect(upstream.to(url).map((r) => r.headers.get("Accept")).sort()).toEqual(["application/vnd.pypi.simple.v1+json", "text/html"]);
    expect(await entryKeys(repo)).toEqual(["simple/demo/#html", "simple/demo/#json"]);
  });

  it("keeps the upstream headers a format names and replays them on hits", async () => {
    const repo = await createRemote((name) => `${INDEX}/${name}/`);
    const digest = "sha256:0a1b2c";
    upstream.on(`${INDEX}/${repo}/v2/demo/manifests/1.0`, () =>
      new Response("{}", {
        headers: {
          "Content-Type": "application/vnd.oci.image.manifest.v1+json",
          "Docker-Content-Digest": digest,
          Link: '</v2/demo/tags/list?n=1&last=a>; rel="next"',
          "X-Not-Kept": "1",
        },
      }),
    );
    const source = await remoteSourceFor(repo);
    const options = { keepHeaders: ["Docker-Content-Digest", "Link"] } as const;
    const miss = await source.get("v2/demo/manifests/1.0", "metadata", options);
    const hit = await source.get("v2/demo/manifests/1.0", "metadata", options);
    const kept = { "docker-content-digest": digest, link: '</v2/demo/tags/list?n=1&last=a>; rel="next"' };
    expect(miss?.headers).toEqual(kept);
    expect(hit?.cache).toBe("HIT");
    expect(hit?.headers).toEqual(kept);
    expect(upstream.requests).toHaveLength(1);

    const response = await remoteResponse(new Request("https://registry.test/x"), env.BLOBS, hit as NonNullable<typeof hit>, repo);
    expect(response.headers.get("Docker-Content-Digest")).toBe(digest);
    expect(response.headers.get("Content-Type")).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(response.headers.get("X-Not-Kept")).toBeNull();
    expect(await response.text()).toBe("{}");
  });
});
