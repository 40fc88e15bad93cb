import { describe, expect, it } from "vitest";
import { OciError } from "../../../src/formats/oci/errors";
import { accepts, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, parseManifest } from "../../../src/formats/oci/manifest";
import { paginate } from "../../../src/formats/oci/pagination";
import { bearerChallenge, parseScope, scopeForRequest } from "../../../src/formats/oci/challenge";

const d = (c: string) => `sha256:${c.repeat(64)}`;
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const invalid = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof OciError) return error.ociCode;
    throw error;
  }
  return "none";
};
const image = (extra: Record<string, unknown> = {}) => ({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: d("a"), size: 2 },
  layers: [
    { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: d("b"), size: 3 },
    { mediaType: "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", digest: d("c"), size: 4, urls: ["https://x"] },
  ],
  ...extra,
});

describe("OCI manifests", () => {
  it("lists the blobs an image needs (not non-distributable layers), its subject and artifact type", () => {
    const facts = parseManifest(bytes(image({ subject: { mediaType: OCI_MANIFEST, digest: d("e"), size: 9 }, annotations: { a: "1" } })), OCI_MANIFEST);
    expect(facts).toMatchObject({ mediaType: OCI_MANIFEST, blobs: [d("a"), d("b")], manifests: [], subject: d("e"), artifactType: "application/vnd.oci.image.config.v1+json", annotations: { a: "1" } });
  });

  it("lists an index's manifests and takes the media type from the header when the body has none", () => {
    const index = { schemaVersion: 2, manifests: [{ mediaType: OCI_MANIFEST, digest: d("f"), size: 1 }], artifactType: "application/x.test" };
    expect(parseManifest(bytes(index), `${OCI_INDEX}; charset=utf-8`)).toMatchObject({ mediaType: OCI_INDEX, manifests: [d("f")], blobs: [], artifactType: "application/x.test" });
  });

  it("refuses what is not a manifest with MANIFEST_INVALID", () => {
    expect(invalid(() => parseManifest(new TextEncoder().encode("{"), OCI_MANIFEST))).toBe("MANIFEST_INVALID");
    expect(invalid(() => parseManifest(bytes(image()), DOCKER_MANIFEST))).toBe("MANIFEST_INVALID");
    expect(invalid(() => parseManifest(bytes(image({ schemaVersion: 1 })), OCI_MANIFEST))).toBe("MANIFEST_INVALID");
    expect(invalid(() => parseManifest(bytes(image({ mediaType: "application/x.other" })), null))).toBe("MANIFEST_INVALID");
    expect(invalid(() => parseManifest(bytes(image({ config: { mediaType: "x", digest: "sha256:zz", size: 1 } })), OCI_MANIFEST))).toBe("MANIFEST_INVALID");
    expect(invalid(() => parseManifest(bytes({ schemaVersion: 2, mediaType: OCI_INDEX }), OCI_INDEX))).toBe("MANIFEST_INVALID");
  });

  it("negotiates by Accept", () => {
    expect(accepts(null, OCI_MANIFEST)).toBe(true);
    expect(accepts(`${DOCKER_MANIFEST}, ${OCI_MANIFEST};q=0.5`, OCI_MANIFEST)).toBe(true);
    expect(accepts("*/*", OCI_INDEX)).toBe(true);
    expect(accepts(DOCKER_MANIFEST, OCI_MANIFEST)).toBe(false);
  });
});

describe("OCI listings, scopes, challenges", () => {
  it("pages with n/last and a Link while more follow", () => {
    expect(paginate(["a", "b", "c"], { n: "2" }, "/v2/r/x/tags/list")).toEqual({ entries: ["a", "b"], link: '</v2/r/x/tags/list?n=2&last=b>; rel="next"' });
    expect(paginate(["a", "b", "c"], { n: "2", last: "b" }, "/p")).toEqual({ entries: ["c"], link: null });
    expect(paginate(["a"], { n: "0" }, "/p")).toEqual({ entries: [], link: null });
    expect(() => paginate(["a"], { n: "-1" }, "/p")).toThrow(OciError);
  });

  it("parses scopes and builds the challenge a request needs", () => {
    expect(parseScope("repository:r/team/app:pull,push")).toEqual({ type: "repository", name: "r/team/app", actions: ["pull", "push"] });
    expect(parseScope("registry:catalog:*")).toEqual({ type: "registry", name: "catalog", actions: ["*"] });
    expect(parseScope("nonsense")).toBeNull();
    const req = (method: string, path: string) => new Request(`https://reg.example${path}`, { method });
    expect(scopeForRequest(req("GET", "/v2/r/app/manifests/v1"))).toBe("repository:r/app:pull");
    expect(scopeForRequest(req("PUT", "/v2/r/app/manifests/v1"))).toBe("repository:r/app:pull,push");
    expect(scopeForRequest(req("GET", "/v2/r/app/blobs/uploads/abc"))).toBe("repository:r/app:pull,push");
    expect(scopeForRequest(req("DELETE", `/v2/r/app/manifests/${d("a")}`))).toBe("repository:r/app:delete");
    expect(scopeForRequest(req("GET", "/v2/_catalog"))).toBe("registry:catalog:*");
    expect(scopeForRequest(req("GET", "/v2/"))).toBeNull();
    expect(bearerChallenge(req("GET", "/v2/"), "repository:r/app:pull")).toBe('Bearer realm="https://reg.example/v2/token",service="reg.example",scope="repository:r/app:pull"');
  });
});
