/**
 * The remote PackageSource: a cache in front of one upstream (DESIGN §5). A fresh entry is
 * served with no upstream call (HIT); otherwise the coalescing Durable Object fills or
 * revalidates it (MISS / REVALIDATED). When the upstream is down, timing out, answering 5xx
 * or assumed offline, a stale entry is served (STALE) and with none a 502 follows.
 * 404/410 are cached briefly as negative entries and answered as "not found" (null).
 *
 * The cache key is whatever the caller passes; a caller whose answer differs by `Accept`
 * puts the variant into the key, so each variant is its own entry and its own fill.
 *
 * Every read, whatever its outcome, is recorded in `SourceContext.servedRemote` with the time
 * until which it is served unchanged (./freshness.ts `unchangedUntil`; 0 for stale,
 * revalidated, streamed, missing, failed or merely probed reads): the warm read cache
 * (./read-cache.ts) keeps an answer only until the earliest of them.
 */
import { findCacheEntry, type CacheEntryWithBlob } from "../db/cache-entries";
import type { BlobRow } from "../db/packages";
import { findRemoteConfig } from "../db/repositories";
import type { Bindings } from "../env";
import { RegistryError } from "../errors";
import type { PathClass } from "../formats/types";
import type { ServedRemote, SourceContext } from "../repositories/source-context";
import type { Repository } from "../repositories/model";
import { fillObjectName, type FillRequest } from "./cache-fill";
import { isFresh, unchangedUntil } from "./freshness";
import { countCacheHit } from "./hit-counter";

export type CacheStatus = "HIT" | "MISS" | "STALE" | "REVALIDATED";

export interface RemoteHit {
  blob: BlobRow;
  contentType: string | null;
  cache: CacheStatus;
  /** The upstream response headers kept with the entry (`keepHeaders`), lower-case names. */
  headers: Record<string, string>;
}

/** The upstream body as it arrives, handed to the request that started the fill (see `open`). */
export interface RemoteStream {
  blob: null;
  body: ReadableStream<Uint8Array>;
  /** Length the upstream declared, when it did. */
  size: number | null;
  contentType: string | null;
  cache: "MISS";
  headers: Record<string, string>;
}

export interface RemoteGetOptions {
  /** Sent upstream as `Accept`. Does not change the cache key: put the variant into `key`. */
  accept?: string;
  /** Upstream path relative to the remote's URL, when it differs from the key. */
  upstreamPath?: string;
  /** Absolute upstream URL on any host (e.g. a file link on files.pythonhosted.org); wins over `upstreamPath`. */
  upstreamUrl?: string;
  /** Upstream response headers to keep with the entry and return on every hit (e.g. `Docker-Content-Digest`). */
  keepHeaders?: readonly string[];
  /** Hosts besides the remote URL's own that may receive the remote's stored credentials. */
  credentialHosts?: readonly string[];
  /** The upstream path (and token scope) given the remote's URL; wins over `upstreamPath`. */
  upstreamFor?: (remoteUrl: string) => { path: string; tokenScope?: string };
  /** Digest the upstream bytes must have; a mismatch stores nothing. */
  expectedDigest?: { sha256?: string; sha512?: string };
  /** Revalidate a stale entry with a HEAD comparing this kept header first (see FillRequest). */
  revalidateByHead?: string;
}

export class RemoteSource {
  constructor(
    readonly repository: Repository,
    private readonly ctx: SourceContext,
    private readonly env: Pick<Bindings, "FILLS">,
  ) {}

  /**
   * The cached copy, fresh or not, without contacting the upstream. Whether a copy exists can
   * change at any moment (a fill): a metadata answer that asked is not kept in the isolate.
   */
  async cachedCopy(key: string, kind: PathClass): Promise<CacheEntryWithBlob | null> {
    if (kind !== "artifact") this.served(kind, 0, null);
    const cached = await findCacheEntry(this.ctx.db, this.repository.id, key);
    return cached?.entry.status === "ok" && cached.blob ? cached : null;
  }

  /** A stored copy's text (a document another target's location is read from). */
  async readText(blob: BlobRow): Promise<string | null> {
    const object = await this.ctx.bucket.get(blob.r2Key);
    return object ? object.text() : null;
  }

  /** The key's stored bytes from cache or upstream (after any fill is stored); null when the upstream does not have it. */
  async get(key: string, kind: PathClass, options: RemoteGetOptions = {}): Promise<RemoteHit | null> {
    return (await this.read(key, kind, options, false)) as RemoteHit | null;
  }

  /**
   * Like `get`, for a caller that serves the bytes straight to a client: when this request
   * starts the fill it gets the upstream body while it is being stored (a RemoteStream), so
   * the client's first bytes do not wait for the whole download.
   */
  open(key: string, kind: PathClass, options: RemoteGetOptions = {}): Promise<RemoteHit | RemoteStream | null> {
    return this.read(key, kind, options, true);
  }

