/**
 * Reading a `.gem`: a plain (uncompressed) tar holding `metadata.gz` (the gzipped YAML
 * specification, first), `data.tar.gz` and `checksums.yaml.gz`. Only `metadata.gz` is read,
 * with src/archive's streaming tar reader, then gunzipped (at most 1 MiB of YAML) and parsed
 * (./gemspec.ts). Every failure is a 400 whose text `gem push` prints.
 */
import { gunzipSync } from "fflate";
import { readTarEntry } from "../../archive/tar";
import { RegistryError } from "../../errors";
import { type GemSpec, parseGemspecYaml } from "./gemspec";

const LIMITS = { label: "invalid gem", entry: "metadata.gz", maxEntryBytes: 1024 * 1024, maxRatio: 1, maxScanBytes: 512 * 1024 * 1024 };
const MAX_YAML_BYTES = 1024 * 1024;

/** Gunzips `metadata.gz`, refusing more than MAX_YAML_BYTES of YAML. */
function gunzipMetadata(bytes: Uint8Array): string {
  let yaml: Uint8Array;
  try {
    // The ISIZE trailer states the decompressed size: refuse a bomb before inflating it.
    const stated = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
    if (stated > MAX_YAML_BYTES) throw new RegistryError("bad_request", `invalid gem: metadata.gz is larger than ${MAX_YAML_BYTES} bytes decompressed`);
    yaml = gunzipSync(bytes);
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw new RegistryError("bad_request", `invalid gem: metadata.gz is not gzip (${error instanceof Error ? error.message : String(error)})`);
  }
  if (yaml.length > MAX_YAML_BYTES) throw new RegistryError("bad_request", `invalid gem: metadata.gz is larger than ${MAX_YAML_BYTES} bytes decompressed`);
  return new TextDecoder().decode(yaml);
}

/** The specification of the `.gem` streaming in `stream`. */
export async function readGemSpec(stream: ReadableStream<Uint8Array>): Promise<GemSpec> {
  const metadata = await readTarEntry(stream, /^metadata\.gz$/, LIMITS);
  if (!metadata) throw new RegistryError("bad_request", "invalid gem: metadata.gz is missing (is this a .gem built by `gem build`?)");
  return parseGemspecYaml(gunzipMetadata(metadata));
}
