/**
 * Limits shared by the streaming archive readers (zip and tar.gz): how large the wanted
 * entry may be decompressed, the largest compression ratio accepted (zip-bomb guard), and how
 * much decompressed data a tarball is scanned for before giving up. `label` starts every
 * error message ("Invalid distribution file", "Invalid chart archive", …) so each format
 * keeps its own wording; errors are 400 `RegistryError`s the format's error writer renders.
 */
import { RegistryError } from "../errors";

export interface ArchiveLimits {
  label: string;
  /** What the wanted entry is called in messages ("PKG-INFO", "Chart.yaml"). */
  entry: string;
  maxEntryBytes: number;
  maxRatio: number;
  maxScanBytes: number;
}

export function archiveError(limits: ArchiveLimits, message: string): RegistryError {
  return new RegistryError("bad_request", `${limits.label}: ${message}`);
}

/** Collects one entry's bytes, refusing more than `limits.maxEntryBytes`. */
export class Collector {
  private chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly limits: ArchiveLimits) {}

  add(chunk: Uint8Array): void {
    this.size += chunk.length;
    if (this.size > this.limits.maxEntryBytes) throw archiveError(this.limits, `${this.limits.entry} is larger than ${this.limits.maxEntryBytes} bytes decompressed`);
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
