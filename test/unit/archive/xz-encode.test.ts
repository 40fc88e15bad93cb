// Our .xz encoder (src/archive/xz-encode.ts) against our decoder (src/archive/xz.ts) and the
// system `xz` (xz-utils: `xz -dc` and `xz -t`): empty input, one byte, incompressible data
// (stored LZMA2 chunks), stored then compressible data (a later chunk must bring the
// properties again), multi-chunk repetitive text, and a generated Debian `Packages` file,
// which must compress better than gzip -9 (within 10%). The LZMA2 chunk headers are walked to
// check the framing limits (≤ 2 MiB unpacked, ≤ 64 KiB packed) and reset rules.
import { execFileSync } from "node:child_process";
import { gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { decompressXz } from "../../../src/archive/xz";
import { xzCompress } from "../../../src/archive/xz-encode";

/** Byte equality without vitest's element-wise diffing (slow on large arrays). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

const systemXz = (args: string[], input: Uint8Array): Uint8Array => new Uint8Array(execFileSync("xz", args, { input, maxBuffer: 64 * 1024 * 1024 }));

function random(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** A Debian `Packages` file of `count` stanzas, like src/formats/debian/release.ts renders. */
function packagesText(count: number): Uint8Array {
  let x = 7;
  const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const hex = (length: number): string => Array.from({ length }, () => "0123456789abcdef"[next() >>> 28]).join("");
  const libraries = ["libc6", "libssl3", "zlib1g", "python3", "perl", "libgcc-s1", "debconf", "adduser", "libstdc++6", "libzstd1"];
  const pick = (): string => libraries[next() % libraries.length] ?? "libc6";
  const stanzas: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${pick()}-tool-${i}`;
    const version = `${next() % 5}.${next() % 20}.${next() % 9}-${(next() % 4) + 1}`;
    stanzas.push([
      `Package: ${name}`, `Version: ${version}`, "Architecture: amd64", `Maintainer: Example Maintainer <maint${next() % 50}@example.org>`,
      `Installed-Size: ${next() % 90000}`, `Depends: ${pick()} (>= ${next() % 3}.${next() % 9}), ${pick()}`,
      `Section: ${["utils", "libs", "net", "admin"][next() % 4]}`, "Priority: optional", `Homepage: https://example.org/${name}`,
      `Description: the ${name} package`, ` It provides ${pick()} support for ${pick()} users.`,
      `Filename: pool/stable/main/${name}_${version}_amd64.deb`, `Size: ${next() % 1000000}`,
      `MD5sum: ${hex(32)}`, `SHA1: ${hex(40)}`, `SHA256: ${hex(64)}`, `SHA512: ${hex(128)}`,
    ].join("\n"));
  }
  return new TextEncoder().encode(`${stanzas.join("\n\n")}\n`);
}

interface Chunk {
  control: number;
  unpacked: number;
  packed: number;
}

/** The LZMA2 chunk headers of our single-block output (block header size from its first byte). */
function chunksOf(xz: Uint8Array): Chunk[] {
  let pos = 12 + ((xz[12] ?? 0) + 1) * 4;
  const chunks: Chunk[] = [];
  const at = (i: number): number => xz[i] ?? 0;
  for (;;) {
    const control = at(pos);
    if (control === 0) return chunks;
    if (control < 0x80) {
      const size = ((at(pos + 1) << 8) | at(pos + 2)) + 1;
      chunks.push({ control, unpacked: size, packed: size });
      pos += 3 + size;
    } else {
      const unpacked = ((control & 0x1f) << 16) + (at(pos + 1) << 8) + at(pos + 2) + 1;
      const packed = (at(pos + 3) << 8) + at(pos + 4) + 1;
      chunks.push({ control, unpacked, packed });
      pos += 5 + (control >= 0xc0 ? 1 : 0) + packed;
    }
  }
}

function roundTrip(data: Uint8Array): Uint8Array {
  const xz = xzCompress(data);
  expect(same(decompressXz(xz, data.length), data)).toBe(true);
  expect(same(systemXz(["-dc"], xz), data)).toBe(true);
  systemXz(["-t"], xz); // throws on a non-zero exit (bad check, index or padding)
  return xz;
}

describe("xzCompress", () => {
  it("empty input: a stream with no block, as xz writes it", () => {
    const xz = roundTrip(new Uint8Array(0));
    expect(same(xz, systemXz(["-c", "--check=crc32"], new Uint8Array(0)))).toBe(true);
  });

  it("one byte", () => {
    roundTrip(Uint8Array.of(0x41));
  });

  it("300 KiB of random bytes: stored chunks, barely larger than the input", { timeout: 30_000 }, () => {
    const data = random(300 * 1024);
    const xz = roundTrip(data);
    const chunks = chunksOf(xz);
    expect(chunks[0]?.control).toBe(1);
    expect(chunks.slice(1).every((c) => c.control === 2)).toBe(true);
    expect(chunks.every((c) => c.unpacked <= 65536)).toBe(true);
    expect(xz.length).toBeLessThan(data.length * 1.001 + 64);
  });

  it("random bytes then text: the first LZMA chunk after a stored first chunk sets the properties", { timeout: 30_000 }, () => {
    const text = packagesText(300);
    const data = new Uint8Array(70_000 + text.length);
    data.set(random(70_000, 5));
    data.set(text, 70_000);
    const chunks = chunksOf(roundTrip(data));
    expect(chunks[0]?.control).toBe(1);
    const firstLzma = chunks.find((c) => c.control >= 0x80);
    expect(firstLzma && firstLzma.control & 0xe0).toBe(0xc0);
  });

  it("5 MiB of repetitive text: several chunks within LZMA2's limits", { timeout: 60_000 }, () => {
    const line = new TextEncoder().encode("Package: hello\nVersion: 2.10-3\nDepends: libc6 (>= 2.34)\n");
    const data = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = line[i % line.length] ?? 0;
    const xz = roundTrip(data);
    const chunks = chunksOf(xz);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks[0]?.control).toBeGreaterThanOrEqual(0xe0);
    expect(chunks.every((c) => c.unpacked <= 2 * 1024 * 1024 && c.packed <= 65536)).toBe(true);
    expect(chunks.reduce((sum, c) => sum + c.unpacked, 0)).toBe(data.length);
    expect(xz.length).toBeLessThan(data.length / 1000);
  });

  it("a Debian Packages file of 1,000 stanzas compresses better than gzip -9", { timeout: 30_000 }, () => {
    const data = packagesText(1000);
    const xz = roundTrip(data);
    const gzip = gzipSync(data, { level: 9 });
    expect(xz.length).toBeLessThan(gzip.length * 1.1);
    // Many chunks: the 64 KiB output limit splits it.
    expect(chunksOf(xz).every((c) => c.packed <= 65536)).toBe(true);
  });
});
