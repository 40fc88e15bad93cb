/**
 * The repository's Alpine signing key (src/signing, kind `rsa`) and how apk names it: the
 * key file `{repository}-{first 16 hex of the SPKI sha256}.rsa.pub`, which users save in
 * `/etc/apk/keys/` and signatures name (`.SIGN.RSA.{keyname}`). Indexes are signed with the
 * repository's current key; rotating it (the signing-key API) renames the file.
 */
import type { PublicSigningKey, SigningKeyStore } from "../../signing/key-store";
import { rsaKind, rsaSha1Sign } from "../../signing/rsa";
import { concatBytes, signatureSegment, unsignedIndexArchive } from "./apkindex";

export const keyName = (repository: string, fingerprint: string): string => `${repository}-${fingerprint.slice(0, 16)}.rsa.pub`;

export const KEY_CONTENT_TYPE = "application/x-pem-file";

/** A signer bound to the repository's current key (fetched and decrypted once per build). */
export interface IndexSigner {
  keyName: string;
  fingerprint: string;
  sign(apkindex: string, description: string): Promise<Uint8Array>;
}

export async function indexSigner(keys: SigningKeyStore, repository: string): Promise<IndexSigner> {
  const key = await keys.current(rsaKind);
  const name = keyName(repository, key.fingerprint);
  return {
    keyName: name,
    fingerprint: key.fingerprint,
    async sign(apkindex, description) {
      const mtime = Math.floor(Date.now() / 1000);
      const unsigned = unsignedIndexArchive(apkindex, description, mtime);
      const signature = await rsaSha1Sign(key.privateKey, unsigned);
      return concatBytes(signatureSegment(name, signature, mtime), unsigned);
    },
  };
}

/** The current key, or a retired one, by its apk key file name. */
export async function findPublicKey(keys: SigningKeyStore, repository: string, name: string): Promise<PublicSigningKey | null> {
  const current = await keys.publicKey(rsaKind);
  if (keyName(repository, current.fingerprint) === name) return current;
  for (const key of await keys.history(rsaKind)) if (keyName(repository, key.fingerprint) === name) return key;
  return null;
}
