/**
 * A kind of signing key (docs/signing.md): how a key pair of that kind is made. The key store
 * (./key-store.ts) keeps one current key per (repository, kind); signing with it is the kind
 * module's business (./openpgp.ts: clear-sign, detached sign; Alpine's RSA: ./rsa.ts).
 */

/** Who the key is for; a kind puts it into the key (an OpenPGP user id, an Alpine key name). */
export interface KeyIdentity {
  /** The repository's name. */
  repository: string;
  /** When the key is made (ms since the epoch). */
  createdAt: number;
}

/** A freshly generated key pair, as text (armored OpenPGP, PEM). */
export interface GeneratedKey {
  privateKey: string;
  publicKey: string;
  /** Identifies the key to clients: an OpenPGP fingerprint (hex), an RSA key's SPKI sha256 (hex). */
  fingerprint: string;
}

export interface KeyKind {
  /**
   * Stable name of the kind ("openpgp", "rsa"): part of the R2 key the key is stored under,
   * of the HKDF info its encryption key is derived with and of the rotate API's `kind`.
   * Never rename a kind that has stored keys.
   */
  readonly name: string;
  generate(identity: KeyIdentity): Promise<GeneratedKey>;
}
