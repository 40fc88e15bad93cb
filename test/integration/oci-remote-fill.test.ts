// OCI remote repositories in workerd against a scripted distribution-spec upstream with
// Docker-style token auth: the token dance (per scope, stored credentials to the realm, the
// cached token sent up front), blobs and manifests cached by digest and verified, one
// upstream blob request for concurrent cold pulls, tags revalidated by HEAD and digest,
// stale answers while the upstream fails, pushes refused.
import { describe, expect, it } from "vitest";
import { call, createRepository, sha256 } from "../helpers/client";
import { useScriptedUpstream } from "../helpers/scripted-upstream";
import { digestOf, errorCode, OCI_MANIFEST, text } from "./oci-helpers";
import { FakeDistribution, upstreamImage } from "./oci-upstream";

const upstream = useScriptedUpstream();
let n = 0;

async function remote(options: Record<string, unknown> = {}): Promise<{ repo: string; registry: FakeDistribution }> {
  const repo = `oci-remote-${++n}`;
  const origin = `https://${repo}.reg.test`;
  const credentials = { user: "puller", password: `upstream-secret-${n}` };
  const registry = new FakeDistribution(upstream, origin, `https://auth.test/${repo}/token`, credentials);
  await createRepository({ name: repo, format: "oci", kind: "remote", visibility: "private", remote: { url: origin, username: credentials.user, password: credentials.password, ...options } });
  return { repo, registry };
}

const manifestOf = (repo: string, name: string, ref: string, method = "GET") => call(`/v2/${repo}/${name}/manifests/${ref}`, { method, headers: { Accept: OCI_MANIFEST } });

