// The in-memory .xz decoder (src/archive/xz.ts) against the system `xz` (xz-utils): text,
// random and repetitive data at several presets, check types, multi-block streams and
// lc/lp/pb variants decode to the original bytes; corrupt and truncated input is refused.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { decompressXz, XzError } from "../../../src/archive/xz";

/** Byte equality without vitest's element-wise diffing (slow on large arrays). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

const xz = (data: Uint8Array, ...args: string[]): Uint8Array => new Uint8Array(execFileSync("xz", ["-c", ...args], { input: data, maxBuffer: 64 * 1024 * 1024 }));

function sample(kind: "text" | "random" | "mixed", size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 12345;
  const words = new TextEncoder().encode("Package: hello\nVersion: 2.10-3\nArchitecture: amd64\nDepends: libc6 (>= 2.34)\nDescription: example\n");
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    if (kind === "random") out[i] = x >>> 24;
    else if (kind === "text") out[i] = words[(i + (x >>> 29)) % words.length] ?? 0;
    else out[i] = (i >> 10) % 2 ? (x >>> 24) : (words[i % words.length] ?? 0);
  }
  return out;
}

describe("decompressXz", () => {
  for (const kind of ["text", "random", "mixed"] as const) {
    for (const preset of ["-0", "-6", "-9e"]) {
      it(`${kind} data at ${preset}`, { timeout: 30_000 }, () => {
        const data = sample(kind, 120_000);
        expect(same(decompressXz(xz(data, preset), 1 << 24), data)).toBe(true);
      });
    }
  }

  it("empty input, every check type, multi-block streams and lc/lp/pb variants", () => {
    expect(decompressXz(xz(new Uint8Array(0)), 10)).toEqual(new Uint8Array(0));
    const data = sample("mixed", 80_000);
    for (const check of ["none", "crc32", "crc64", "sha256"]) expect(same(decompressXz(xz(data, `--check=${check}`), 1 << 24), data)).toBe(true);
    expect(same(decompressXz(xz(data, "--block-size=20000"), 1 << 24), data)).toBe(true);
    expect(same(decompressXz(xz(data, "--lzma2=preset=6,lc=0,lp=2,pb=0"), 1 << 24), data)).toBe(true);
    expect(same(decompressXz(xz(data, "--lzma2=preset=1,lc=4,lp=0,pb=4,mode=fast"), 1 << 24), data)).toBe(true);
  });

  it("refuses corrupt, truncated, foreign and oversized input", () => {
    const data = sample("text", 50_000);
    const packed = xz(data);
    expect(() => decompressXz(packed.subarray(0, packed.length / 2), 1 << 24)).toThrow(XzError);
    expect(() => decompressXz(new TextEncoder().encode("not xz at all"), 1 << 24)).toThrow(/not an xz stream/);
    expect(() => decompressXz(packed, 1000)).toThrow(/larger than 1000 bytes/);
    expect(() => decompressXz(xz(data, "--x86", "--lzma2"), 1 << 24)).toThrow(/unsupported xz filter/);
    const corrupt = packed.slice();
    for (let i = 40; i < corrupt.length - 40; i += 97) corrupt[i] = (corrupt[i] ?? 0) ^ 0x5a;
    let failed = false;
    try {
      failed = !same(decompressXz(corrupt, 1 << 24), data);
    } catch (error) {
      failed = error instanceof XzError;
    }
    expect(failed).toBe(true);
  });
});
