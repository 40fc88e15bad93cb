/**
 * Per-repository signing keys (docs/signing.md). STABLE API — the Debian, RPM and Alpine
 * formats build on it:
 *
 *   const keys = signingKeysFor(repository, context);          // context: a SourceContext
 *   const key = await keys.current(openpgpKind);               // created on first use
 *   const inRelease = await clearSign(key.privateKey, release); // ./openpgp.ts
 *   const published = await keys.publicKey(openpgpKind);       // { kind, fingerprint, publicKey, createdAt }
 *   await keys.rotate(openpgpKind);                            // new current key; the old one is retired
 *   await keys.history(openpgpKind);                           // current first, then retired keys, newest first
 *
 * - One current key per (repository, kind). `current`/`publicKey` create it on first use;
 *   creation and rotation run under a KeyedLock lease (`signing-key:{repositoryId}:{kind}`),
 *   so two concurrent first uses make one key (the second finds the first's key).
 * - Stored in R2 (no D1 table, no migration) as JSON under `signing-keys/{repositoryId}/{kind}/`:
 *   `current.json`, and `retired/{createdAt}-{fingerprint}.json` for rotated-out keys (kept so
 *   old signatures can still be checked). The repository id, not its name, so a repository
 *   deleted and created again never inherits the old key.
 * - The private key is encrypted with AES-256-GCM under a key derived by HKDF-SHA256 from the
 *   CREDENTIALS_KEY Worker secret (salt "edge-registry", info "signing-key-v1:{kind}"); the
 *   additional data binds the ciphertext to `{repositoryId}:{kind}:{fingerprint}`, so a stored
 *   object copied to another repository or kind does not decrypt.
 * - Kinds are pluggable (./key-kind.ts): a format names the kinds it signs with in
 *   `FormatModule.signingKeys`; the management API rotates them
 *   (`POST /api/v1/repositories/{name}/signing-key/rotate`) and lists them
 *   (`GET /api/v1/repositories/{name}/signing-key`).
 */
import { fromBase64, toBase64 } from "../auth/crypto";
import { RegistryError } from "../errors";
import { withLock } from "../locks/keyed-lock";
import type { SourceContext } from "../repositories/source-context";
import type { Repository } from "../repositories/model";
import type { KeyKind } from "./key-kind";

export type { GeneratedKey, KeyIdentity, KeyKind } from "./key-kind";

export const SIGNING_KEY_PREFIX = "signing-keys/";

/** A key's public half, safe to serve. */
export interface PublicSigningKey {
  kind: string;
  fingerprint: string;
  publicKey: string;
  /** ms since the epoch. */
  createdAt: number;
  /** Set on retired keys: when they were rotated out. */
  retiredAt?: number;
}

/** A current key with its decrypted private half: never serve or log it. */
export interface SigningKey extends PublicSigningKey {
  privateKey: string;
}

interface StoredKey extends PublicSigningKey {
  version: 1;
  /** `base64(iv).base64(AES-GCM ciphertext)` of the private key. */
  encryptedPrivateKey: string;
}

export interface SigningKeyDeps {
  bucket: R2Bucket;
  /** The CREDENTIALS_KEY Worker secret (32 bytes, base64). */
  secret: string | undefined;
  locks: DurableObjectNamespace<import("../locks/keyed-lock").KeyedLock>;
}

const LOCK_TTL_MS = 30_000;
const LOCK_WAIT_MS = 20_000;
const encoder = new TextEncoder();
const derivedKeys = new Map<string, Promise<CryptoKey>>();

