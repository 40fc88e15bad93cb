/**
 * The Worker's bindings and per-request variables; every sub-app is a `Hono<AppEnv>`, so
 * `c.env` and `c.var` are typed the same everywhere.
 */
import type { Principal } from "./auth/principal";
import type { Repository } from "./repositories/model";
import type { KeyedLock } from "./locks/keyed-lock";
import type { IndexBuilder } from "./repositories/index-builder";
import type { PrefetchedRepository } from "./repositories/prefetch";
import type { CacheFill } from "./virtual/cache-fill";
import type { DocumentBuilder } from "./virtual/derived-document";

export interface Bindings {
  DB: D1Database;
  BLOBS: R2Bucket;
  LOCKS: DurableObjectNamespace<KeyedLock>;
  FILLS: DurableObjectNamespace<CacheFill>;
  BUILDERS: DurableObjectNamespace<DocumentBuilder>;
  /** One object per repository: debounced rebuilds of whole-repository indexes (src/repositories/index-builder.ts). */
  INDEXES: DurableObjectNamespace<IndexBuilder>;
  /** Bootstrap admin token (a Worker secret; `npm start` writes a local one to .dev.vars). */
  ADMIN_TOKEN?: string;
  /** Base64 AES-256 key encrypting upstream credentials (a Worker secret). */
  CREDENTIALS_KEY?: string;
  /** Bodies larger than this (or of unknown size) are written to R2 with multipart upload. */
  MULTIPART_THRESHOLD_BYTES?: string;
  /** "1": every response carries `X-D1-Round-Trips` (sequential D1 round trips it cost); for benchmarks. */
  D1_ROUND_TRIPS_HEADER?: string;
  /** Seconds an isolate may reuse an API token's principal without D1 (src/auth/token-cache.ts); "0" disables. */
  TOKEN_CACHE_SECONDS?: string;
  /** Seconds an isolate may reuse a repository row (with its revision) without D1 (src/repositories/repository-cache.ts); "0" disables. */
  REPOSITORY_CACHE_SECONDS?: string;
  /** Milliseconds the IndexBuilder waits after the last write before building (default 2000). */
  INDEX_DEBOUNCE_MS?: string;
  /** Milliseconds a virtual's IndexBuilder waits after a member's build (default 500). */
  INDEX_VIRTUAL_DEBOUNCE_MS?: string;
  /** MiB of warm read answers an isolate keeps (src/virtual/read-cache.ts); "0" disables. */
  READ_CACHE_MIB?: string;
}

export interface Variables {
  requestId: string;
  requestStartedAt: number;
  principal: Principal;
  /** Set by routes that resolve a repository, so the request log can name it. */
  repositoryName?: string;
  /** The repository row looked up alongside authentication (src/repositories/prefetch.ts). */
  repositoryPrefetch?: Promise<PrefetchedRepository | null>;
  /** Set once the caller is allowed to read the repository: format error writers may use it. */
  repository?: Repository;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
