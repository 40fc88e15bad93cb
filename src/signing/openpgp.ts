/**
 * OpenPGP keys and signatures with openpgp.js (pinned in package.json): the `openpgp` key kind
 * (Ed25519, a v4 key every gpgv ≥ 2.1, Sequoia and rpm accept; generated in milliseconds,
 * unlike RSA-4096 which can exceed a Worker's CPU budget), clear-signed text (apt's
 * `InRelease`) and armored detached signatures (apt's `Release.gpg`, dnf's `repomd.xml.asc`).
 */
import * as openpgp from "openpgp";
import type { GeneratedKey, KeyIdentity, KeyKind } from "./key-kind";

export interface OpenPgpKeyOptions {
  /** "ecc" (Ed25519 signing key, the default) or "rsa". */
  type: "ecc" | "rsa";
  /** RSA modulus size; only with `type: "rsa"`. */
  rsaBits?: 2048 | 3072 | 4096;
}

/** A key kind making OpenPGP keys of the given algorithm; `name` must be unique per algorithm. */
export function openpgpKeyKind(name: string, options: OpenPgpKeyOptions): KeyKind {
  return {
    name,
    async generate(identity: KeyIdentity): Promise<GeneratedKey> {
      const { privateKey, publicKey } = await openpgp.generateKey({
        ...(options.type === "rsa" ? { type: "rsa" as const, rsaBits: options.rsaBits ?? 3072 } : { type: "ecc" as const, curve: "curve25519Legacy" as const }),
        userIDs: [{ name: `Edge Registry repository ${identity.repository}`, comment: "automatically generated signing key" }],
        date: new Date(identity.createdAt),
        keyExpirationTime: 0,
        format: "armored",
      });
      return { privateKey, publicKey, fingerprint: await fingerprintOf(publicKey) };
    },
  };
}

/** The default OpenPGP kind: Ed25519. */
export const openpgpKind: KeyKind = openpgpKeyKind("openpgp", { type: "ecc" });

/** Upper-case hex fingerprint of an armored public or private key. */
export async function fingerprintOf(armoredKey: string): Promise<string> {
  const key = await openpgp.readKey({ armoredKey });
  return key.getFingerprint().toUpperCase();
}

// Parsed private keys by their armored text: parsing costs more than signing a Release file.
const parsed = new Map<string, Promise<openpgp.PrivateKey>>();
const PARSED_LIMIT = 64;

function privateKeyOf(armoredKey: string): Promise<openpgp.PrivateKey> {
  let key = parsed.get(armoredKey);
  if (!key) {
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    key = openpgp.readPrivateKey({ armoredKey });
    key.catch(() => parsed.delete(armoredKey));
    parsed.set(armoredKey, key);
  }
  return key;
}

/** A cleartext-signed message (`-----BEGIN PGP SIGNED MESSAGE-----`), e.g. apt's InRelease. */
export async function clearSign(armoredPrivateKey: string, text: string): Promise<string> {
  const message = await openpgp.createCleartextMessage({ text });
  return openpgp.sign({ message, signingKeys: await privateKeyOf(armoredPrivateKey), format: "armored" });
}

/**
 * An armored detached signature over the exact bytes (a binary-mode signature, so nothing is
 * canonicalised: the verifier hashes the file as served), e.g. Release.gpg, repomd.xml.asc.
 */
export async function detachedSign(armoredPrivateKey: string, data: string | Uint8Array): Promise<string> {
  const binary = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const message = await openpgp.createMessage({ binary });
  return openpgp.sign({ message, signingKeys: await privateKeyOf(armoredPrivateKey), detached: true, format: "armored" });
}

/** Whether `signature` (armored, detached) is a valid signature of `data` by `armoredPublicKey`. */
export async function verifyDetached(armoredPublicKey: string, data: string | Uint8Array, signature: string): Promise<boolean> {
  const binary = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    const result = await openpgp.verify({
      message: await openpgp.createMessage({ binary }),
      signature: await openpgp.readSignature({ armoredSignature: signature }),
      verificationKeys: await openpgp.readKey({ armoredKey: armoredPublicKey }),
    });
    await result.signatures[0]?.verified;
    return result.signatures.length > 0;
  } catch {
    return false;
  }
}

/** The text of a clear-signed message when `armoredPublicKey` signed it; else null. */
export async function verifyClearSigned(armoredPublicKey: string, signed: string): Promise<string | null> {
  try {
    const message = await openpgp.readCleartextMessage({ cleartextMessage: signed });
    const result = await openpgp.verify({ message, verificationKeys: await openpgp.readKey({ armoredKey: armoredPublicKey }) });
    await result.signatures[0]?.verified;
    return result.signatures.length > 0 ? (result.data as string) : null;
  } catch {
    return null;
  }
}
