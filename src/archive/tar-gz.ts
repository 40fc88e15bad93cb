/**
 * Reads one entry of a gzip-compressed tarball while it streams in: the platform's
 * DecompressionStream("gzip") in front of the tar header walker of ./tar.ts. The tarball is
 * scanned for at most `maxScanBytes` decompressed bytes and at most `maxRatio` times the
 * compressed bytes read so far; reading stops at the wanted entry.
 */
import { type ArchiveLimits, archiveError } from "./limits";
import { withTarReader } from "./tar";

/** The first regular file whose path (without a leading `./`) matches `wanted`, or null. */
export function readTarGzEntry(stream: ReadableStream<Uint8Array>, wanted: RegExp, limits: ArchiveLimits): Promise<Uint8Array | null> {
  let compressed = 0;
  const counted = stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        compressed += chunk.length;
        controller.enqueue(chunk);
      },
    }),
  );
  const decompressed = counted.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>);
  const check = (scanned: number) => {
    if (scanned > limits.maxScanBytes) throw archiveError(limits, `${limits.entry} not found in the first ${limits.maxScanBytes} bytes`);
    if (scanned > 1024 * 1024 && scanned > compressed * limits.maxRatio) throw archiveError(limits, `compression ratio exceeds ${limits.maxRatio}:1`);
  };
  return withTarReader(decompressed, limits, check, ".tar.gz", wanted);
}