  private async read(key: string, kind: PathClass, options: RemoteGetOptions, stream: boolean): Promise<RemoteHit | RemoteStream | null> {
    try {
      return await this.readRecorded(key, kind, options, stream);
    } catch (error) {
      // A read that failed (upstream down, no upstream) leaves its member out of the answer.
      this.served(kind, 0, null);
      throw error;
    }
  }

  /** `read`, recording what it served into `SourceContext.servedRemote` (every outcome, for the warm read cache). */
  private async readRecorded(key: string, kind: PathClass, options: RemoteGetOptions, stream: boolean): Promise<RemoteHit | RemoteStream | null> {
    const [cached, config] = await Promise.all([
      findCacheEntry(this.ctx.db, this.repository.id, key),
      findRemoteConfig(this.ctx.db, this.repository.id),
    ]);
    if (!config) throw new RegistryError("upstream_unavailable", `remote repository ${this.repository.name} has no upstream`);
    if (cached && isFresh(cached.entry, config, Date.now())) return this.hit(cached, "HIT", kind, unchangedUntil(cached.entry, config, kind));

    const located = options.upstreamFor?.(config.url);
    const upstreamPath = located?.path ?? options.upstreamPath;
    const fills = this.env.FILLS;
    const stub = fills.get(fills.idFromName(fillObjectName(this.repository.id, key)));
    const request: FillRequest = {
      repositoryId: this.repository.id,
      key,
      kind,
      requestedAt: this.ctx.requestStartedAt,
      stream,
      ...(options.accept ? { accept: options.accept } : {}),
      ...(upstreamPath ? { upstreamPath } : {}),
      ...(options.upstreamUrl && !located ? { upstreamUrl: options.upstreamUrl } : {}),
      ...(options.keepHeaders ? { keepHeaders: options.keepHeaders } : {}),
      ...(options.credentialHosts ? { credentialHosts: options.credentialHosts } : {}),
      ...(located?.tokenScope ? { tokenScope: located.tokenScope } : {}),
      ...(options.expectedDigest?.sha256 ? { expectedSha256: options.expectedDigest.sha256 } : {}),
      ...(options.expectedDigest?.sha512 ? { expectedSha512: options.expectedDigest.sha512 } : {}),
      ...(options.revalidateByHead ? { revalidateByHead: options.revalidateByHead } : {}),
    };
    const result = await stub.fill(request);
    switch (result.outcome) {
      case "streaming": {
        const { body, size, contentType, headers } = result;
        this.served(kind, 0, null);
        return { blob: null, body, size, contentType, cache: "MISS", headers };
      }
      case "missing":
        this.served(kind, 0, null);
        return null;
      case "unavailable":
        if (cached?.entry.status === "ok") return this.hit(cached, "STALE", kind, 0);
        throw new RegistryError("upstream_unavailable", `${this.repository.name}: ${result.reason}`);
      default: {
        const filled = await findCacheEntry(this.ctx.db, this.repository.id, key);
        if (!filled || filled.entry.status !== "ok") {
          this.served(kind, 0, null);
          return null;
        }
        // Stored just now (or by the fill this request joined): unchanged while it is fresh; a revalidated entry is not kept.
        const until = result.outcome === "revalidated" ? 0 : unchangedUntil(filled.entry, config, kind);
        return this.hit(filled, result.outcome === "fetched" ? "MISS" : result.outcome === "revalidated" ? "REVALIDATED" : "HIT", kind, until);
      }
    }
  }

  /** Records one read for the warm read cache (./read-cache.ts): until when it is served unchanged, and its entry. */
  private served(kind: PathClass, sameUntil: number, entry: ServedRemote["entry"]): void {
    this.ctx.servedRemote?.push({ kind, sameUntil, entry });
  }

  private hit(cached: CacheEntryWithBlob, cache: CacheStatus, kind: PathClass, sameUntil: number): RemoteHit | null {
    if (cached.entry.status !== "ok" || !cached.blob) {
      // A fresh negative entry: "not found" until it expires.
      this.served(kind, sameUntil, null);
      return null;
    }
    const now = Date.now();
    const write = countCacheHit(this.ctx.db, cached.entry, now);
    if (write) this.ctx.waitUntil(write);
    this.served(kind, sameUntil, { id: cached.entry.id, lastHitAt: write ? now : cached.entry.lastHitAt });
    return { blob: cached.blob, contentType: cached.entry.contentType, cache, headers: parseKept(cached.entry.headers) };
  }
}

function parseKept(json: string | null): Record<string, string> {
  if (!json) return {};
  try {
    return JSON.parse(json) as Record<string, string>;
  } catch {
    return {};
  }
}
