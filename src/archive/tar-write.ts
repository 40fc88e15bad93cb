/**
 * Writes ustar entries (regular files only): what an index archive needs (Alpine
 * `APKINDEX.tar.gz`, its signature segment). `tarArchive` appends the two zero blocks that
 * end an archive; `tarEntries` leaves them off for segments that are concatenated with more
 * tar data (apk's signature segment).
 */
export interface TarFile {
  name: string;
  data: Uint8Array;
  /** Default 0o644. */
  mode?: number;
  /** Seconds since the epoch; default 0. */
  mtime?: number;
}

const encoder = new TextEncoder();

function field(header: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new Error(`tar header field too long: ${value}`);
  header.set(bytes, offset);
}

const octal = (value: number, width: number): string => `${value.toString(8).padStart(width - 1, "0")}\0`;

function header(file: TarFile): Uint8Array {
  const block = new Uint8Array(512);
  field(block, 0, 100, file.name);
  field(block, 100, 8, octal(file.mode ?? 0o644, 8));
  field(block, 108, 8, octal(0, 8));
  field(block, 116, 8, octal(0, 8));
  field(block, 124, 12, octal(file.data.length, 12));
  field(block, 136, 12, octal(file.mtime ?? 0, 12));
  field(block, 148, 8, "        ");
  block[156] = "0".charCodeAt(0);
  field(block, 257, 6, "ustar\0");
  field(block, 263, 2, "00");
  field(block, 265, 32, "root");
  field(block, 297, 32, "root");
  let sum = 0;
  for (const byte of block) sum += byte;
  field(block, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** Header, data and padding of each file, without the end-of-archive blocks. */
export function tarEntries(files: readonly TarFile[]): Uint8Array {
  const size = files.reduce((total, f) => total + 512 + Math.ceil(f.data.length / 512) * 512, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const file of files) {
    out.set(header(file), at);
    out.set(file.data, at + 512);
    at += 512 + Math.ceil(file.data.length / 512) * 512;
  }
  return out;
}

/** A complete tar archive: the entries and two zero blocks. */
export function tarArchive(files: readonly TarFile[]): Uint8Array {
  const entries = tarEntries(files);
  const out = new Uint8Array(entries.length + 1024);
  out.set(entries);
  return out;
}
