/**
 * Tarball integrity: Subresource Integrity strings (W3C SRI, as npm's ssri writes them:
 * `sha512-<base64>`, several space-separated, optional `?opts`) and the legacy `shasum`
 * (sha1 hex). A publish states both; each one given is checked against the decoded tarball.
 * sha512, sha256 and sha1 entries are checked; other algorithms (sha384) are ignored.
 */
import { fromBase64, toBase64, toHex } from "../../auth/crypto";
import { RegistryError } from "../../errors";

export interface TarballDigests {
  sha512: string;
  sha256: string;
  sha1: string;
  size: number;
}

const checked = { sha512: "sha512", sha256: "sha256", sha1: "sha1" } as const;
type CheckedAlgorithm = keyof typeof checked;

export interface SriEntry {
  algorithm: string;
  /** Hex of the digest. */
  hex: string;
}

/** Parses an SRI string; malformed entries are a 400 (a client bug, not a mismatch). */
export function parseIntegrity(integrity: string): SriEntry[] {
  const entries: SriEntry[] = [];
  for (const token of integrity.trim().split(/\s+/)) {
    if (token === "") continue;
    const match = /^([a-z0-9]+)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(token);
    const [, algorithm = "", digest = ""] = match ?? [];
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(digest);
    } catch {
      bytes = new Uint8Array(0);
    }
    if (!match || bytes.length === 0) throw new RegistryError("bad_request", `dist.integrity "${token}" is not a valid SRI hash`, { field: "dist.integrity" });
    entries.push({ algorithm, hex: toHex(bytes) });
  }
  return entries;
}

/** `{algorithm}-<base64>` from a hex digest. */
export function sriFromHex(algorithm: string, hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return `${algorithm}-${toBase64(bytes)}`;
}

/** Checks the stated integrity and shasum against the tarball's digests. */
export function verifyTarball(digests: TarballDigests, stated: { integrity?: string | undefined; shasum?: string | undefined }): void {
  if (stated.integrity !== undefined) {
    for (const entry of parseIntegrity(stated.integrity)) {
      if (!(entry.algorithm in checked)) continue;
      const actual = digests[entry.algorithm as CheckedAlgorithm];
      if (entry.hex !== actual) {
        const expected = sriFromHex(entry.algorithm, entry.hex);
        throw new RegistryError("digest_mismatch", `Integrity check failed: the tarball is ${sriFromHex(entry.algorithm, actual)}, not ${expected}`, { field: "dist.integrity" });
      }
    }
  }
  if (stated.shasum !== undefined && stated.shasum.toLowerCase() !== digests.sha1) {
    throw new RegistryError("digest_mismatch", `dist.shasum ${stated.shasum} does not match the tarball's sha1 ${digests.sha1}`, { field: "dist.shasum" });
  }
}

/** sha512, sha256 and sha1 of a stream of chunks, in one pass (crypto.DigestStream). */
export async function digestChunks(chunks: Iterable<Uint8Array>): Promise<TarballDigests> {
  const streams = { sha512: new crypto.DigestStream("SHA-512"), sha256: new crypto.DigestStream("SHA-256"), sha1: new crypto.DigestStream("SHA-1") };
  const writers = Object.values(streams).map((s) => s.getWriter());
  let size = 0;
  for (const chunk of chunks) {
    size += chunk.byteLength;
    await Promise.all(writers.map((w) => w.write(chunk)));
  }
  await Promise.all(writers.map((w) => w.close()));
  return {
    sha512: toHex(await streams.sha512.digest),
    sha256: toHex(await streams.sha256.digest),
    sha1: toHex(await streams.sha1.digest),
    size,
  };
}
