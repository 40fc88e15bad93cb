/**
 * Reads one entry of a zip archive while it streams in: fflate's streaming `Unzip` walks local
 * file headers as bytes arrive and inflates only the wanted entry; other entries are skipped
 * unread. Input is pushed in 4 KiB slices, so one push inflates to at most ~4 MiB (deflate's
 * ratio is bounded by ~1032:1). A declared size above the limit or a declared ratio above
 * `maxRatio` is refused before inflating. Reading stops as soon as the entry is found.
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";
import { RegistryError } from "../errors";
import { type ArchiveLimits, archiveError, Collector } from "./limits";

const PUSH_SLICE = 4096;

/** The first entry whose name matches `wanted`, or null when the archive has none. */
export async function readZipEntry(stream: ReadableStream<Uint8Array>, wanted: RegExp, limits: ArchiveLimits): Promise<Uint8Array | null> {
  let result: Uint8Array | null = null;
  let failure: unknown = null;
  const unzip = new Unzip((file) => {
    if (result || failure || !wanted.test(file.name)) return;
    if (file.originalSize !== undefined && file.originalSize > limits.maxEntryBytes) {
      failure = archiveError(limits, `${limits.entry} is larger than ${limits.maxEntryBytes} bytes decompressed`);
      return;
    }
    if (file.size !== undefined && file.originalSize !== undefined && file.size > 0 && file.originalSize / file.size > limits.maxRatio && file.originalSize > 65536) {
      failure = archiveError(limits, `${limits.entry} compression ratio exceeds ${limits.maxRatio}:1`);
      return;
    }
    const collector = new Collector(limits);
    file.ondata = (error, data, final) => {
      if (failure || result) return;
      if (error) {
        failure = archiveError(limits, error.message);
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
      failure = archiveError(limits, `${limits.entry} uses unsupported compression method ${file.compression}`);
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
    throw archiveError(limits, `not a readable zip archive (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await reader.cancel().catch(() => {});
  }
}
