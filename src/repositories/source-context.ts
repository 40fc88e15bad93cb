/**
 * What a PackageSource knows of the request it serves: bindings, the caller, how to defer
 * work, and what the request served (download counts and remote cache reads, which the warm
 * read cache, src/virtual/read-cache.ts, replays on its hits).
 */
import type { Principal } from "../auth/principal";
import type { Database } from "../db/client";
import type { Bindings } from "../env";
import type { PathClass } from "../formats/types";
import type { BlobStore } from "../storage/blob-store";
import type { WriteOrigin } from "./write-hooks";

export interface SourceContext {
  db: Database;
  blobs: BlobStore;
  bucket: R2Bucket;
  principal: Principal;
  requestId: string;
  /** When the request arrived (ms); coalesced fills use it to tell concurrent callers from later ones. */
  requestStartedAt: number;
  waitUntil: (promise: Promise<unknown>) => void;
  /**
   * Durable Objects the writer uses: package locks and the index builder (absent in read-only
   * contexts); CREDENTIALS_KEY for signing keys (src/signing/key-store.ts).
   */
  env?: Pick<Bindings, "LOCKS" | "INDEXES" | "CREDENTIALS_KEY">;
  /** Who is writing, for hooks: a format route (default), the management API, or cleanup. */
  origin?: WriteOrigin;
  /** Version ids whose download this request counted (the warm read cache counts them again on hits). */
  servedDownloads?: number[];
  /**
   * Remote cache entries this request consulted (src/virtual/read-cache.ts), recorded by
   * `RemoteSource` for every read it makes: until when each one would be served unchanged,
   * and its cache entry, whose hits the warm read cache counts again on its hits.
   */
  servedRemote?: ServedRemote[];
}

export interface ServedRemote {
  kind: PathClass;
  /**
   * Until when (ms) the engine would serve the same bytes without asking the upstream:
   * Infinity for an immutable artifact, the end of a metadata entry's validity period, 0 when
   * it may change at any moment (served stale, revalidated, streamed while filling, unknown).
   */
  sameUntil: number;
  entry: { id: number; lastHitAt: number | null } | null;
}
