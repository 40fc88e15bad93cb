/**
 * Precomputed documents (DESIGN §5 "repeated requests … not re-merged every time"): a
 * document derived from other documents — a merged, filtered or rewritten packument — is
 * built once per fingerprint of its sources and stored as a blob, recorded as a cache entry
 * of the repository that serves it (`key` = the document's name, `etag` = the fingerprint).
 * Builds go through one DocumentBuilder Durable Object per document, so concurrent requests
 * for a stale document cause one build; everyone then streams the same stored bytes.
 */
import { DurableObject } from "cloudflare:workers";
import { toHex } from "../auth/crypto";
import { findCacheEntry, saveCacheEntry } from "../db/cache-entries";
import { openDatabase, type Database } from "../db/client";
import type { BlobRow } from "../db/packages";
import type { Bindings } from "../env";
import { RegistryError } from "../errors";
import { BlobStore } from "../storage/blob-store";

/** A small document built alongside the main one from the same sources (e.g. npm's version → member map). */
export interface Companion {
  key: string;
  fingerprint: string;
  text: string;
  contentType: string;
}

/** A format-specific way to build a document (and its companions); registered by the format. */
export type Recipe = (input: { db: Database; bucket: R2Bucket; params: unknown }) => Promise<{ text: string; companions?: Companion[] } | null>;

const recipes = new Map<string, Recipe>();

export function registerRecipe(type: string, recipe: Recipe): void {
  recipes.set(type, recipe);
}

export interface BuildRequest {
  repositoryId: number;
  key: string;
  fingerprint: string;
  contentType: string;
  recipe: string;
  params: unknown;
}

export type BuildResult = { status: "ok"; blobId: number } | { status: "missing" };

export class DocumentBuilder extends DurableObject<Bindings> {
  private inflight = new Map<string, Promise<BuildResult>>();

  async build(request: BuildRequest): Promise<BuildResult> {
    const running = this.inflight.get(request.fingerprint);
    if (running) return running;
    const promise = this.run(request).finally(() => this.inflight.delete(request.fingerprint));
    this.inflight.set(request.fingerprint, promise);
    return promise;
  }

  private async run(request: BuildRequest): Promise<BuildResult> {
    const db = openDatabase(this.env.DB);
    const existing = await findCacheEntry(db, request.repositoryId, request.key);
    if (existing?.entry.etag === request.fingerprint && existing.blob) return { status: "ok", blobId: existing.blob.id };
    const recipe = recipes.get(request.recipe);
    if (!recipe) throw new RegistryError("internal", `no recipe ${request.recipe}`);
    const built = await recipe({ db, bucket: this.env.BLOBS, params: request.params });
    if (built === null) return { status: "missing" };
    for (const companion of built.companions ?? []) {
      await storeDocument(db, this.env.BLOBS, request.repositoryId, companion.key, companion.fingerprint, companion.contentType, companion.text);
    }
    const blobId = await storeDocument(db, this.env.BLOBS, request.repositoryId, request.key, request.fingerprint, request.contentType, built.text);
    return { status: "ok", blobId };
  }
}

async function storeDocument(db: Database, bucket: R2Bucket, repositoryId: number, key: string, fingerprint: string, contentType: string, text: string): Promise<number> {
  const bytes = new TextEncoder().encode(text);
  const blob = await new BlobStore(db, bucket).store(new Blob([bytes]).stream(), { declaredSize: bytes.byteLength });
  await saveCacheEntry(db, repositoryId, key, { kind: "metadata", blobId: blob.id, contentType, etag: fingerprint, lastModified: null }, Date.now());
  return blob.id;
}

/** A stored derived document if it is current for `fingerprint`. */
export async function currentDocument(db: Database, repositoryId: number, key: string, fingerprint: string): Promise<BlobRow | null> {
  const existing = await findCacheEntry(db, repositoryId, key);
  return existing?.entry.etag === fingerprint && existing.blob ? existing.blob : null;
}

/** The stored document for this fingerprint, building it first if needed; null when the recipe found nothing. */
export async function derivedDocument(
  db: Database,
  builders: DurableObjectNamespace<DocumentBuilder>,
  request: BuildRequest,
): Promise<BlobRow | null> {
  const current = await currentDocument(db, request.repositoryId, request.key, request.fingerprint);
  if (current) return current;
  const stub = builders.get(builders.idFromName(`${request.repositoryId}:${request.key}`));
  const result = await stub.build(request);
  if (result.status === "missing") return null;
  const built = await findCacheEntry(db, request.repositoryId, request.key);
  return built?.blob ?? null;
}

/** A short, stable fingerprint of the sources a document is derived from. */
export async function fingerprintOf(parts: readonly (string | number)[]): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\u0000")));
  return toHex(new Uint8Array(digest).slice(0, 16));
}
