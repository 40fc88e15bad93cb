/**
 * Coalesced, streaming cache fills (DESIGN §5): one Durable Object per (remote repository,
 * cache key). All concurrent misses for that key call `fill()` on the same object, which
 * runs one upstream request and one R2 write.
 *
 * - The caller whose call starts the fill may ask to stream (`stream: true`): when nothing
 *   is cached yet (a stale copy must stay the answer if the refill fails), it gets the
 *   upstream body as it arrives (outcome "streaming", a ReadableStream over RPC) while the
 *   same bytes are written to R2 (fill-tee.ts). Everyone else waits for the stored blob and
 *   reads it from R2, so followers cost no memory here and all receive identical bytes.
 * - The object owns the fill, not the caller: a first client that disconnects only stops
 *   receiving, and the R2 write goes on. The fill's promise is registered with
 *   `ctx.waitUntil`, and with compatibility date ≥ 2026-10-01 pending I/O keeps a Durable
 *   Object alive after its caller is gone.
 * - A failed fill, including an upstream body cut off midway, stores nothing, errors the
 *   streaming client's body, and fails all waiting callers at once; a request that arrived
 *   before the failure gets it too, the next one starts a new fill (no retry storm: the
 *   circuit breaker counts the failure).
 */
import { DurableObject } from "cloudflare:workers";
import { findCacheEntry, markChecked, saveCacheEntry, saveMissingEntry } from "../db/cache-entries";
import { openDatabase } from "../db/client";
import { findRemoteConfig } from "../db/repositories";
import type { Bindings } from "../env";
import { BlobStore } from "../storage/blob-store";
import { isOffline, recordUpstreamFailure, recordUpstreamSuccess } from "./circuit";
import { teeForFill } from "./fill-tee";
import { isFresh } from "./freshness";
import type { RemoteConfigRow } from "../db/repositories";
import { fetchUpstream, keptHeaders, type UpstreamOutcome, type UpstreamRequestOptions } from "./upstream";

export interface FillRequest {
  repositoryId: number;
  /** Cache key; also the upstream path unless `upstreamUrl` or `upstreamPath` is given (variants of one URL). */
  key: string;
  upstreamPath?: string;
  /** Absolute URL to fetch, on any host (default: the remote's URL + `upstreamPath ?? key`). */
  upstreamUrl?: string;
  kind: "metadata" | "artifact";
  accept?: string;
  /** Upstream response headers to store with the entry and replay on hits. */
  keepHeaders?: readonly string[];
  /** Hosts besides the remote URL's own that may receive its stored credentials. */
  credentialHosts?: readonly string[];
  /** The token scope a Bearer-challenging upstream asks for here: its cached token goes up front. */
  tokenScope?: string;
  /** Hex digests the upstream bytes must have (content-addressed artifacts); a mismatch stores nothing. */
  expectedSha256?: string;
  expectedSha512?: string;
  /**
   * A stale entry is first revalidated with a HEAD: the same value of this kept header
   * upstream (OCI: a tag's `Docker-Content-Digest`) makes it fresh again without a GET.
   */
  revalidateByHead?: string;
  /** When this call starts the fill, hand it the body as it arrives (outcome "streaming"). */
  stream?: boolean;
  /** When the client's request arrived; a fill that failed after this moment answers it too. */
  requestedAt: number;
}

export interface StreamingFill {
  outcome: "streaming";
  body: ReadableStream<Uint8Array>;
  /** The body's length when the upstream declared it (and did not encode the body). */
  size: number | null;
  contentType: string | null;
  headers: Record<string, string>;
}

export type FillResult =
  | { outcome: "fetched" | "revalidated" | "fresh" }
  | { outcome: "missing" }
  | { outcome: "unavailable"; reason: string };

/**
 * A body that ends within this many bytes is stored before anyone is served (small files
 * gain nothing from streaming, and the caller then gets an ordinary stored hit); past it the
 * first client receives the body while it is being written.
 */
export const STREAM_AFTER_BYTES = 1024 * 1024;

export function fillObjectName(repositoryId: number, key: string): string {
  return `${repositoryId}:${key}`;
}

export class CacheFill extends DurableObject<Bindings> {
  private inflight: Promise<FillResult> | null = null;
  private lastFailure: { completedAt: number; result: FillResult } | null = null;

  /**
   * Joins the fill in progress (and waits for its stored result), or starts one. A request
   * that was already under way when the previous fill failed gets that failure too, rather
   * than retrying the upstream.
   */
  async fill(request: FillRequest): Promise<FillResult | StreamingFill> {
    if (!this.inflight && this.lastFailure && request.requestedAt < this.lastFailure.completedAt) return this.lastFailure.result;
    if (this.inflight) return this.inflight;
    let streamStarted: ((start: StreamingFill) => void) | null = null;
    const streaming = request.stream ? new Promise<StreamingFill>((resolve) => (streamStarted = resolve)) : null;
    const run = this.runFill(request, streamStarted)
      .then((result) => {
        this.lastFailure = result.outcome === "unavailable" ? { completedAt: Date.now(), result } : null;
        return result;
      })
      .finally(() => {
        this.inflight = null;
      });
    this.inflight = run;
    // The fill belongs to this object, not to the caller that started it.
    this.ctx.waitUntil(run.catch(() => {}));
    return streaming ? Promise.race([streaming, run]) : run;
  }

