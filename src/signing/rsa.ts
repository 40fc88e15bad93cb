/**
 * RSA keys and signatures with WebCrypto (no library): the `rsa` key kind, used by Alpine,
 * whose apk-tools check `.SIGN.RSA.{keyname}` signatures: RSASSA-PKCS1-v1_5 with SHA-1 over
 * the signed gzip stream. Keys are 2048-bit by default (a 4096-bit key can take seconds of
 * CPU to generate in a Worker); the private key is kept as PKCS#8 PEM, the public key served
 * as SPKI PEM (`-----BEGIN PUBLIC KEY-----`, what apk-tools and `openssl dgst -verify` read).
 * The fingerprint is the hex SHA-256 of the SPKI DER, as Gitea names its Alpine keys.
 */
import { fromBase64, toBase64, toHex } from "../auth/crypto";
import type { GeneratedKey, KeyIdentity, KeyKind } from "./key-kind";

const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-1" } as const;

function pem(label: string, der: ArrayBuffer): string {
  const base64 = toBase64(new Uint8Array(der));
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export function pemBody(text: string, label: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text);
  if (!match?.[1]) throw new Error(`not a PEM ${label}`);
  return fromBase64(match[1].replace(/\s+/g, ""));
}

/** Hex SHA-256 of a PEM public key's SPKI DER. */
export async function rsaFingerprint(publicKeyPem: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", pemBody(publicKeyPem, "PUBLIC KEY")));
}

/** A key kind making RSA keys of `bits` (2048 or 4096). Never rename a kind with stored keys. */
export function rsaKeyKind(name: string, bits: 2048 | 3072 | 4096 = 2048): KeyKind {
  return {
    name,
    async generate(_identity: KeyIdentity): Promise<GeneratedKey> {
      const pair = (await crypto.subtle.generateKey(
        { ...ALGORITHM, modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]) },
        true,
        ["sign", "verify"],
      )) as CryptoKeyPair;
      const spki = (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer;
      const pkcs8 = (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer;
      return { privateKey: pem("PRIVATE KEY", pkcs8), publicKey: pem("PUBLIC KEY", spki), fingerprint: toHex(await crypto.subtle.digest("SHA-256", spki)) };
    },
  };
}

/** The `rsa` kind (2048-bit): Alpine's index key. */
export const rsaKind = rsaKeyKind("rsa");

/** RSASSA-PKCS1-v1_5 / SHA-1 signature of `data` with a PKCS#8 PEM private key. */
export async function rsaSha1Sign(privateKeyPem: string, data: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("pkcs8", pemBody(privateKeyPem, "PRIVATE KEY"), ALGORITHM, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign(ALGORITHM, key, data));
}

/** Checks an RSASSA-PKCS1-v1_5 / SHA-1 signature with an SPKI PEM public key. */
export async function rsaSha1Verify(publicKeyPem: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const key = await crypto.subtle.importKey("spki", pemBody(publicKeyPem, "PUBLIC KEY"), ALGORITHM, false, ["verify"]);
  return crypto.subtle.verify(ALGORITHM, key, signature, data);
}
