/**
 * Base64 (RFC 4648 §4, padded or not) decoded straight from a byte range of the request
 * body, a bounded chunk at a time, so a 30 MB tarball never exists as a second full copy
 * (neither as a JS string nor as decoded bytes).
 */
import { RegistryError } from "../../errors";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const TABLE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) TABLE[ALPHABET.charCodeAt(i)] = i;
const PAD = 0x3d;

/** Base64 characters per decoded chunk: 1 MiB in, 768 KiB out. Multiple of 4. */
export const CHUNK_CHARS = 1 << 20;

function notBase64(): RegistryError {
  return new RegistryError("bad_request", "attachment data is not valid base64");
}

/** The range without padding, and the decoded size. Throws on an impossible length. */
export function base64Extent(bytes: Uint8Array, start: number, end: number): { end: number; size: number } {
  let stop = end;
  while (stop > start && end - stop < 2 && bytes[stop - 1] === PAD) stop--;
  const chars = stop - start;
  if (chars % 4 === 1) throw notBase64();
  if (end - stop > 0 && (end - start) % 4 !== 0) throw notBase64();
  return { end: stop, size: Math.floor((chars * 3) / 4) };
}

function decodeRange(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const chars = end - start;
  const out = new Uint8Array(Math.floor((chars * 3) / 4));
  const full = start + chars - (chars % 4);
  let o = 0;
  for (let i = start; i < full; i += 4) {
    const a = TABLE[bytes[i] ?? 0] ?? -1;
    const b = TABLE[bytes[i + 1] ?? 0] ?? -1;
    const c = TABLE[bytes[i + 2] ?? 0] ?? -1;
    const d = TABLE[bytes[i + 3] ?? 0] ?? -1;
    if ((a | b | c | d) < 0) throw notBase64();
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
    out[o++] = ((c & 3) << 6) | d;
  }
  const tail = chars % 4;
  if (tail > 0) {
    const a = TABLE[bytes[full] ?? 0] ?? -1;
    const b = TABLE[bytes[full + 1] ?? 0] ?? -1;
    if ((a | b) < 0) throw notBase64();
    out[o++] = (a << 2) | (b >> 4);
    if (tail === 3) {
      const c = TABLE[bytes[full + 2] ?? 0] ?? -1;
      if (c < 0) throw notBase64();
      out[o++] = ((b & 15) << 4) | (c >> 2);
    }
  }
  return out;
}

/** Decodes `bytes[start, end)` (base64 text, padding allowed at the end) in chunks. */
export function* decodeBase64Chunks(bytes: Uint8Array, start: number, end: number, chunkChars = CHUNK_CHARS): Generator<Uint8Array> {
  const extent = base64Extent(bytes, start, end);
  for (let i = start; i < extent.end; i += chunkChars) {
    yield decodeRange(bytes, i, Math.min(i + chunkChars, extent.end));
  }
}

/** The same chunks as a byte stream (pulled on demand, so memory stays at one chunk). */
export function base64Stream(bytes: Uint8Array, start: number, end: number, chunkChars = CHUNK_CHARS): ReadableStream<Uint8Array> {
  const chunks = decodeBase64Chunks(bytes, start, end, chunkChars);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      try {
        const next = chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
  });
}
