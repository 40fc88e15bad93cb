import { gunzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { type IndexEntry, parseApkIndex, renderApkIndex } from "../../../src/formats/alpine/apkindex";
import { tarEntries } from "../../../src/formats/alpine/apk-archive";
import { indexSigner } from "../../../src/formats/alpine/keys";
import type { SigningKeyStore } from "../../../src/signing/key-store";
import { rsaFingerprint, rsaKind, rsaSha1Sign, rsaSha1Verify } from "../../../src/signing/rsa";

const entry = (name: string, version: string, extra: Partial<IndexEntry> = {}): IndexEntry => ({
  name, version, arch: "x86_64", description: `${name} package`, url: "https://example.test/", license: "MIT", origin: name, maintainer: "Test <t@example.test>",
  buildDate: 1700000000, installedSize: 4096, commit: "", depends: [], provides: [], replaces: [], installIf: [], providerPriority: null, checksum: "Q1abc=", size: 1234, ...extra,
});

/** Splits concatenated gzip members by trying each later header position (tests only). */
function members(bytes: Uint8Array): Uint8Array[] {
  for (let at = 10; at < bytes.length - 2; at++) {
    if (bytes[at] !== 0x1f || bytes[at + 1] !== 0x8b || bytes[at + 2] !== 8) continue;
    try {
      gunzipSync(bytes.subarray(0, at));
      gunzipSync(bytes.subarray(at));
      return [bytes.subarray(0, at), bytes.subarray(at)];
    } catch {}
  }
  return [bytes];
}

describe("APKINDEX", () => {
  it("renders stanzas sorted, with the fields apk reads, and parses them back", () => {
    const text = renderApkIndex([entry("zlib", "1.3-r0", { depends: ["so:libc.musl-x86_64.so.1"], provides: ["so:libz.so.1=1.3"] }), entry("abc", "2.0-r1")]);
    expect(text).toBe(
      "C:Q1abc=\nP:abc\nV:2.0-r1\nA:x86_64\nS:1234\nI:4096\nT:abc package\nU:https://example.test/\nL:MIT\no:abc\nm:Test <t@example.test>\nt:1700000000\n\n" +
        "C:Q1abc=\nP:zlib\nV:1.3-r0\nA:x86_64\nS:1234\nI:4096\nT:zlib package\nU:https://example.test/\nL:MIT\no:zlib\nm:Test <t@example.test>\nt:1700000000\nD:so:libc.musl-x86_64.so.1\np:so:libz.so.1=1.3\n\n",
    );
    expect(parseApkIndex(text).map((s) => `${s.name}-${s.version}`)).toEqual(["abc-2.0-r1", "zlib-1.3-r0"]);
  });

  it("is signed: a .SIGN.RSA stream whose RSA/SHA-1 signature covers the index stream's bytes", async () => {
    const key = await rsaKind.generate({ repository: "r", createdAt: 0 });
    expect(await rsaFingerprint(key.publicKey)).toBe(key.fingerprint);
    const store = { current: async () => ({ ...key, kind: "rsa", createdAt: 0 }) } as unknown as SigningKeyStore;
    const signer = await indexSigner(store, "apks");
    expect(signer.keyName).toBe(`apks-${key.fingerprint.slice(0, 16)}.rsa.pub`);
    const signed = await signer.sign("C:Q1abc=\nP:abc\nV:1-r0\n\n", "apks v3.20/main");
    const [signature, index] = members(signed);
    if (!signature || !index) throw new Error("expected two gzip streams");
    const sigTar = gunzipSync(signature);
    expect(sigTar.length % 512).toBe(0);
    expect(sigTar.subarray(sigTar.length - 512).every((b) => b === 0)).toBe(false);
    const sig = tarEntries(sigTar).get(`.SIGN.RSA.${signer.keyName}`);
    if (!sig) throw new Error("no signature entry");
    expect(await rsaSha1Verify(key.publicKey, index, sig)).toBe(true);
    expect(await rsaSha1Verify(key.publicKey, new Uint8Array([...index, 0]), sig)).toBe(false);
    const other = await rsaKind.generate({ repository: "r", createdAt: 0 });
    expect(await rsaSha1Verify(other.publicKey, index, sig)).toBe(false);
    const files = tarEntries(gunzipSync(index));
    expect([...files.keys()]).toEqual(["DESCRIPTION", "APKINDEX"]);
    expect(new TextDecoder().decode(files.get("APKINDEX"))).toBe("C:Q1abc=\nP:abc\nV:1-r0\n\n");
    expect(await rsaSha1Sign(key.privateKey, index)).toEqual(sig);
  });
});
