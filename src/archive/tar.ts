/**
 * Reads one entry of a tar archive while it streams in: a small ustar/pax/GNU header walker
 * (512-byte headers, no library needed). `readTarEntry` reads a plain (uncompressed) tarball,
 * as a RubyGems `.gem` is; `readTarGzEntry` (./tar-gz.ts) puts gzip in front of the same walker.
 * Reading stops at the wanted entry; at most `maxScanBytes` bytes are scanned.
 */
import { RegistryError } from "../errors";
import { ByteReader } from "./byte-reader";
import { type ArchiveLimits, archiveError } from "./limits";

const text = (bytes: Uint8Array): string => {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end === -1 ? bytes : bytes.subarray(0, end));
};

function octal(bytes: Uint8Array, limits: ArchiveLimits): number {
  const value = text(bytes).trim();
  if (!/^[0-7]*$/.test(value)) throw archiveError(limits, "bad tar header");
  return value ? Number.parseInt(value, 8) : 0;
}

/** `path` from a pax extended header body ("%d path=value\n" records). */
function paxPath(body: Uint8Array): string | null {
  const records = new TextDecoder().decode(body);
  const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(records);
  return match?.[1] ?? null;
}

/** Walks tar headers until the first regular file whose path (without a leading `./`) matches `wanted`. */
export async function walkTar(bytes: ByteReader, wanted: RegExp, limits: ArchiveLimits): Promise<Uint8Array | null> {
  let nextName: string | null = null;
  for (;;) {
    const header = await bytes.read(512);
    if (!header || header.every((b) => b === 0)) return null;
    const size = octal(header.subarray(124, 136), limits);
    const type = String.fromCharCode(header[156] ?? 0);
    const padded = Math.ceil(size / 512) * 512;
    if (type === "x" || type === "L") {
      if (size > 1024 * 1024) throw archiveError(limits, "tar extended header too large");
      const body = (await bytes.read(padded)) ?? new Uint8Array(0);
      nextName = type === "x" ? paxPath(body.subarray(0, size)) : text(body.subarray(0, size));
      continue;
    }
    const prefix = text(header.subarray(345, 500));
    const name = nextName ?? (prefix ? `${prefix}/${text(header.subarray(0, 100))}` : text(header.subarray(0, 100)));
    nextName = null;
    if ((type === "0" || type === "\0") && wanted.test(name.replace(/^\.\//, ""))) {
      if (size > limits.maxEntryBytes) throw archiveError(limits, `${limits.entry} is larger than ${limits.maxEntryBytes} bytes`);
      const body = await bytes.read(padded);
      if (!body) throw archiveError(limits, "the tar archive is truncated");
      return body.slice(0, size);
    }
    await bytes.skip(padded);
  }
}

/** Runs `walk` over a stream's reader, turning stray failures into the format's 400 and always releasing the stream. */
export async function withTarReader(
  stream: ReadableStream<Uint8Array>,
  limits: ArchiveLimits,
  check: (scanned: number) => void,
  description: string,
  wanted: RegExp,
): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const bytes = new ByteReader(reader, check, () => archiveError(limits, "the tar archive is truncated"));
  try {
    return await walkTar(bytes, wanted, limits);
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw archiveError(limits, `not a readable ${description} archive (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The first regular file of a plain (uncompressed) tarball whose path matches `wanted`, or null. */
export function readTarEntry(stream: ReadableStream<Uint8Array>, wanted: RegExp, limits: ArchiveLimits): Promise<Uint8Array | null> {
  const check = (scanned: number) => {
    if (scanned > limits.maxScanBytes) throw archiveError(limits, `${limits.entry} not found in the first ${limits.maxScanBytes} bytes`);
  };
  return withTarReader(stream, limits, check, "tar", wanted);
}
