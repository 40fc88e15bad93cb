import { describe, expect, it } from "vitest";
import { manifestAnswer, manifestMediaType, parseReferrers, parseTagList } from "../../../src/formats/oci/remote/answers";
import { blobTarget, classifyOciPath, manifestTarget, parseProxyPath } from "../../../src/formats/oci/proxy-targets";
import { isDockerHub, upstreamImageName, upstreamLocation } from "../../../src/formats/oci/remote/upstream-names";
import { DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from "../../../src/formats/oci/manifest";

const d = (c: string) => `sha256:${c.repeat(64)}`;
const encode = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));

describe("upstream names", () => {
  it("puts Docker Hub's single-segment names under library/, and nothing else", () => {
    expect(isDockerHub("https://registry-1.docker.io")).toBe(true);
    expect(isDockerHub("https://REGISTRY-1.docker.io/")).toBe(true);
    expect(isDockerHub("https://ghcr.io")).toBe(false);
    expect(upstreamImageName("https://registry-1.docker.io", "alpine")).toBe("library/alpine");
    expect(upstreamImageName("https://registry-1.docker.io", "bitnami/redis")).toBe("bitnami/redis");
    expect(upstreamImageName("https://ghcr.io", "alpine")).toBe("alpine");
  });

  it("builds the upstream path under the registry root (or a URL already ending in /v2/) and the token scope", () => {
    expect(upstreamLocation("https://registry-1.docker.io", "alpine", "manifests/3.20")).toEqual({ path: "v2/library/alpine/manifests/3.20", tokenScope: "repository:library/alpine:pull" });
    expect(upstreamLocation("https://mirror.test/prefix/v2/", "team/app", "tags/list")).toEqual({ path: "team/app/tags/list", tokenScope: "repository:team/app:pull" });
    expect(upstreamLocation("http://127.0.0.1:5000", "a/b", `blobs/${d("a")}`).path).toBe(`v2/a/b/blobs/${d("a")}`);
  });
});

describe("proxy targets", () => {
  it("classifies repository-relative paths; invalid names, tags and digests are not ours", () => {
    expect(parseProxyPath("team/app/manifests/1.0")).toEqual({ kind: "manifest", name: "team/app", reference: { kind: "tag", tag: "1.0" } });
    expect(parseProxyPath(`app/blobs/${d("b")}`)).toEqual({ kind: "blob", name: "app", digest: d("b") });
    expect(parseProxyPath("app/tags/list")).toEqual({ kind: "tags", name: "app" });
    expect(parseProxyPath(`app/referrers/${d("c")}`)).toEqual({ kind: "referrers", name: "app", digest: d("c") });
    for (const bad of ["App/manifests/1", "app/manifests/-bad", "app/blobs/sha256:zz", "app/whatever/x", "manifests/1"]) expect(parseProxyPath(bad), bad).toBeNull();
    expect(classifyOciPath("app/manifests/1")?.kind).toBe("metadata");
  });

  it("tags are metadata revalidated by digest; digests are immutable, verified, and blobs are one entry per digest", () => {
    const tag = manifestTarget("app", { kind: "tag", tag: "latest" });
    expect(tag).toMatchObject({ kind: "metadata", revalidateByHead: "Docker-Content-Digest", keepHeaders: ["Docker-Content-Digest"], packageKey: "app", noEdgeCache: true });
    expect(tag.accept).toContain(OCI_INDEX);
    expect(tag.accept).toContain(DOCKER_MANIFEST);
    const byDigest = manifestTarget("app", { kind: "digest", digest: d("1") });
    expect(byDigest).toMatchObject({ kind: "artifact", expectedDigest: { sha256: "1".repeat(64) } });
    const blob = blobTarget("team/app", `sha512:${"f".repeat(128)}`);
    expect(blob).toMatchObject({ kind: "artifact", key: `blobs/sha512:${"f".repeat(128)}`, expectedDigest: { sha512: "f".repeat(128) }, packageKey: "team/app" });
    expect(blob.upstreamFor?.("https://registry-1.docker.io").path).toBe(`v2/team/app/blobs/sha512:${"f".repeat(128)}`);
  });
});

describe("upstream answers", () => {
  it("takes the media type from Content-Type when it is a manifest type, else from the body", () => {
    expect(manifestMediaType(`${OCI_MANIFEST}; charset=utf-8`, encode({}))).toBe(OCI_MANIFEST);
    expect(manifestMediaType("application/json", encode({ mediaType: DOCKER_MANIFEST }))).toBe(DOCKER_MANIFEST);
    expect(manifestMediaType(null, encode("not json"))).toBe("application/octet-stream");
  });

  it("answers a tag with the sha256 of the bytes served, and a HEAD without a body", async () => {
    const bytes = encode({ schemaVersion: 2, mediaType: OCI_MANIFEST });
    const hex = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
    const answer = await manifestAnswer(new Response(bytes, { headers: { "Content-Type": "application/json", ETag: '"x"' } }), { kind: "tag", tag: "1" }, true);
    expect(answer).toMatchObject({ digest: `sha256:${hex}`, mediaType: OCI_MANIFEST, size: bytes.byteLength });
    expect(answer.response.body).toBeNull();
    expect(answer.response.headers.get("Content-Length")).toBe(String(bytes.byteLength));
    expect(answer.response.headers.get("ETag")).toBeNull();
  });

  it("keeps only well-formed tags and descriptors from an upstream", () => {
    expect(parseTagList(JSON.stringify({ name: "a", tags: ["1.0", "bad tag", 3, "latest"] }))).toEqual(["1.0", "latest"]);
    expect(parseTagList(JSON.stringify({ name: "a", tags: null }))).toEqual([]);
    expect(parseTagList("<html>")).toBeNull();
    const good = { mediaType: OCI_MANIFEST, digest: d("a"), size: 10, artifactType: "application/x-sig" };
    expect(parseReferrers(JSON.stringify({ manifests: [good, { mediaType: OCI_MANIFEST, digest: "nope", size: 1 }, { digest: d("b") }] }))).toEqual([good]);
    expect(parseReferrers(JSON.stringify({ errors: [] }))).toBeNull();
  });
});