function encryptionKey(secret: string | undefined, kind: string): Promise<CryptoKey> {
  if (!secret) throw new RegistryError("internal", "CREDENTIALS_KEY is not configured");
  const cacheKey = `${kind}\u0000${secret}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", fromBase64(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: encoder.encode("edge-registry"), info: encoder.encode(`signing-key-v1:${kind}`) },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    key.catch(() => derivedKeys.delete(cacheKey));
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

const publicPart = ({ kind, fingerprint, publicKey, createdAt, retiredAt }: PublicSigningKey): PublicSigningKey => ({
  kind,
  fingerprint,
  publicKey,
  createdAt,
  ...(retiredAt === undefined ? {} : { retiredAt }),
});

export class SigningKeyStore {
  constructor(
    private readonly repository: Pick<Repository, "id" | "name">,
    private readonly deps: SigningKeyDeps,
  ) {}

  /** The current key with its private half, created on first use. */
  async current(kind: KeyKind): Promise<SigningKey> {
    const stored = (await this.read(kind)) ?? (await this.locked(kind, async () => (await this.read(kind)) ?? (await this.create(kind))));
    return { ...publicPart(stored), privateKey: await this.decrypt(kind, stored) };
  }

  /** The current key's public half, created on first use. */
  async publicKey(kind: KeyKind): Promise<PublicSigningKey> {
    const stored = (await this.read(kind)) ?? (await this.locked(kind, async () => (await this.read(kind)) ?? (await this.create(kind))));
    return publicPart(stored);
  }

  /** The current key's public half if one exists (never creates one). */
  async existing(kind: KeyKind): Promise<PublicSigningKey | null> {
    const stored = await this.read(kind);
    return stored ? publicPart(stored) : null;
  }

  /** Makes a new current key; the previous one (if any) is kept under `retired/`. */
  async rotate(kind: KeyKind): Promise<PublicSigningKey> {
    return publicPart(
      await this.locked(kind, async () => {
        const previous = await this.read(kind);
        if (previous) {
          const retired: StoredKey = { ...previous, retiredAt: Date.now() };
          await this.deps.bucket.put(`${this.prefix(kind)}retired/${previous.createdAt}-${previous.fingerprint}.json`, JSON.stringify(retired));
        }
        return this.create(kind);
      }),
    );
  }

  /** The current key (if any) then the retired ones, newest first. */
  async history(kind: KeyKind): Promise<PublicSigningKey[]> {
    const current = await this.read(kind);
    const listing = await this.deps.bucket.list({ prefix: `${this.prefix(kind)}retired/` });
    const retired = await Promise.all(
      listing.objects.map(async (object) => {
        const body = await this.deps.bucket.get(object.key);
        return body ? publicPart(JSON.parse(await body.text()) as StoredKey) : null;
      }),
    );
    const old = retired.filter((key): key is PublicSigningKey => key !== null).sort((a, b) => b.createdAt - a.createdAt);
    return [...(current ? [publicPart(current)] : []), ...old];
  }

  /** Deletes every key of the repository (all kinds): for when the repository is deleted. */
  async deleteAll(): Promise<void> {
    const prefix = `${SIGNING_KEY_PREFIX}${this.repository.id}/`;
    let cursor: string | undefined;
    do {
      const listing = await this.deps.bucket.list({ prefix, ...(cursor ? { cursor } : {}) });
      if (listing.objects.length) await this.deps.bucket.delete(listing.objects.map((o) => o.key));
      cursor = listing.truncated ? listing.cursor : undefined;
    } while (cursor);
  }

  private prefix(kind: KeyKind): string {
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(kind.name)) throw new RegistryError("internal", `invalid key kind name ${kind.name}`);
    return `${SIGNING_KEY_PREFIX}${this.repository.id}/${kind.name}/`;
  }

  private async read(kind: KeyKind): Promise<StoredKey | null> {
    const body = await this.deps.bucket.get(`${this.prefix(kind)}current.json`);
    return body ? (JSON.parse(await body.text()) as StoredKey) : null;
  }

  private additionalData(kind: KeyKind, fingerprint: string): Uint8Array {
    return encoder.encode(`${this.repository.id}:${kind.name}:${fingerprint}`);
  }

  private async create(kind: KeyKind): Promise<StoredKey> {
    const createdAt = Date.now();
    const generated = await kind.generate({ repository: this.repository.name, createdAt });
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: this.additionalData(kind, generated.fingerprint) },
      await encryptionKey(this.deps.secret, kind.name),
      encoder.encode(generated.privateKey),
    );
    const stored: StoredKey = {
      version: 1,
      kind: kind.name,
      fingerprint: generated.fingerprint,
      publicKey: generated.publicKey,
      createdAt,
      encryptedPrivateKey: `${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`,
    };
    await this.deps.bucket.put(`${this.prefix(kind)}current.json`, JSON.stringify(stored), { httpMetadata: { contentType: "application/json" } });
    return stored;
  }

  private async decrypt(kind: KeyKind, stored: StoredKey): Promise<string> {
    const [iv, data] = stored.encryptedPrivateKey.split(".");
    if (!iv || !data) throw new RegistryError("internal", "stored signing key is malformed");
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64(iv), additionalData: this.additionalData(kind, stored.fingerprint) },
        await encryptionKey(this.deps.secret, kind.name),
        fromBase64(data),
      );
      return new TextDecoder().decode(plain);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new RegistryError("internal", "stored signing key does not decrypt (was CREDENTIALS_KEY changed?)", { cause: error });
    }
  }

  /** Runs `work` under the per-(repository, kind) lease, waiting for another holder to finish. */
  private async locked<T>(kind: KeyKind, work: () => Promise<T>): Promise<T> {
    const key = `signing-key:${this.repository.id}:${kind.name}`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    let delay = 10;
    for (;;) {
      const result = await withLock(this.deps.locks, key, LOCK_TTL_MS, async () => ({ value: await work() }));
      if (result) return result.value;
      if (Date.now() + delay > deadline) throw new RegistryError("conflict", "the signing key is being created or rotated by another request; retry");
      await scheduler.wait(delay + Math.floor(Math.random() * delay));
      delay = Math.min(delay * 2, 250);
    }
  }
}

/** The signing keys of `repository`, through the storage of a request's or a background job's source context. */
export function signingKeysFor(repository: Pick<Repository, "id" | "name">, context: Pick<SourceContext, "bucket" | "env">): SigningKeyStore {
  const locks = context.env?.LOCKS;
  if (!locks) throw new RegistryError("internal", "signing keys need the LOCKS binding");
  return new SigningKeyStore(repository, { bucket: context.bucket, secret: context.env?.CREDENTIALS_KEY, locks });
}
