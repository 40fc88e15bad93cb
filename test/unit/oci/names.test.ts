import { describe, expect, it } from "vitest";
import { OciError } from "../../../src/formats/oci/errors";
import { algorithmOf, expectedDigest, isValidImageName, parseDigest, parseOciPath, parseReference } from "../../../src/formats/oci/names";

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof OciError) return error.ociCode;
    throw error;
  }
  return "none";
};
const sha = `sha256:${"a".repeat(64)}`;

describe("OCI names, references, digests", () => {
  it("accepts the spec's name grammar and nothing else", () => {
    for (const ok of ["app", "team/app", "a.b_c__d-e---f/g0", "x/y/z"]) expect(isValidImageName(ok), ok).toBe(true);
    for (const bad of ["", "App", "a//b", "/a", "a/", "-a", "a_", "a..b", "a___b", "a/%2e", `${"a".repeat(256)}`]) expect(isValidImageName(bad), bad).toBe(false);
  });

  it("parses tags and digests; sha512 is accepted, other algorithms are DIGEST_INVALID", () => {
    expect(parseReference("v1.0_rc-1")).toEqual({ kind: "tag", tag: "v1.0_rc-1" });
    expect(parseReference(sha)).toEqual({ kind: "digest", digest: sha });
    expect(code(() => parseReference(".bad"))).toBe("TAG_INVALID");
    expect(code(() => parseReference("t".repeat(129)))).toBe("TAG_INVALID");
    expect(code(() => parseDigest("sha256:abc"))).toBe("DIGEST_INVALID");
    expect(code(() => parseDigest(`sha256:${"A".repeat(64)}`))).toBe("DIGEST_INVALID");
    expect(code(() => parseDigest("md5:abcdef"))).toBe("DIGEST_INVALID");
    const sha512 = `sha512:${"b".repeat(128)}`;
    expect(parseDigest(sha512)).toBe(sha512);
    expect(algorithmOf(sha512)).toBe("sha512");
    expect(expectedDigest(sha)).toEqual({ expectedSha256: "a".repeat(64) });
    expect(expectedDigest(sha512)).toEqual({ expectedSha512: "b".repeat(128) });
  });

  it("parses every endpoint, matching suffixes from the end", () => {
    expect(parseOciPath("")).toEqual({ kind: "base" });
    expect(parseOciPath("token")).toEqual({ kind: "token" });
    expect(parseOciPath("_catalog")).toEqual({ kind: "catalog" });
    expect(parseOciPath("r/team/app/manifests/v1")).toEqual({ kind: "manifest", repo: "r", name: "team/app", reference: "v1" });
    expect(parseOciPath(`r/app/blobs/${sha}`)).toEqual({ kind: "blob", repo: "r", name: "app", digest: sha });
    expect(parseOciPath("r/app/blobs/uploads/")).toEqual({ kind: "uploads", repo: "r", name: "app" });
    expect(parseOciPath("r/app/blobs/uploads")).toEqual({ kind: "uploads", repo: "r", name: "app" });
    expect(parseOciPath("r/app/blobs/uploads/abc")).toEqual({ kind: "upload", repo: "r", name: "app", id: "abc" });
    expect(parseOciPath("r/app/tags/list")).toEqual({ kind: "tags", repo: "r", name: "app" });
    expect(parseOciPath(`r/app/referrers/${sha}`)).toEqual({ kind: "referrers", repo: "r", name: "app", digest: sha });
    // An image may be called "manifests" or "blobs".
    expect(parseOciPath("r/manifests/manifests/v1")).toEqual({ kind: "manifest", repo: "r", name: "manifests", reference: "v1" });
    expect(parseOciPath("r/app/other/x")).toBeNull();
    expect(parseOciPath("r/manifests/v1")).toBeNull();
    expect(code(() => parseOciPath("R/app/manifests/v1"))).toBe("NAME_INVALID");
    expect(code(() => parseOciPath("r/Bad/manifests/v1"))).toBe("NAME_INVALID");
  });
});
