/**
 * A reader of the RPM file layout (rpm's `lead`, signature header, main header), enough to
 * index a package: the 96-byte lead (magic `ed ab ee db`), then two header structures — each
 * `8e ad e8 01`, 4 reserved bytes, the index entry count and the data size (big-endian), then
 * 16-byte index entries `{tag, type, offset, count}` and the data store. The signature header
 * is padded to a multiple of 8 bytes. The payload (compressed cpio) that follows is not read.
 */
import { ByteReader } from "../../archive/byte-reader";
import { RegistryError } from "../../errors";

export const LEAD_SIZE = 96;
const HEADER_MAGIC = [0x8e, 0xad, 0xe8, 0x01];
/** Limits: rpm itself refuses more than 64 MiB of header data (headerImport's hdrchkData). */
const MAX_ENTRIES = 65_536;
const MAX_DATA = 64 * 1024 * 1024;

export const RpmType = { NULL: 0, CHAR: 1, INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

export type TagValue = string | string[] | number[] | bigint[] | Uint8Array;

export interface RpmHeader {
  /** Tag → value: strings for STRING, arrays for the rest (I18NSTRING: its first, the C locale). */
  tags: Map<number, TagValue>;
  /** Bytes of the header structure (intro + index + data). */
  size: number;
}

export interface RpmHeaders {
  signature: RpmHeader;
  main: RpmHeader;
  /** Byte range of the main header in the file (`<rpm:header-range>` in primary.xml). */
  headerStart: number;
  headerEnd: number;
}

export const invalidRpm = (message: string): RegistryError => new RegistryError("bad_request", `invalid .rpm package: ${message}`);

const utf8 = new TextDecoder("utf-8");

function cString(data: Uint8Array, start: number): { text: string; end: number } {
  let end = start;
  while (end < data.length && data[end] !== 0) end++;
  if (end >= data.length) throw invalidRpm("a string in the header is not terminated");
  return { text: utf8.decode(data.subarray(start, end)), end: end + 1 };
}

/** Parses one header structure's index and data store (after its 16-byte intro). */
export function parseHeaderBody(index: Uint8Array, data: Uint8Array, count: number): Map<number, TagValue> {
  const tags = new Map<number, TagValue>();
  const view = new DataView(index.buffer, index.byteOffset, index.byteLength);
  const dataView = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < count; i++) {
    const tag = view.getUint32(i * 16);
    const type = view.getUint32(i * 16 + 4);
    const offset = view.getInt32(i * 16 + 8);
    const n = view.getUint32(i * 16 + 12);
    if (offset < 0 || offset > data.length) throw invalidRpm(`tag ${tag} points outside the header`);
    const fixed = (width: number): void => {
      if (offset + width * n > data.length) throw invalidRpm(`tag ${tag} runs past the header`);
    };
    switch (type) {
      case RpmType.NULL:
        break;
      case RpmType.CHAR:
      case RpmType.INT8:
      case RpmType.BIN:
        fixed(1);
        tags.set(tag, data.slice(offset, offset + n));
        break;
      case RpmType.INT16:
        fixed(2);
        tags.set(tag, Array.from({ length: n }, (_, k) => dataView.getUint16(offset + k * 2)));
        break;
      case RpmType.INT32:
        fixed(4);
        tags.set(tag, Array.from({ length: n }, (_, k) => dataView.getUint32(offset + k * 4)));
        break;
      case RpmType.INT64:
        fixed(8);
        tags.set(tag, Array.from({ length: n }, (_, k) => dataView.getBigUint64(offset + k * 8)));
        break;
      case RpmType.STRING:
        tags.set(tag, cString(data, offset).text);
        break;
      case RpmType.STRING_ARRAY:
      case RpmType.I18NSTRING: {
        const values: string[] = [];
        let at = offset;
        for (let k = 0; k < n; k++) {
          const { text, end } = cString(data, at);
          values.push(text);
          at = end;
        }
        tags.set(tag, type === RpmType.I18NSTRING ? (values[0] ?? "") : values);
        break;
      }
      default:
        throw invalidRpm(`tag ${tag} has unknown type ${type}`);
    }
  }
  return tags;
}

async function readHeader(bytes: ByteReader, what: string): Promise<RpmHeader> {
  const intro = await bytes.read(16);
  if (!intro) throw invalidRpm(`the ${what} header is missing`);
  if (!HEADER_MAGIC.every((b, i) => intro[i] === b)) throw invalidRpm(`bad ${what} header magic`);
  const view = new DataView(intro.buffer, intro.byteOffset, 16);
  const count = view.getUint32(8);
  const dataSize = view.getUint32(12);
  if (count > MAX_ENTRIES || dataSize > MAX_DATA) throw invalidRpm(`the ${what} header is too large`);
  const index = await bytes.read(count * 16);
  const data = await bytes.read(dataSize);
  if (!index || !data) throw invalidRpm("the file is truncated");
  return { tags: parseHeaderBody(index, data, count), size: 16 + count * 16 + dataSize };
}

/** Reads lead, signature header and main header from the start of an `.rpm` stream (the rest is not read). */
export async function readRpmHeaders(stream: ReadableStream<Uint8Array>): Promise<RpmHeaders> {
  const reader = stream.getReader();
  const bytes = new ByteReader(reader, () => {}, () => invalidRpm("the file is truncated"));
  try {
    const lead = await bytes.read(LEAD_SIZE);
    if (!lead) throw invalidRpm("the file is empty");
    if (lead[0] !== 0xed || lead[1] !== 0xab || lead[2] !== 0xee || lead[3] !== 0xdb) throw invalidRpm("not an RPM file (bad lead magic)");
    if ((lead[4] ?? 0) < 3) throw invalidRpm(`RPM format ${lead[4]} is too old (3 or 4 expected)`);
    const signature = await readHeader(bytes, "signature");
    const padding = (8 - (signature.size % 8)) % 8;
    if (padding) await bytes.skip(padding);
    const headerStart = LEAD_SIZE + signature.size + padding;
    const main = await readHeader(bytes, "main");
    return { signature, main, headerStart, headerEnd: headerStart + main.size };
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Lead + headers from bytes in memory (tests, small fixtures). */
export function readRpmHeadersFrom(bytes: Uint8Array): Promise<RpmHeaders> {
  return readRpmHeaders(new Blob([bytes]).stream());
}

