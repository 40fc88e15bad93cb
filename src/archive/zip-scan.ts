/**
 * Reads a whole zip archive as it streams in (fflate's streaming `Unzip`, local headers):
 * the name of every entry, and the bytes of the entries whose name matches `wanted` (each
 * within `limits`, at most `maxWanted` of them). Unlike `readZipEntry`, which stops at the
 * first match, this sees every name, for rules that depend on the archive's layout
 * (Composer's "composer.json at the root, or in the only top-level folder"). The archive
 * must start with a local file header and end with an end-of-central-directory record, so a
 * truncated or foreign upload is refused rather than stored.
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";
import { RegistryError } from "../errors";
import { type ArchiveLimits, archiveError, Collector } from "./limits";

const PUSH_SLICE = 4096;
const MAX_ENTRIES = 100_000;
/** The end-of-central-directory record is 22 bytes plus a comment of at most 65,535. */
const TAIL_BYTES = 22 + 65_535;

export interface ZipScan {
  names: string[];
  entries: Map<string, Uint8Array>;
}

function hasEndRecord(tail: Uint8Array): boolean {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) return true;
  }
  return false;
}

function keepTail(tail: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (chunk.length >= TAIL_BYTES) return chunk.slice(chunk.length - TAIL_BYTES);
  const joined = new Uint8Array(Math.min(TAIL_BYTES, tail.length + chunk.length));
  const fromTail = joined.length - chunk.length;
  joined.set(tail.subarray(tail.length - fromTail), 0);
  joined.set(chunk, fromTail);
  return joined;
}

export async function scanZip(stream: ReadableStream<Uint8Array>, wanted: RegExp, limits: ArchiveLimits & { maxWanted: number }): Promise<ZipScan> {
  const scan: ZipScan = { names: [], entries: new Map() };
  let failure: unknown = null;
  const unzip = new Unzip((file) => {
    if (failure) return;
    if (scan.names.length >= MAX_ENTRIES) {
      failure = archiveError(limits, `more than ${MAX_ENTRIES} entries`);
      return;
    }
    scan.names.push(file.name);
    if (!wanted.test(file.name) || file.name.endsWith("/")) return;
    if (scan.entries.size >= limits.maxWanted) {
      failure = archiveError(limits, `more than ${limits.maxWanted} entries named like ${limits.entry}`);
      return;
    }
    if (file.originalSize !== undefined && file.originalSize > limits.maxEntryBytes) {
      failure = archiveError(limits, `${limits.entry} is larger than ${limits.maxEntryBytes} bytes decompressed`);
      return;
    }
    const collector = new Collector(limits);
    file.ondata = (error, data, final) => {
      if (failure) return;
      if (error) {
        failure = archiveError(limits, error.message);
        return;
      }
      try {
        collector.add(data);
        if (final) scan.entries.set(file.name, collector.bytes());
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
  let tail: Uint8Array = new Uint8Array(0);
  let head: number[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (value && value.length > 0) {
        if (head.length < 4) {
          head = [...head, ...value.subarray(0, 4 - head.length)];
          if (head.length === 4 && !(head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)) {
            throw archiveError(limits, "not a zip archive (it does not start with a zip file header)");
          }
        }
        tail = keepTail(tail, value);
        for (let offset = 0; offset < value.length && !failure; offset += PUSH_SLICE) unzip.push(value.subarray(offset, offset + PUSH_SLICE), false);
      }
      if (failure) throw failure;
      if (done) break;
    }
    if (head.length < 4) throw archiveError(limits, head.length === 0 ? "the archive is empty" : "not a zip archive");
    unzip.push(new Uint8Array(0), true);
    if (failure) throw failure;
    if (!hasEndRecord(tail)) throw archiveError(limits, "truncated zip archive (no end of central directory record)");
    return scan;
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw archiveError(limits, `not a readable zip archive (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await reader.cancel().catch(() => {});
  }
}
