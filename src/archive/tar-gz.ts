/**
 * Reads one entry of a gzip-compressed tarball while it streams in: the platform's
 * DecompressionStream("gzip") and a small ustar/pax/GNU header walker (no library needed for
 * 512-byte headers). The tarball is scanned for at most `maxScanBytes` decompressed bytes and at
 * most `maxRatio` times the compressed bytes read so far; reading stops at the wanted entry.
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

/** The first regular file whose path (without a leading `./`) matches `wanted`, or null. */
export async function readTarGzEntry(stream: ReadableStream<Uint8Array>, wanted: RegExp, limits: ArchiveLimits): Promise<Uint8Array | null> {
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
  const truncated = () => archiveError(limits, "the tar archive is truncated");
  const bytes = new ByteReader(
    reader,
    (decompressed) => {
    if (decompressed > limits.maxScanBytes) throw archiveError(limits, `${limits.entry} not found in the first ${limits.maxScanBytes} bytes`);
    if (decompressed > 1024 * 1024 && decompressed > compressed * limits.maxRatio) throw archiveError(limits, `compression ratio exceeds ${limits.maxRatio}:1`);
    },
    truncated,
  );
  let nextName: string | null = null;
  try {
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
        if (!body) throw truncated();
        return body.slice(0, size);
      }
      await bytes.skip(padded);
    }
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw archiveError(limits, `not a readable .tar.gz archive (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await reader.cancel().catch(() => {});
  }
}
