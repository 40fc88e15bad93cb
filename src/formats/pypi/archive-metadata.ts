/**
 * Reads a distribution's core metadata while it streams in: a wheel's
 * `{name}-{version}.dist-info/METADATA`, an sdist's top-level `{name}-{version}/PKG-INFO`.
 *
 * - zip (wheels, `.zip` sdists): fflate's streaming `Unzip`, which walks local file headers
 *   as bytes arrive and inflates only the entry we want; other entries are skipped unread.
 *   Input is pushed in 4 KiB slices, so one push inflates to at most ~4 MiB (deflate's
 *   ratio is bounded by ~1032:1).
 * - tar.gz (sdists): the platform's DecompressionStream("gzip") and a small ustar/pax/GNU
 *   header walker (no library needed for 512-byte headers).
 *
 * Zip-bomb limits: the metadata file may not exceed MAX_METADATA_BYTES decompressed (a
 * declared size above it is refused before inflating), an entry whose declared ratio is
 * above MAX_RATIO is refused, and a tarball is scanned for at most MAX_TAR_SCAN_BYTES of
 * decompressed data and at most MAX_RATIO times the compressed bytes read so far.
 * Reading stops as soon as the metadata is found.
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";
import { RegistryError } from "../../errors";

export const MAX_METADATA_BYTES = 4 * 1024 * 1024;
export const MAX_RATIO = 200;
export const MAX_TAR_SCAN_BYTES = 256 * 1024 * 1024;
const PUSH_SLICE = 4096;

function invalid(message: string): RegistryError {
  return new RegistryError("bad_request", message);
}

const WHEEL_METADATA = /^[^/]+\.dist-info\/METADATA$/;
const SDIST_METADATA = /^[^/]+\/PKG-INFO$/;

/** Reads the metadata file of a wheel ("wheel") or sdist ("sdist") archive; throws a 400 when absent or too large. */
export async function readArchiveMetadata(stream: ReadableStream<Uint8Array>, kind: "wheel" | "sdist", archive: "zip" | "tar.gz"): Promise<Uint8Array> {
  const wanted = kind === "wheel" ? WHEEL_METADATA : SDIST_METADATA;
  const what = kind === "wheel" ? "*.dist-info/METADATA" : "PKG-INFO";
  const found = archive === "zip" ? await readFromZip(stream, wanted) : await readFromTarGz(stream, wanted);
  if (!found) throw invalid(`Invalid distribution file: ${what} not found in the archive`);
  return found;
}

class Collector {
  private chunks: Uint8Array[] = [];
  private size = 0;

