/**
 * Reads an `.apk` while it streams in. An apk (v2) is two or three gzip streams
 * concatenated: an optional signature (`.SIGN.RSA.{key}`), the control segment (`.PKGINFO`
 * and install scripts), the data. Each holds a tar segment (only the last keeps the tar
 * end-of-archive blocks). fflate's streaming `Gunzip` reports where each gzip member starts,
 * so the control segment's exact compressed bytes are known: their SHA-1 is the package's
 * identity in APKINDEX (`C:Q1{base64}`), which apk checks against the file it downloads.
 * The rest is inflated too (output dropped) so a truncated or corrupt upload is refused.
 */
import { Gunzip } from "fflate";
import { toBase64 } from "../../auth/crypto";
import { RegistryError } from "../../errors";
import { concatBytes } from "./apkindex";

/** Control segments are a few KiB; anything near this is not an apk. */
const MAX_MEMBER_BYTES = 4 * 1024 * 1024;
/** Where the control segment must have ended (compressed bytes from the start). */
const MAX_CONTROL_OFFSET = 8 * 1024 * 1024;

export interface ApkInspection {
  pkginfo: string;
  /** `Q1` + base64(SHA-1 of the control segment's gzip bytes). */
  checksum: string;
  /** Compressed bytes read. */
  size: number;
}

const bad = (message: string) => new RegistryError("bad_request", `invalid apk: ${message}`);

function octal(bytes: Uint8Array): number {
  const text = new TextDecoder().decode(bytes).replace(/\0.*$/s, "").trim();
  if (!/^[0-7]*$/.test(text)) throw bad("bad tar header");
  return text ? Number.parseInt(text, 8) : 0;
}

/** The tar entries of one segment (name → bytes), stopping at the end of the data or a zero block. */
export function tarEntries(tar: Uint8Array): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  let at = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const rawName = new TextDecoder().decode(header.subarray(0, 100)).replace(/\0.*$/s, "");
    const prefix = new TextDecoder().decode(header.subarray(345, 500)).replace(/\0.*$/s, "");
    const size = octal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const start = at + 512;
    if (start + size > tar.length) throw bad("tar entry is truncated");
    const name = (prefix ? `${prefix}/${rawName}` : rawName).replace(/^\.\//, "");
    if (type === "0" || type === "\0") entries.set(name, tar.subarray(start, start + size));
    at = start + Math.ceil(size / 512) * 512;
  }
  return entries;
}

/** Feed the raw bytes with `push`, then `finish()`; throws 400 `RegistryError`s. */
export class ApkInspector {
  private readonly gunzip: Gunzip;
  private raw: Uint8Array[] = [];
  private rawSize = 0;
  private memberStart = 0;
  private member: Uint8Array[] = [];
  private memberSize = 0;
  private total = 0;
  private members = 0;
  private control: { start: number; end: number; pkginfo: string } | null = null;
  private failure: unknown = null;

  constructor() {
    this.gunzip = new Gunzip({}, (data) => this.onData(data));
    this.gunzip.onmember = (offset) => this.endMember(offset);
  }

  push(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (!this.control) {
      this.raw.push(chunk);
      this.rawSize += chunk.length;
    }
    this.total += chunk.length;
    this.inflate(chunk, false);
    if (!this.control && this.memberStart > MAX_CONTROL_OFFSET) throw bad(`no .PKGINFO in the first ${MAX_CONTROL_OFFSET} bytes`);
  }

  async finish(): Promise<ApkInspection> {
    if (this.total === 0) throw new RegistryError("body_empty", "request body is empty: PUT the .apk file");
    this.inflate(new Uint8Array(0), true);
    if (!this.control) {
      this.endMember(this.total);
      // abuild always writes a data stream after the control stream (empty for metapackages).
      if (this.control) throw bad("no data stream after the control stream (truncated?)");
      throw bad("no .PKGINFO found (is it an apk v2 package?)");
    }
    const control = this.control;
    const bytes = concatBytes(...this.raw).subarray(control.start, control.end);
    const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
    return { pkginfo: control.pkginfo, checksum: `Q1${toBase64(sha1)}`, size: this.total };
  }

  private inflate(chunk: Uint8Array, final: boolean): void {
    try {
      this.gunzip.push(chunk, final);
    } catch (error) {
      if (error instanceof RegistryError) this.failure = error;
      else this.failure = bad(`not a gzip stream or truncated (${error instanceof Error ? error.message : String(error)})`);
    }
    if (this.failure) throw this.failure;
  }

  private onData(data: Uint8Array): void {
    if (this.control || this.failure) return;
    this.memberSize += data.length;
    if (this.memberSize > MAX_MEMBER_BYTES) throw bad(`a segment before .PKGINFO is larger than ${MAX_MEMBER_BYTES} bytes decompressed`);
    this.member.push(data);
  }

  /** A gzip member ended at `offset` (compressed): look for .PKGINFO in its tar segment. */
  private endMember(offset: number): void {
    if (this.control) return;
    this.members += 1;
    const entries = tarEntries(concatBytes(...this.member));
    const pkginfo = entries.get(".PKGINFO");
    if (pkginfo) {
      this.control = { start: this.memberStart, end: offset, pkginfo: new TextDecoder().decode(pkginfo) };
      this.member = [];
      return;
    }
    if (this.members >= 2) throw bad("no .PKGINFO in the signature or control segment");
    this.memberStart = offset;
    this.member = [];
    this.memberSize = 0;
  }
}

/** Inspects a whole stream (tests, and the upload's side stream). */
export async function inspectApk(stream: ReadableStream<Uint8Array>): Promise<ApkInspection> {
  const inspector = new ApkInspector();
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      inspector.push(value);
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  }
  return inspector.finish();
}