  private async runFill(request: FillRequest, onStream: ((start: StreamingFill) => void) | null): Promise<FillResult> {
    const db = openDatabase(this.env.DB);
    const now = Date.now();
    const config = await findRemoteConfig(db, request.repositoryId);
    if (!config) return { outcome: "unavailable", reason: "remote repository has no upstream configured" };
    const cached = await findCacheEntry(db, request.repositoryId, request.key);
    // A fill that finished just before this one started already did the work.
    if (cached && isFresh(cached.entry, config, now)) return { outcome: cached.entry.status === "ok" ? "fresh" : "missing" };
    if (isOffline(config, now)) return { outcome: "unavailable", reason: "upstream is assumed offline after repeated failures" };

    const stored = cached?.entry.status === "ok" ? cached.entry : null;
    const common = {
      credentialsKey: this.env.CREDENTIALS_KEY,
      ...(request.upstreamUrl ? { url: request.upstreamUrl } : {}),
      ...(request.accept ? { accept: request.accept } : {}),
      ...(request.credentialHosts ? { credentialHosts: request.credentialHosts } : {}),
      ...(request.tokenScope ? { tokenScope: request.tokenScope } : {}),
    };
    const path = request.upstreamPath ?? request.key;
    const probed = stored && request.revalidateByHead ? await probeByHead(config, path, common, request.revalidateByHead, stored.headers) : null;
    const result =
      probed ??
      (await fetchUpstream(config, path, {
        ...common,
        ...(stored ? { validators: { etag: stored.etag, lastModified: stored.lastModified } } : {}),
      }));
    switch (result.kind) {
      case "unavailable":
        await recordUpstreamFailure(db, config.repositoryId, now);
        return { outcome: "unavailable", reason: result.reason };
      case "missing":
        await recordUpstreamSuccess(db, config);
        if (config.negativeTtlSeconds > 0) await saveMissingEntry(db, config.repositoryId, request.key, request.kind, now);
        return { outcome: "missing" };
      case "not-modified":
        await recordUpstreamSuccess(db, config);
        if (!stored) return { outcome: "unavailable", reason: "upstream answered 304 to an unconditional request" };
        await markChecked(db, stored.id, now);
        return { outcome: "revalidated" };
      case "ok": {
        const { response } = result;
        const length = response.headers.get("Content-Length");
        const size = length && !response.headers.has("Content-Encoding") ? Number(length) : null;
        const contentType = response.headers.get("Content-Type");
        const headers = keptHeaders(response.headers, request.keepHeaders);
        const threshold = Number(this.env.MULTIPART_THRESHOLD_BYTES ?? "") || undefined;
        let blob;
        const body = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
        const tee = teeForFill(body, {
          streamAfterBytes: STREAM_AFTER_BYTES,
          idleTimeoutMs: config.timeoutMs,
          // With a stale copy to fall back on, a failure must still be answerable with it: no streaming.
          ...(onStream && !stored ? { onClient: (client: ReadableStream<Uint8Array>) => onStream({ outcome: "streaming", body: client, size, contentType, headers }) } : {}),
        });
        try {
          const expected = {
            ...(request.expectedSha256 ? { expectedSha256: request.expectedSha256 } : {}),
            ...(request.expectedSha512 ? { expectedSha512: request.expectedSha512 } : {}),
          };
          blob = await new BlobStore(db, this.env.BLOBS, threshold).store(tee.store, size === null ? expected : { ...expected, declaredSize: size });
        } catch (error) {
          tee.fail(error);
          await recordUpstreamFailure(db, config.repositoryId, now);
          return { outcome: "unavailable", reason: `upstream body failed: ${error instanceof Error ? error.message : String(error)}` };
        }
        const entry = {
          kind: request.kind,
          blobId: blob.id,
          contentType,
          etag: response.headers.get("ETag"),
          lastModified: response.headers.get("Last-Modified"),
          headers: Object.keys(headers).length > 0 ? JSON.stringify(headers) : null,
        };
        await saveCacheEntry(db, config.repositoryId, request.key, entry, now).catch((error: unknown) => {
          tee.fail(error);
          throw error;
        });
        tee.closeClient();
        await recordUpstreamSuccess(db, config);
        // Without validators from the upstream, identical bytes (same sha256) count as revalidated.
        return { outcome: stored?.blobId === blob.id ? "revalidated" : "fetched" };
      }
    }
  }
}

/**
 * The HEAD revalidation of `FillRequest.revalidateByHead`: "not-modified" when the upstream's
 * header equals the kept one, its "missing"/"unavailable" as they are, null (do the GET) otherwise.
 */
async function probeByHead(config: RemoteConfigRow, path: string, options: UpstreamRequestOptions, header: string, keptJson: string | null): Promise<UpstreamOutcome | null> {
  const kept = keptJson ? (JSON.parse(keptJson) as Record<string, string>)[header.toLowerCase()] : undefined;
  if (!kept) return null;
  const head = await fetchUpstream(config, path, { ...options, method: "HEAD" });
  if (head.kind !== "ok") return head.kind === "not-modified" ? null : head;
  await head.response.body?.cancel();
  return head.response.headers.get(header) === kept ? { kind: "not-modified" } : null;
}
