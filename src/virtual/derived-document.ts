/**
 * Precomputed documents (DESIGN §5 "repeated requests … not re-merged every time"): a
 * document merged from members' copies — a packument, a PyPI simple page — is built once per
 * fingerprint of its sources and stored as a blob, recorded as a cache entry of the
 * repository that serves it (`key` = the document's name, `etag` = the fingerprint), with
 * its provenance map beside it (`{key}#provenance`). Builds go through one DocumentBuilder
 * Durable Object per document, so concurrent requests for a stale document cause one build;
 * everyone then streams the same stored bytes.
 */
import { DurableObject } from "cloudflare:workers";
import { anonymous } from "../auth/principal";
import { toHex } from "../auth/crypto";
import { findCacheEntry, saveCacheEntry, type CacheEntryWithBlob } from "../db/cache-entries";
import { openDatabase, type Database } from "../db/client";
import type { BlobRow } from "../db/packages";
import { findRemoteConfig, findRepository } from "../db/repositories";
import type { Bindings } from "../env";
import { RegistryError } from "../errors";
import type { DocumentRecipe, ProxyTarget, SourceDocument } from "../formats/types";
import { HostedSource } from "../repositories/hosted-source";
import type { SourceContext } from "../repositories/source-context";
import { BlobStore } from "../storage/blob-store";
import { upstreamUrl } from "./upstream";

const recipes = new Map<string, DocumentRecipe>();

/** Formats register their document recipes under a name their targets use. */
export function registerRecipe(name: string, recipe: DocumentRecipe): void {
  recipes.set(name, recipe);
}

export function findRecipe(name: string): DocumentRecipe {
  const recipe = recipes.get(name);
  if (!recipe) throw new RegistryError("internal", `no document recipe ${name}`);
  return recipe;
}

/** One member's copy, as the build reads it: a hosted member renders it, a remote's is a cached blob. */
export type SourceRef = { member: string; minReleaseAgeHours: number } & (
  | { kind: "hosted" }
  | { kind: "blob"; r2Key: string; contentType: string | null; repositoryId: number; companionR2Key?: string }
);

export interface BuildRequest {
  repositoryId: number;
  key: string;
  fingerprint: string;
  contentType: string;
  recipe: string;
  /** The target being served (its document names recipe params and source). */
  target: ProxyTarget;
  sources: SourceRef[];
  now: number;
}

export type BuildResult = { status: "ok"; blobId: number } | { status: "missing" };

export const provenanceKey = (key: string): string => `${key}#provenance`;

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
    const recipe = findRecipe(request.recipe);
    const context = backgroundContext(db, this.env.BLOBS, this.env);
    const documents = await readSources(request, recipe, context);
    const merged = await recipe.merge(documents, request.target.document?.params ?? {}, request.now);
    if (merged === null) return { status: "missing" };
    if (merged.provenance) {
      await storeDocument(db, this.env.BLOBS, request.repositoryId, provenanceKey(request.key), request.fingerprint, "application/json", JSON.stringify(merged.provenance));
    }
    const blobId = await storeDocument(db, this.env.BLOBS, request.repositoryId, request.key, request.fingerprint, request.contentType, merged.text);
    return { status: "ok", blobId };
  }
}

/**
 * A principal-free context for work done inside Durable Objects on behalf of a request. It
 * carries the IndexBuilder binding so a hosted member's whole-repository index (Helm
 * `index.yaml`) can be built on demand when it is older than its repository.
 */
function backgroundContext(db: Database, bucket: R2Bucket, env: Pick<Bindings, "LOCKS" | "INDEXES" | "CREDENTIALS_KEY">): SourceContext {
  return { db, blobs: new BlobStore(db, bucket), bucket, principal: anonymous, requestId: "background", requestStartedAt: Date.now(), waitUntil: () => {}, env: { LOCKS: env.LOCKS, INDEXES: env.INDEXES, CREDENTIALS_KEY: env.CREDENTIALS_KEY } };
}

/** Each source's text, in priority order; a source that has vanished since planning is left out. */
async function readSources(request: BuildRequest, recipe: DocumentRecipe, context: SourceContext): Promise<SourceDocument[]> {
  const params = request.target.document?.params ?? {};
  const source = request.target.document?.source ?? request.target;
  const texts = await Promise.all(
    request.sources.map(async (ref): Promise<SourceDocument | null> => {
      if (ref.kind === "blob") {
        const [object, config, companion] = await Promise.all([
          context.bucket.get(ref.r2Key),
          findRemoteConfig(context.db, ref.repositoryId),
          ref.companionR2Key ? context.bucket.get(ref.companionR2Key) : null,
        ]);
        if (!object) return null;
        const upstream = source.upstream ?? source.path;
        const baseUrl = /^https?:\/\//.test(upstream) || !config ? upstream : upstreamUrl(config.url, upstream);
        const companionText = companion ? await companion.text() : null;
        return { member: ref.member, text: await object.text(), contentType: ref.contentType, baseUrl, minReleaseAgeHours: ref.minReleaseAgeHours, ...(request.target.document?.companion ? { companion: companionText } : {}) };
      }
      const repository = await findRepository(context.db, ref.member);
      if (repository?.kind !== "hosted") return null;
      const text = await recipe.hostedText(new HostedSource(repository, context), request.target, params);
      return text === null ? null : { member: ref.member, text, contentType: null, baseUrl: "", minReleaseAgeHours: 0 };
    }),
  );
  return texts.filter((t): t is SourceDocument => t !== null);
}

async function storeDocument(db: Database, bucket: R2Bucket, repositoryId: number, key: string, fingerprint: string, contentType: string, text: string | Uint8Array): Promise<number> {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const blob = await new BlobStore(db, bucket).store(new Blob([bytes]).stream(), { declaredSize: bytes.byteLength });
  await saveCacheEntry(db, repositoryId, key, { kind: "metadata", blobId: blob.id, contentType, etag: fingerprint, lastModified: null }, Date.now());
  return blob.id;
}

/**
 * The stored document for this fingerprint, building it first if needed; null when no member
 * has it. `stored` is the document's entry when the caller looked it up already (in parallel
 * with identifying the sources).
 */
export async function derivedDocument(
  db: Database,
  builders: DurableObjectNamespace<DocumentBuilder>,
  request: BuildRequest,
  stored?: CacheEntryWithBlob | null,
): Promise<BlobRow | null> {
  const existing = stored === undefined ? await findCacheEntry(db, request.repositoryId, request.key) : stored;
  if (existing?.entry.etag === request.fingerprint && existing.blob) return existing.blob;
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
