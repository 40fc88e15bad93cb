/**
 * The remote PackageSource: a cache in front of one upstream (DESIGN §5). A fresh entry is
 * served with no upstream call (HIT); otherwise the coalescing Durable Object fills or
 * revalidates it (MISS / REVALIDATED). When the upstream is down, timing out, answering 5xx
 * or assumed offline, a stale entry is served (STALE) and with none a 502 follows.
 * 404/410 are cached briefly as negative entries and answered as "not found" (null).
 */
import { findCacheEntry, recordCacheHit, type CacheEntryWithBlob } from "../db/cache-entries";
import type { BlobRow } from "../db/packages";
import { findRemoteConfig } from "../db/repositories";
import type { Bindings } from "../env";
import { RegistryError } from "../errors";
import type { PathClass } from "../formats/types";
import type { SourceContext } from "../repositories/hosted-source";
import type { Repository } from "../repositories/model";
import { fillObjectName } from "./cache-fill";
import { isFresh } from "./freshness";

export type CacheStatus = "HIT" | "MISS" | "STALE" | "REVALIDATED";

export interface RemoteHit {
  blob: BlobRow;
  contentType: string | null;
  cache: CacheStatus;
}

export class RemoteSource {
  constructor(
    readonly repository: Repository,
    private readonly ctx: SourceContext,
    private readonly env: Pick<Bindings, "FILLS">,
  ) {}

  /** The cached copy, fresh or not, without contacting the upstream. */
  async cachedCopy(key: string): Promise<CacheEntryWithBlob | null> {
    const cached = await findCacheEntry(this.ctx.db, this.repository.id, key);
    return cached?.entry.status === "ok" && cached.blob ? cached : null;
  }

  /**
   * The path's bytes from cache or upstream; null when the upstream does not have it.
   * `upstreamPath` lets one upstream path be cached under several keys (e.g. npm's full and
   * abbreviated packuments, told apart by `accept`).
   */
  async get(key: string, kind: PathClass, options: { accept?: string; upstreamPath?: string } = {}): Promise<RemoteHit | null> {
    const { accept, upstreamPath } = options;
    const [cached, config] = await Promise.all([
      findCacheEntry(this.ctx.db, this.repository.id, key),
      findRemoteConfig(this.ctx.db, this.repository.id),
    ]);
    if (!config) throw new RegistryError("upstream_unavailable", `remote repository ${this.repository.name} has no upstream`);
    const now = Date.now();
    if (cached && isFresh(cached.entry, config, now)) return this.hit(cached, "HIT");

    const fills = this.env.FILLS;
    const stub = fills.get(fills.idFromName(fillObjectName(this.repository.id, key)));
    const result = await stub.fill({
      repositoryId: this.repository.id,
      key,
      kind,
      requestedAt: this.ctx.requestStartedAt,
      ...(accept ? { accept } : {}),
      ...(upstreamPath ? { upstreamPath } : {}),
    });
    switch (result.outcome) {
      case "missing":
        return null;
      case "unavailable":
        if (cached?.entry.status === "ok") return this.hit(cached, "STALE");
        throw new RegistryError("upstream_unavailable", `${this.repository.name}: ${result.reason}`);
      default: {
        const filled = await findCacheEntry(this.ctx.db, this.repository.id, key);
        if (!filled || filled.entry.status !== "ok") return null;
        return this.hit(filled, result.outcome === "fetched" ? "MISS" : result.outcome === "revalidated" ? "REVALIDATED" : "HIT");
      }
    }
  }

  private hit(cached: CacheEntryWithBlob, cache: CacheStatus): RemoteHit | null {
    if (cached.entry.status !== "ok" || !cached.blob) return null;
    this.ctx.waitUntil(recordCacheHit(this.ctx.db, cached.entry.id, Date.now()));
    return { blob: cached.blob, contentType: cached.entry.contentType, cache };
  }
}