describe("oci remote: pull-through", () => {
  it("answers the upstream's token challenge with the stored credentials and keeps digest and media type", async () => {
    const { repo, registry } = await remote();
    const image = await upstreamImage("dance");
    await registry.serve("team/app", "1.0", image);

    const res = await manifestOf(repo, "team/app", "1.0");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("Docker-Content-Digest")).toBe(image.digest);
    expect(res.headers.get("Content-Type")).toBe(OCI_MANIFEST);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(image.manifest);
    // 401 → token (Basic with the remote's credentials, the challenge's scope) → retry.
    expect(registry.requests("/v2/team/app/manifests/1.0")).toBe(2);
    const [tokenRequest] = registry.tokenRequests();
    expect(new URL(tokenRequest?.url ?? "").searchParams.get("scope")).toBe("repository:team/app:pull");
    expect(tokenRequest?.headers.get("Authorization")).toBe(`Basic ${btoa(`puller:upstream-secret-${n}`)}`);

    // Same scope: the cached token goes up front, no second challenge, no second token request.
    const layer = await call(`/v2/${repo}/team/app/blobs/${image.layerDigests[0]}`);
    expect(layer.status).toBe(200);
    expect(layer.headers.get("Docker-Content-Digest")).toBe(image.layerDigests[0]);
    expect(new Uint8Array(await layer.arrayBuffer())).toEqual(image.layers[0]);
    expect(registry.requests(`/v2/team/app/blobs/${image.layerDigests[0]}`)).toBe(1);
    expect(registry.tokenRequests()).toHaveLength(1);

    // Cached: by digest immutable, no upstream request at all.
    const again = await call(`/v2/${repo}/team/app/blobs/${image.layerDigests[0]}`);
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect(await sha256(await again.arrayBuffer())).toBe(image.layerDigests[0]?.slice(7));
    const byDigest = await manifestOf(repo, "team/app", image.digest);
    expect(byDigest.status).toBe(200);
    expect(byDigest.headers.get("Docker-Content-Digest")).toBe(image.digest);
    const head = await manifestOf(repo, "team/app", image.digest, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Length")).toBe(String(image.manifest.byteLength));
    expect(registry.requests(`/v2/team/app/manifests/${image.digest}`)).toBe(1);
    expect(registry.requests(`/v2/team/app/blobs/${image.layerDigests[0]}`)).toBe(1);

    // Another image name is another scope: its own challenge and token.
    await registry.serve("other", "x", await upstreamImage("other"));
    expect((await manifestOf(repo, "other", "x")).status).toBe(200);
    expect(registry.tokenRequests().map((r) => new URL(r.url).searchParams.get("scope"))).toEqual(["repository:team/app:pull", "repository:other:pull"]);
  });

  it("makes one upstream request for a blob however many pulls ask for it at once", async () => {
    const { repo, registry } = await remote();
    const image = await upstreamImage("herd");
    await registry.serve("herd", "1", image);
    const big = new Uint8Array(1_500_000).map((_, i) => (i * 7) % 251);
    const digest = await digestOf(big);
    registry.serveBlob("herd", digest, big);
    registry.blobDelayMs = 300;
    const pulls = await Promise.all(Array.from({ length: 20 }, () => call(`/v2/${repo}/herd/blobs/${digest}`)));
    const bodies = await Promise.all(pulls.map(async (r) => ({ status: r.status, sha: await sha256(await r.arrayBuffer()) })));
    expect(bodies.every((b) => b.status === 200 && b.sha === digest.slice(7))).toBe(true);
    expect(registry.requests(`/v2/herd/blobs/${digest}`, "GET")).toBe(2); // the challenged first try and its retry
    expect(registry.tokenRequests()).toHaveLength(1);
  });

  it("stores nothing when the upstream's bytes do not match the digest", async () => {
    const { repo, registry } = await remote();
    const good = text("the real layer bytes");
    const digest = await digestOf(good);
    registry.serveBlob("liar", digest, text("something else entirely"));
    const bad = await call(`/v2/${repo}/liar/blobs/${digest}`);
    expect(bad.status).toBe(502);
    expect(await errorCode(bad)).toBe("UNKNOWN");
    registry.serveBlob("liar", digest, good);
    const fixed = await call(`/v2/${repo}/liar/blobs/${digest}`);
    expect(fixed.status).toBe(200);
    expect(new Uint8Array(await fixed.arrayBuffer())).toEqual(good);
    expect(fixed.headers.get("X-Cache")).toBe("MISS");
  });

  it("revalidates a tag with a HEAD and its digest, fetches it again when it moved, and serves it stale while the upstream fails", async () => {
    const { repo, registry } = await remote({ metadataTtlSeconds: 1 });
    const first = await upstreamImage("tag-one");
    await registry.serve("app", "latest", first);
    expect((await manifestOf(repo, "app", "latest")).headers.get("Docker-Content-Digest")).toBe(first.digest);
    const path = "/v2/app/manifests/latest";
    const gets = () => registry.requests(path, "GET");
    const heads = () => registry.requests(path, "HEAD");
    expect([gets(), heads()]).toEqual([2, 0]);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const same = await manifestOf(repo, "app", "latest");
    expect(same.headers.get("X-Cache")).toBe("REVALIDATED");
    expect([gets(), heads()]).toEqual([2, 1]);

    const second = await upstreamImage("tag-two");
    await registry.serve("app", "latest", second);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const moved = await manifestOf(repo, "app", "latest");
    expect(moved.headers.get("Docker-Content-Digest")).toBe(second.digest);
    expect(new Uint8Array(await moved.arrayBuffer())).toEqual(second.manifest);
    expect([gets(), heads()]).toEqual([3, 2]);

    registry.failure = 503;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stale = await manifestOf(repo, "app", "latest");
    expect(stale.status).toBe(200);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(stale.headers.get("Docker-Content-Digest")).toBe(second.digest);
    const never = text("a layer nobody pulled yet");
    registry.serveBlob("app", await digestOf(never), never);
    const uncached = await call(`/v2/${repo}/app/blobs/${await digestOf(never)}`);
    expect(uncached.status).toBe(502);
    expect(await errorCode(uncached)).toBe("UNKNOWN");
  }, 30_000);

  it("lists the upstream's tags, answers unknown names and digests with the spec's errors, and refuses pushes", async () => {
    const { repo, registry } = await remote();
    await registry.serve("lib", "b", await upstreamImage("b"));
    await registry.serve("lib", "a", await upstreamImage("a"));
    const tags = await call(`/v2/${repo}/lib/tags/list?n=1`);
    expect(await tags.json()).toEqual({ name: `${repo}/lib`, tags: ["a"] });
    expect(tags.headers.get("Link")).toContain("last=a");
    const missing = await manifestOf(repo, "lib", "nope");
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe("MANIFEST_UNKNOWN");
    const blob = await call(`/v2/${repo}/lib/blobs/sha256:${"1".repeat(64)}`);
    expect(await errorCode(blob)).toBe("BLOB_UNKNOWN");
    expect(await errorCode(await call(`/v2/${repo}/nobody/tags/list`))).toBe("NAME_UNKNOWN");
    const push = await call(`/v2/${repo}/lib/blobs/uploads/`, { method: "POST" });
    expect(push.status).toBe(405);
    expect(await errorCode(push)).toBe("UNSUPPORTED");
    const put = await call(`/v2/${repo}/lib/manifests/c`, { method: "PUT", body: "{}", headers: { "Content-Type": OCI_MANIFEST } });
    expect(put.status).toBe(405);
  });
});
