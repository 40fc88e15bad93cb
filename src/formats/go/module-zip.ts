/**
 * Checks an uploaded module zip as the go command does before extracting one
 * (golang.org/x/mod/zip CheckZip), while it streams into storage:
 * - the zip's central directory (kept from the stream's last bytes; it lists every entry with
 *   its sizes and Unix mode, as Go's archive/zip reads it) names every file: each must be
 *   `module@version/…` with one module and one version, a valid file path
 *   (module.CheckFilePath), no two equal under case folding, regular files only (no
 *   symlinks), `go.mod` only at the top and named exactly so;
 * - sizes: the zip and the sum of uncompressed sizes ≤ 500 MiB, `go.mod` and `LICENSE`
 *   ≤ 16 MiB each;
 * - the top-level `go.mod` is read with `readZipEntry` (src/archive) from the same stream;
 *   its `module` line must name the module of the entry paths.
 * Archives needing zip64 (over 65,535 entries) and central directories over 4 MiB are
 * refused. Errors are 400s worded like the go command's (`zip: …`, `malformed file path`).
 */
import { readZipEntry } from "../../archive/zip";
import { RegistryError } from "../../errors";
import { checkFilePath, checkModulePath, checkVersion } from "./module-path";

export const MAX_ZIP_FILE = 500 * 1024 * 1024;
export const MAX_GO_MOD = 16 * 1024 * 1024;
export const MAX_LICENSE = 16 * 1024 * 1024;
const MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024;
const TAIL_BYTES = MAX_CENTRAL_DIRECTORY + 22 + 65535;

const bad = (message: string) => new RegistryError("bad_request", `invalid module zip: ${message}`);

export interface ZipEntry {
  name: string;
  compressedSize: number;
  size: number;
  /** Unix file type bits (mode & 0o170000) when the creator recorded Unix attributes, else null. */
  unixType: number | null;
}

/** Keeps the last `limit` bytes of a stream. */
class Tail {
  private chunks: Uint8Array[] = [];
  private held = 0;
  total = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Uint8Array): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.held += chunk.length;
    while (this.chunks.length > 1 && this.held - (this.chunks[0]?.length ?? 0) >= this.limit) this.held -= this.chunks.shift()?.length ?? 0;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.held);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out.subarray(Math.max(0, this.held - this.limit));
  }
}

const u16 = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u32 = (b: Uint8Array, at: number) => (u16(b, at) + u16(b, at + 2) * 65536) >>> 0;

