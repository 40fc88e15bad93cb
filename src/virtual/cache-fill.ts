/**
 * Coalesced cache fills (DESIGN §5): one Durable Object per (remote repository, path). All
 * concurrent misses for that path call `fill()` on the same object, which runs one upstream
 * request and one R2 write and hands every caller the same outcome; callers then read the
 * same stored blob, so they receive identical bytes. A failed fill fails all waiting callers
 * at once, and the next request after it starts a new one (no retry storm: the circuit
 * breaker counts the failure).
 */
import { DurableObject } from "cloudflare:workers";
import { findCacheEntry, markChecked, saveCacheEntry, saveMissingEntry } from "../db/cache-entries";
import { openDatabase } from "../db/client";
import { findRemoteConfig } from "../db/repositories";
import type { Bindings } from "../env";
import { BlobStore } from "../storage/blob-store";
import { isOffline, recordUpstreamFailure, recordUpstreamSuccess } from "./circuit";
import { isFresh } from "./freshness";
import { fetchUpstream } from "./upstream";

export interface FillRequest {
  repositoryId: number;
  /** Cache key; also the upstream path unless `upstreamPath` is given (variants of one path). */
  key: string;
  upstreamPath?: string;
  kind: "metadata" | "artifact";
  accept?: string;
  /** When the client's request arrived; a fill that failed after this moment answers it too. */
  requestedAt: number;
}

export type FillResult =
  | { outcome: "fetched" | "revalidated" | "fresh" }
  | { outcome: "missing" }
  | { outcome: "unavailable"; reason: string };

export function fillObjectName(repositoryId: number, key: string): string {
  return `${repositoryId}:${key}`;
}

export class CacheFill extends DurableObject<Bindings> {
  private inflight: Promise<FillResult> | null = null;
  private lastFailure: { completedAt: number; result: FillResult } | null = null;

  /**
   * Joins the fill in progress, or starts one. A request that was already under way when
   * the previous fill failed gets that failure too, rather than retrying the upstream.
   */
  async fill(request: FillRequest): Promise<FillResult> {
    if (!this.inflight && this.lastFailure && request.requestedAt < this.lastFailure.completedAt) return this.lastFailure.result;
    if (!this.inflight) {
      this.inflight = this.runFill(request)
        .then((result) => {
          this.lastFailure = result.outcome === "unavailable" ? { completedAt: Date.now(), result } : null;
          return result;
        })
        .finally(() => {
          this.inflight = null;
        });
    }
    return this.inflight;
  }

  private async runFill(request: FillRequest): Promise<FillResult> {
    const db = openDatabase(this.env.DB);
    const now = Date.now();
    const config = await findRemoteConfig(db, request.repositoryId);
    if (!config) return { outcome: "unavailable", reason: "remote repository has no upstream configured" };
    const cached = await findCacheEntry(db, request.repositoryId, request.key);
    // A fill that finished just before this one started already did the work.
    if (cached && isFresh(cached.entry, config, now)) return { outcome: cached.entry.status === "ok" ? "fresh" : "missing" };
    if (isOffline(config, now)) return { outcome: "unavailable", reason: "upstream is assumed offline after repeated failures" };

    const stored = cached?.entry.status === "ok" ? cached.entry : null;
    const result = await fetchUpstream(config, request.upstreamPath ?? request.key, {
      credentialsKey: this.env.CREDENTIALS_KEY,
      ...(request.accept ? { accept: request.accept } : {}),
      ...(stored ? { validators: { etag: stored.etag, lastModified: stored.lastModified } } : {}),
    });
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
        const encoded = response.headers.has("Content-Encoding");
        const threshold = Number(this.env.MULTIPART_THRESHOLD_BYTES ?? "") || undefined;
        let blob;
        try {
          blob = await new BlobStore(db, this.env.BLOBS, threshold).store(response.body, {
            ...(length && !encoded ? { declaredSize: Number(length) } : {}),
          });
        } catch (error) {
          await recordUpstreamFailure(db, config.repositoryId, now);
          return { outcome: "unavailable", reason: `upstream body failed: ${error instanceof Error ? error.message : String(error)}` };
        }
        await saveCacheEntry(db, config.repositoryId, request.key, {
          kind: request.kind,
          blobId: blob.id,
          contentType: response.headers.get("Content-Type"),
          etag: response.headers.get("ETag"),
          lastModified: response.headers.get("Last-Modified"),
        }, now);
        await recordUpstreamSuccess(db, config);
        // Without validators from the upstream, identical bytes (same sha256) count as revalidated.
        return { outcome: stored?.blobId === blob.id ? "revalidated" : "fetched" };
      }
    }
  }
}