  add(chunk: Uint8Array): void {
    this.size += chunk.length;
    if (this.size > MAX_METADATA_BYTES) throw invalid(`Invalid distribution file: metadata is larger than ${MAX_METADATA_BYTES} bytes decompressed`);
    this.chunks.push(chunk);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

async function readFromZip(stream: ReadableStream<Uint8Array>, wanted: RegExp): Promise<Uint8Array | null> {
  let result: Uint8Array | null = null;
  let failure: unknown = null;
  const unzip = new Unzip((file) => {
    if (result || failure || !wanted.test(file.name)) return;
    if (file.originalSize !== undefined && file.originalSize > MAX_METADATA_BYTES) {
      failure = invalid(`Invalid distribution file: metadata is larger than ${MAX_METADATA_BYTES} bytes decompressed`);
      return;
    }
    if (file.size !== undefined && file.originalSize !== undefined && file.size > 0 && file.originalSize / file.size > MAX_RATIO && file.originalSize > 65536) {
      failure = invalid(`Invalid distribution file: metadata compression ratio exceeds ${MAX_RATIO}:1`);
      return;
    }
    const collector = new Collector();
    file.ondata = (error, data, final) => {
      if (failure || result) return;
      if (error) {
        failure = invalid(`Invalid distribution file: ${error.message}`);
        return;
      }
      try {
        collector.add(data);
        if (final) result = collector.bytes();
      } catch (caught) {
        failure = caught;
        file.terminate();
      }
    };
    try {
      file.start();
    } catch {
      failure = invalid(`Invalid distribution file: metadata uses unsupported compression method ${file.compression}`);
    }
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      for (let offset = 0; value && offset < value.length && !result && !failure; offset += PUSH_SLICE) {
        unzip.push(value.subarray(offset, offset + PUSH_SLICE), false);
      }
      if (failure) throw failure;
      if (result) return result;
      if (done) {
        unzip.push(new Uint8Array(0), true);
        if (failure) throw failure;
        return result;
      }
    }
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw invalid(`Invalid distribution file: not a readable zip archive (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Buffers a byte stream so fixed-size reads (tar's 512-byte blocks) are easy. */
class ByteReader {
  private buffer = new Uint8Array(0);
  total = 0;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly check: (decompressed: number) => void,
  ) {}

  /** Exactly n bytes, or null at a clean end of stream. */
  async read(n: number): Promise<Uint8Array | null> {
    while (this.buffer.length < n) {
      const { done, value } = await this.reader.read();
      if (done) {
        if (this.buffer.length === 0) return null;
        throw invalid("Invalid distribution file: the tar archive is truncated");
      }
      this.total += value.length;
      this.check(this.total);
      const merged = new Uint8Array(this.buffer.length + value.length);
      merged.set(this.buffer);
      merged.set(value, this.buffer.length);
      this.buffer = merged;
    }
    const out = this.buffer.slice(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const step = Math.min(left, 65536);
      if (!(await this.read(step))) throw invalid("Invalid distribution file: the tar archive is truncated");
      left -= step;
    }
  }
}

const text = (bytes: Uint8Array): string => {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end === -1 ? bytes : bytes.subarray(0, end));
};

function octal(bytes: Uint8Array): number {
  const value = text(bytes).trim();
  if (!/^[0-7]*$/.test(value)) throw invalid("Invalid distribution file: bad tar header");
  return value ? Number.parseInt(value, 8) : 0;
}

/** `path` from a pax extended header body ("%d path=value\n" records). */
function paxPath(body: Uint8Array): string | null {
  const records = new TextDecoder().decode(body);
  const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(records);
  return match?.[1] ?? null;
}

async function readFromTarGz(stream: ReadableStream<Uint8Array>, wanted: RegExp): Promise<Uint8Array | null> {
  let compressed = 0;
  const counted = stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        compressed += chunk.length;
        controller.enqueue(chunk);
      },
    }),
  );
  const reader = counted.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>).getReader();
  const bytes = new ByteReader(reader, (decompressed) => {
    if (decompressed > MAX_TAR_SCAN_BYTES) throw invalid(`Invalid distribution file: PKG-INFO not found in the first ${MAX_TAR_SCAN_BYTES} bytes`);
    if (decompressed > 1024 * 1024 && decompressed > compressed * MAX_RATIO) throw invalid(`Invalid distribution file: compression ratio exceeds ${MAX_RATIO}:1`);
  });
  let nextName: string | null = null;
  try {
    for (;;) {
      const header = await bytes.read(512);
      if (!header || header.every((b) => b === 0)) return null;
      const size = octal(header.subarray(124, 136));
      const type = String.fromCharCode(header[156] ?? 0);
      const padded = Math.ceil(size / 512) * 512;
      if (type === "x" || type === "L") {
        if (size > 1024 * 1024) throw invalid("Invalid distribution file: tar extended header too large");
        const body = (await bytes.read(padded)) ?? new Uint8Array(0);
        nextName = type === "x" ? paxPath(body.subarray(0, size)) : text(body.subarray(0, size));
        continue;
      }
      const prefix = text(header.subarray(345, 500));
      const name = nextName ?? (prefix ? `${prefix}/${text(header.subarray(0, 100))}` : text(header.subarray(0, 100)));
      nextName = null;
      if ((type === "0" || type === "\0") && wanted.test(name.replace(/^\.\//, ""))) {
        if (size > MAX_METADATA_BYTES) throw invalid(`Invalid distribution file: metadata is larger than ${MAX_METADATA_BYTES} bytes`);
        const body = await bytes.read(padded);
        if (!body) throw invalid("Invalid distribution file: the tar archive is truncated");
        return body.slice(0, size);
      }
      await bytes.skip(padded);
    }
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw invalid(`Invalid distribution file: not a readable .tar.gz archive (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Parses RFC 822-style core metadata headers (the body after the first blank line is the description). */
export function parseCoreMetadata(bytes: Uint8Array): Map<string, string[]> {
  const textValue = new TextDecoder().decode(bytes).replace(/\r\n?/g, "\n");
  const headers = new Map<string, string[]>();
  let last: { key: string; index: number } | null = null;
  for (const line of textValue.split("\n")) {
    if (line === "") break;
    if (/^[ \t]/.test(line) && last) {
      const values = headers.get(last.key) ?? [];
      values[last.index] = `${values[last.index] ?? ""}\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const values = headers.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(key, values);
    last = { key, index: values.length - 1 };
  }
  return headers;
}