/** Parses the central directory from the archive's last bytes (`total`: the archive's size). */
export function readCentralDirectory(tail: Uint8Array, total: number): ZipEntry[] {
  let eocd = -1;
  for (let at = tail.length - 22; at >= 0 && at >= tail.length - 22 - 65535; at--) {
    if (u32(tail, at) === 0x06054b50 && at + 22 + u16(tail, at + 20) === tail.length) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw bad("zip: not a valid zip file");
  const count = u16(tail, eocd + 10);
  const size = u32(tail, eocd + 12);
  const offset = u32(tail, eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw bad("zip64 archives (over 65535 files) are not accepted");
  if (size > MAX_CENTRAL_DIRECTORY) throw bad(`central directory larger than ${MAX_CENTRAL_DIRECTORY} bytes`);
  const start = tail.length - (total - offset);
  if (start < 0 || offset + size > total - (tail.length - eocd)) throw bad("zip: not a valid zip file");
  const entries: ZipEntry[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || u32(tail, at) !== 0x02014b50) throw bad("zip: not a valid zip file");
    const madeBy = u16(tail, at + 4) >> 8;
    const nameLength = u16(tail, at + 28);
    const next = at + 46 + nameLength + u16(tail, at + 30) + u16(tail, at + 32);
    if (next > eocd) throw bad("zip: not a valid zip file");
    const name = new TextDecoder().decode(tail.subarray(at + 46, at + 46 + nameLength));
    const external = u32(tail, at + 38);
    entries.push({ name, compressedSize: u32(tail, at + 20), size: u32(tail, at + 24), unixType: madeBy === 3 ? (external >>> 16) & 0o170000 : null });
    at = next;
  }
  return entries;
}

/** CheckZip's rules over the entries; returns the module path and version they agree on. */
export function checkEntries(entries: readonly ZipEntry[]): { module: string; version: string; hasGoMod: boolean } {
  const files = entries.filter((e) => !e.name.endsWith("/"));
  const first = files[0];
  if (!first) throw bad("zip file is empty");
  const at = first.name.indexOf("@");
  const slash = first.name.indexOf("/", at);
  if (at <= 0 || slash < 0) throw bad(`file "${first.name}" is not under a module@version/ directory`);
  const module = first.name.slice(0, at);
  const version = first.name.slice(at + 1, slash);
  const pathProblem = checkModulePath(module) ?? checkVersion(module, version);
  if (pathProblem) throw bad(pathProblem);
  const prefix = `${module}@${version}/`;
  const seen = new Set<string>();
  let total = 0;
  let hasGoMod = false;
  for (const entry of files) {
    if (!entry.name.startsWith(prefix)) throw bad(`path does not have prefix "${prefix}": "${entry.name}"`);
    const file = entry.name.slice(prefix.length);
    const problem = checkFilePath(file);
    if (problem) throw bad(problem);
    const folded = file.toLowerCase();
    if (seen.has(folded)) throw bad(`multiple entries for file "${file}"`);
    seen.add(folded);
    if (entry.unixType !== null && entry.unixType !== 0 && entry.unixType !== 0o100000) throw bad(`"${file}": not a regular file`);
    const base = file.slice(file.lastIndexOf("/") + 1);
    if (base.toLowerCase() === "go.mod") {
      if (file !== "go.mod") throw bad(`"${file}": go.mod file not in module root directory`);
      if (entry.size > MAX_GO_MOD) throw bad(`go.mod file too large (max size is ${MAX_GO_MOD} bytes)`);
      hasGoMod = true;
    }
    if (file === "LICENSE" && entry.size > MAX_LICENSE) throw bad(`LICENSE file too large (max size is ${MAX_LICENSE} bytes)`);
    total += entry.size;
    if (total > MAX_ZIP_FILE) throw bad(`total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`);
  }
  return { module, version, hasGoMod };
}

/** The `module` directive of a go.mod file, or null. */
export function goModModule(text: string): string | null {
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    const match = /^module\s+(?:"([^"]+)"|`([^`]+)`|(\S+))$/.exec(line);
    if (match) return match[1] ?? match[2] ?? match[3] ?? null;
  }
  return null;
}

export interface InspectedModuleZip {
  module: string;
  version: string;
  /** The top-level go.mod, or the synthesized `module {path}` the go command uses when absent. */
  goMod: string;
}

/** Reads a module zip stream to its end: go.mod from the entries, every path from the central directory. */
export async function inspectModuleZip(stream: ReadableStream<Uint8Array>): Promise<InspectedModuleZip> {
  const reader = stream.getReader();
  const tail = new Tail(TAIL_BYTES);
  let ended = false;
  const feed = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          ended = true;
          controller.close();
          return;
        }
        tail.add(value);
        controller.enqueue(value);
      },
    },
    { highWaterMark: 0 },
  );
  const limits = { label: "invalid module zip", entry: "go.mod", maxEntryBytes: MAX_GO_MOD, maxRatio: 1100, maxScanBytes: MAX_ZIP_FILE };
  let goModBytes: Uint8Array | null;
  try {
    goModBytes = await readZipEntry(feed, /^[^@]+@[^/]+\/go\.mod$/, limits);
    while (!ended) {
      const { done, value } = await reader.read();
      if (done) break;
      tail.add(value);
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  }
  const { module, version, hasGoMod } = checkEntries(readCentralDirectory(tail.bytes(), tail.total));
  if (hasGoMod !== (goModBytes !== null)) throw bad("go.mod in the central directory and the entries disagree");
  if (!goModBytes) return { module, version, goMod: `module ${module}\n` };
  const goMod = new TextDecoder().decode(goModBytes);
  const declared = goModModule(goMod);
  if (declared !== module) throw bad(`${module}@${version}: go.mod has non-${module} module path "${declared ?? ""}"`);
  return { module, version, goMod };
}
