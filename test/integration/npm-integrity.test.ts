// SRI parsing and tarball verification against sha512/sha256/sha1 and the legacy shasum.
import { describe, expect, it } from "vitest";
import { digestChunks, parseIntegrity, sriFromHex, verifyTarball } from "../../src/formats/npm/integrity";

const data = new TextEncoder().encode("tarball bytes");
const sri = async (alg: "SHA-512" | "SHA-256" | "SHA-1") => {
  const digest = new Uint8Array(await crypto.subtle.digest(alg, data));
  return `${alg.toLowerCase().replace("-", "")}-${btoa(String.fromCharCode(...digest))}`;
};

describe("integrity", () => {
  it("digests chunks like crypto.subtle and round-trips SRI", async () => {
    const digests = await digestChunks([data.subarray(0, 5), data.subarray(5)]);
    expect(digests.size).toBe(data.length);
    expect(sriFromHex("sha512", digests.sha512)).toBe(await sri("SHA-512"));
    expect(parseIntegrity(`${await sri("SHA-512")}?foo  ${await sri("SHA-1")}`).map((e) => e.algorithm)).toEqual(["sha512", "sha1"]);
  });

  it("accepts matching sha512/sha256/sha1 entries and shasum; ignores unknown algorithms", async () => {
    const digests = await digestChunks([data]);
    const [s512, s256, s1] = [await sri("SHA-512"), await sri("SHA-256"), await sri("SHA-1")];
    expect(() => verifyTarball(digests, { integrity: s512, shasum: digests.sha1 })).not.toThrow();
    expect(() => verifyTarball(digests, { integrity: `${s256} ${s1}` })).not.toThrow();
    expect(() => verifyTarball(digests, { integrity: "sha384-AAAA" })).not.toThrow();
    expect(() => verifyTarball(digests, {})).not.toThrow();
    expect(() => verifyTarball(digests, { shasum: digests.sha1.toUpperCase() })).not.toThrow();
  });

  it("a mismatch is a digest_mismatch (400); a malformed SRI is a bad_request", async () => {
    const digests = await digestChunks([data]);
    expect(() => verifyTarball(digests, { integrity: `sha512-${btoa("x".repeat(64))}` })).toThrow(expect.objectContaining({ code: "digest_mismatch", status: 400 }));
    expect(() => verifyTarball(digests, { shasum: "0".repeat(40) })).toThrow(expect.objectContaining({ code: "digest_mismatch" }));
    expect(() => verifyTarball(digests, { integrity: "sha512-!!!" })).toThrow(expect.objectContaining({ code: "bad_request" }));
    expect(() => verifyTarball(digests, { integrity: "garbage" })).toThrow(expect.objectContaining({ code: "bad_request" }));
  });
});
