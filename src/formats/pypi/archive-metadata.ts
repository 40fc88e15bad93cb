/**
 * Reads a distribution's core metadata while it streams in: a wheel's
 * `{name}-{version}.dist-info/METADATA`, an sdist's top-level `{name}-{version}/PKG-INFO`,
 * with the shared streaming readers of src/archive/ (zip: fflate's `Unzip`; tar.gz: the
 * platform's DecompressionStream and a small header walker).
 *
 * Zip-bomb limits: the metadata file may not exceed MAX_METADATA_BYTES decompressed (a
 * declared size above it is refused before inflating), an entry whose declared ratio is
 * above MAX_RATIO is refused, and a tarball is scanned for at most MAX_TAR_SCAN_BYTES of
 * decompressed data and at most MAX_RATIO times the compressed bytes read so far.
 */
import { RegistryError } from "../../errors";
import type { ArchiveLimits } from "../../archive/limits";
import { readTarGzEntry } from "../../archive/tar-gz";
import { readZipEntry } from "../../archive/zip";

export const MAX_METADATA_BYTES = 4 * 1024 * 1024;
export const MAX_RATIO = 200;
export const MAX_TAR_SCAN_BYTES = 256 * 1024 * 1024;

function invalid(message: string): RegistryError {
  return new RegistryError("bad_request", message);
}

const WHEEL_METADATA = /^[^/]+\.dist-info\/METADATA$/;
const SDIST_METADATA = /^[^/]+\/PKG-INFO$/;

/** Reads the metadata file of a wheel ("wheel") or sdist ("sdist") archive; throws a 400 when absent or too large. */
export async function readArchiveMetadata(stream: ReadableStream<Uint8Array>, kind: "wheel" | "sdist", archive: "zip" | "tar.gz"): Promise<Uint8Array> {
  const wanted = kind === "wheel" ? WHEEL_METADATA : SDIST_METADATA;
  const what = kind === "wheel" ? "*.dist-info/METADATA" : "PKG-INFO";
  const limits: ArchiveLimits = { label: "Invalid distribution file", entry: what, maxEntryBytes: MAX_METADATA_BYTES, maxRatio: MAX_RATIO, maxScanBytes: MAX_TAR_SCAN_BYTES };
  const found = archive === "zip" ? await readZipEntry(stream, wanted, limits) : await readTarGzEntry(stream, wanted, limits);
  if (!found) throw invalid(`Invalid distribution file: ${what} not found in the archive`);
  return found;
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
