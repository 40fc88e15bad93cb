/**
 * An in-memory `.xz` encoder, for Debian's `Packages.xz` (apt prefers it to `Packages.gz`).
 *
 * Why it is ours: Workers cannot compile WebAssembly at run time, so the wasm ports of
 * xz/liblzma (7z-wasm, which also needs an emscripten file system and is large) do not load;
 * @napi-rs/lzma's browser build needs WASI threads; the `lzma` npm package only writes the
 * legacy LZMA-alone format, not `.xz`. No pure-JS xz encoder runs in Workers. The LZMA
 * decoder next door (./xz.ts, after Igor Pavlov's LzmaSpec) already defines every bit of the
 * format, and the encoder is its mirror: ./lzma-encoder.ts (range coder, symbol coding),
 * ./lzma-match-finder.ts (hash chains), ./lzma2-encode.ts (parsing, LZMA2 chunks); this file
 * writes the container (xz file format 1.2.1). Pure functions, Uint8Array in and out.
 *
 * Output: one stream, one block with the LZMA2 filter (none for empty input, as `xz` does),
 * both sizes in the block header, and a **CRC32** check. xz-utils defaults to CRC64; CRC32
 * is the other check every decoder must support (XZ Embedded, as in the Linux kernel and
 * busybox, supports only CRC32 and none), it reuses the CRC32 the headers need anyway, and
 * apt already verifies the SHA-256 of the whole file from `Release`, so a 64-bit check
 * would add nothing but 64-bit arithmetic in JavaScript.
 */
import { lzma2Compress } from "./lzma2-encode";

const HEADER_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FOOTER_MAGIC = [0x59, 0x5a];
const CHECK_CRC32 = 0x01;
const FILTER_LZMA2 = 0x21;
/** The largest dictionary we declare: xz's default (-6); decoders allocate this much at most. */
const DICTIONARY_MAX = 1 << 23;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (CRC_TABLE[(crc ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const uint32le = (value: number): number[] => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];

/** xz's variable-length integer: 7 bits a byte, least significant first. */
function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}

const padTo = (bytes: number[], length: number): void => {
  while (bytes.length < length) bytes.push(0);
};

const withCrc = (bytes: number[]): number[] => [...bytes, ...uint32le(crc32(Uint8Array.from(bytes)))];

/** Power-of-two dictionary covering `size` bytes (4 KiB … 8 MiB) and its LZMA2 property byte. */
function dictionaryFor(size: number): { window: number; property: number } {
  let bits = 12;
  while (1 << bits < size && 1 << bits < DICTIONARY_MAX) bits++;
  // Property p declares (2 | (p & 1)) << (p / 2 + 11) bytes: 2^bits is p = 2 * (bits - 12).
  return { window: 1 << bits, property: 2 * (bits - 12) };
}

/** `data` as a complete `.xz` file (one stream, LZMA2, CRC32 check). */
export function xzCompress(data: Uint8Array): Uint8Array {
  const flags = [0x00, CHECK_CRC32];
  const streamHeader = [...HEADER_MAGIC, ...withCrc(flags)];
  const parts: Uint8Array[] = [Uint8Array.from(streamHeader)];
  const records: number[] = [];
  let recordCount = 0;
  if (data.length) {
    const { window, property } = dictionaryFor(data.length);
    const compressed = lzma2Compress(data, window);
    // Block header: size byte, flags (one filter, compressed and uncompressed sizes present),
    // the sizes, the LZMA2 filter with its dictionary-size byte, padding, CRC32.
    const body = [0x00 | 0x40 | 0x80, ...varint(compressed.length), ...varint(data.length), FILTER_LZMA2, 1, property];
    const unpaddedHeader = 1 + body.length + 4;
    const headerSize = Math.ceil(unpaddedHeader / 4) * 4;
    const header = [headerSize / 4 - 1, ...body];
    padTo(header, headerSize - 4);
    const blockHeader = withCrc(header);
    const padding = (4 - (compressed.length % 4)) % 4;
    parts.push(Uint8Array.from(blockHeader), compressed, new Uint8Array(padding), Uint8Array.from(uint32le(crc32(data))));
    // Unpadded size: header + compressed data + check, without the block padding.
    records.push(...varint(blockHeader.length + compressed.length + 4), ...varint(data.length));
    recordCount = 1;
  }
  const index = [0x00, ...varint(recordCount), ...records];
  padTo(index, Math.ceil(index.length / 4) * 4);
  const indexBytes = withCrc(index);
  const backwardSize = indexBytes.length / 4 - 1;
  const footerBody = [...uint32le(backwardSize), ...flags];
  parts.push(Uint8Array.from(indexBytes), Uint8Array.from([...uint32le(crc32(Uint8Array.from(footerBody))), ...footerBody, ...FOOTER_MAGIC]));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
