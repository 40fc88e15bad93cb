/**
 * APKINDEX: one stanza per package file (`C:` checksum, `P:` name, `V:` version, `A:` arch,
 * `S:` file size, `I:` installed size, `T:` description, `U:` url, `L:` license, `o:` origin,
 * `m:` maintainer, `t:` build date, `c:` commit, `D:` depends, `p:` provides, `r:` replaces,
 * `i:` install_if, `k:` provider priority), stanzas separated by an empty line — the format
 * apk-tools writes (`apk index`) and reads. `APKINDEX.tar.gz` is a gzip of a tar holding
 * `DESCRIPTION` and `APKINDEX`; signed, a second gzip stream with a tar segment (no end
 * blocks) holding `.SIGN.RSA.{keyname}` — the RSA/SHA-1 signature of the first stream's
 * bytes — is put in front of it. apk reads the key name and looks for `/etc/apk/keys/{keyname}`.
 */
import { gzipSync } from "fflate";
import { tarArchive, tarEntries } from "../../archive/tar-write";
import type { PkgInfo } from "./pkginfo";

/** One package file as the index lists it. */
export interface IndexEntry extends PkgInfo {
  checksum: string;
  /** The .apk file's size. */
  size: number;
}

export function renderStanza(e: IndexEntry): string {
  const lines = [`C:${e.checksum}`, `P:${e.name}`, `V:${e.version}`, `A:${e.arch}`, `S:${e.size}`, `I:${e.installedSize ?? 0}`];
  if (e.description) lines.push(`T:${e.description}`);
  if (e.url) lines.push(`U:${e.url}`);
  if (e.license) lines.push(`L:${e.license}`);
  if (e.origin) lines.push(`o:${e.origin}`);
  if (e.maintainer) lines.push(`m:${e.maintainer}`);
  if (e.buildDate !== null) lines.push(`t:${e.buildDate}`);
  if (e.commit) lines.push(`c:${e.commit}`);
  if (e.depends.length) lines.push(`D:${e.depends.join(" ")}`);
  if (e.provides.length) lines.push(`p:${e.provides.join(" ")}`);
  if (e.replaces.length) lines.push(`r:${e.replaces.join(" ")}`);
  if (e.installIf.length) lines.push(`i:${e.installIf.join(" ")}`);
  if (e.providerPriority !== null) lines.push(`k:${e.providerPriority}`);
  return `${lines.join("\n")}\n`;
}

/** Stanzas sorted by name then version, each ended by an empty line (as `apk index` writes). */
export function renderApkIndex(entries: readonly IndexEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1));
  return sorted.map((e) => `${renderStanza(e)}\n`).join("");
}

/** A parsed stanza: its lines as written, and the fields a merge needs. */
export interface Stanza {
  name: string;
  version: string;
  /** `C:`, the control segment's checksum (what apk checks the downloaded file against). */
  checksum: string;
  text: string;
}

export function parseApkIndex(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => l.length > 0);
    if (lines.length === 0) continue;
    const name = lines.find((l) => l.startsWith("P:"))?.slice(2) ?? "";
    const version = lines.find((l) => l.startsWith("V:"))?.slice(2) ?? "";
    const checksum = lines.find((l) => l.startsWith("C:"))?.slice(2) ?? "";
    if (!name || !version) continue;
    stanzas.push({ name, version, checksum, text: `${lines.join("\n")}\n` });
  }
  return stanzas;
}

const encoder = new TextEncoder();

/** The unsigned `APKINDEX.tar.gz` stream: gzip(tar(DESCRIPTION, APKINDEX, end blocks)). */
export function unsignedIndexArchive(apkindex: string, description: string, mtime: number): Uint8Array {
  const tar = tarArchive([
    { name: "DESCRIPTION", data: encoder.encode(description), mtime },
    { name: "APKINDEX", data: encoder.encode(apkindex), mtime },
  ]);
  return gzipSync(tar, { level: 9, mtime: 0 });
}

/** The signature stream put in front of a signed stream: gzip(tar segment `.SIGN.RSA.{keyName}`). */
export function signatureSegment(keyName: string, signature: Uint8Array, mtime: number): Uint8Array {
  return gzipSync(tarEntries([{ name: `.SIGN.RSA.${keyName}`, data: signature, mtime }]), { level: 9, mtime: 0 });
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
