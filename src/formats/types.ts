/**
 * The FormatModule contract (DESIGN §8): what every package format provides. A format's
 * routes speak its wire protocol and reach storage only through a PackageSource.
 */
import type { Hono } from "hono";
import type { AppEnv } from "../env";
import type { RegistryError } from "../errors";
import type { Credentials } from "../auth/authenticate";
import type { HostedSource } from "../repositories/hosted-source";
import type { Repository } from "../repositories/model";
import type { BlobRow, PackageReader, PackageWriter, Revisions } from "../repositories/package-source";
import type { WriteOrigin } from "../repositories/write-hooks";
import type { BlobResponseOptions } from "../storage/blob-response";
import type { KeyKind } from "../signing/key-kind";
import type { SigningKeyStore } from "../signing/key-store";

export type PathClass = "metadata" | "artifact";

/**
 * One request as the format classifies it for the remote/virtual engine (src/virtual/engine.ts).
 * Paths are repository-relative and still percent-encoded, as they go upstream.
 */
export interface ProxyTarget {
  /** Metadata is revalidated after its validity period; artifacts are immutable by default. */
  kind: PathClass;
  /** The repository-relative path the client asked for (what `readHosted` serves). */
  path: string;
  /** Cache key in a remote member; default `path`. Put an Accept variant in it when the answer varies by Accept. */
  key?: string;
  /** Where a remote member fetches it: a path relative to its upstream base, or an absolute URL on any host; default `path`. */
  upstream?: string;
  /** Accept header sent upstream. */
  accept?: string;
  /**
   * Where a remote member fetches it when that depends on the member's upstream URL (OCI:
   * Docker Hub's `library/` names), and the token scope a Bearer-challenging upstream will ask
   * for (its cached token is then sent up front); wins over `upstream`.
   */
  upstreamFor?(remoteUrl: string): { path: string; tokenScope?: string };
  /** Upstream response headers a remote member keeps with its entry and replays (OCI `Docker-Content-Digest`). */
  keepHeaders?: readonly string[];
  /** Digest the upstream bytes must have (content-addressed artifacts); a fill that differs stores nothing. */
  expectedDigest?: { sha256?: string; sha512?: string };
  /**
   * Metadata revalidated with a HEAD first: when the upstream's value of this header equals
   * the kept one (OCI tags: `Docker-Content-Digest`), the entry is fresh again without a GET.
   */
  revalidateByHead?: string;
  /** The package it belongs to, normalised as hosted names are: the shielding and include/exclude key. */
  packageKey: string | null;
  /** Metadata built from the members' copies by one of the format's document recipes. */
  document?: DocumentTarget;
  /** An artifact whose member an index document decided (npm tarball, PyPI file). */
  indexedBy?: IndexedBy;
  /**
   * Never stored in the edge cache, even for a public repository: metadata a client polls
   * right after writing it (cargo's index files after `cargo publish` / `cargo yank`).
   */
  noEdgeCache?: boolean;
  /**
   * Hosted content that changes without a revision bump — indexes the IndexBuilder rebuilds
   * after a debounce (Debian, RPM, Alpine), signing keys after a rotation: kept out of the
   * isolate's warm read cache and the edge cache, both keyed on revisions, which would keep
   * the old bytes under the new revision.
   */
  changesWithoutRevision?: boolean;
  /**
   * For remote members whose upstream URL for this target is only known from another
   * upstream document (NuGet: resources named by the service index, on any host).
   */
  locate?: UpstreamLocator;
}

/** `via` is fetched from the remote (cached as metadata); `resolve` turns its text into the target's absolute upstream URL (null: the upstream has none). */
export interface UpstreamLocator {
  via: Pick<ProxyTarget, "path" | "key" | "upstream" | "accept">;
  resolve(viaText: string): string | null;
}

export interface IndexedBy {
  /** The index document (a target with a precomputed `document`) and the entry's name in its provenance. */
  index: ProxyTarget;
  entry: string;
  /** The upstream URL is known only from the index (PyPI files on another host): never skip the lookup. */
  upstreamFromIndex?: boolean;
  /** The upstream URL of this target given the entry's recorded URL (e.g. PEP 658: `{url}.metadata`). */
  upstreamFrom?(url: string): string;
}

/** A document merged from members' copies of one source document (the `source` target). */
export interface DocumentTarget {
  /** Name the format registered the recipe under (registerRecipe). */
  recipe: string;
  /** Name of the built document in the serving repository; include the served variant. */
  key: string;
  contentType: string;
  /** Headers served with it (e.g. `Vary: Accept`, `Cache-Control: no-cache`). */
  headers?: Record<string, string>;
  /** How the stored document is served: its ETag's digest, the `Repr-Digest` header (RubyGems' compact index). */
  served?: Pick<BlobResponseOptions, "etag" | "representationDigest" | "wholeWhenUnsatisfiable">;
  /** JSON-able values the recipe needs (served base URL, variant…); part of the fingerprint. */
  params: Record<string, unknown>;
  /** The members' document this one is built from; default: the target itself. */
  source?: Pick<ProxyTarget, "path" | "key" | "upstream" | "accept" | "locate">;
  /**
   * A second upstream document each remote member's copy is read with (cached as metadata,
   * part of the fingerprint), handed to the recipe as `SourceDocument.companion`: Cargo's
   * `config.json`, whose `dl` says where the upstream's `.crate` files are.
   */
  companion?: Pick<ProxyTarget, "path" | "key" | "upstream" | "accept">;
}

/** Which member (and, for remote members, which absolute upstream URL) serves an index entry. */
export interface Provenance {
  member: string;
  url?: string;
}

/** One member's copy of the source document, handed to a recipe in member priority order. */
export interface SourceDocument {
  member: string;
  text: string;
  contentType: string | null;
  /** The URL relative links in `text` resolve against (a remote member's upstream document URL; "" for hosted). */
  baseUrl: string;
  /** Entries younger than this must be hidden (the release-age filter); 0: none. */
  minReleaseAgeHours: number;
  /** A remote member's copy of `DocumentTarget.companion` (null: none, or hosted). */
  companion?: string | null;
}

export interface MergedDocument {
  text: string;
  /** Entry name (tarball version, filename) → where it is served from. */
  provenance?: Record<string, Provenance>;
}

/**
 * A format's pure way to merge members' copies of a document. Precomputed recipes are built
 * once per fingerprint of their sources (hosted revisions, upstream sha256s, release-age
 * bucket) by the DocumentBuilder Durable Object and streamed from R2, and apply to every
 * repository kind (a single member's document is rewritten too). Others are merged per
 * request, in virtual repositories (and remote ones with `rewritesRemote`); elsewhere the
 * member's own copy is served as is.
 */
export interface DocumentRecipe {
  readonly precomputed: boolean;
  /** A per-request recipe that must also rewrite a remote repository's copy (its links). */
  readonly rewritesRemote?: boolean;
  /** A hosted member's copy, or null when it has none. */
  hostedText(source: HostedSource, target: ProxyTarget, params: Record<string, unknown>): Promise<string | null>;
  merge(documents: readonly SourceDocument[], params: Record<string, unknown>, now: number): MergedDocument | null | Promise<MergedDocument | null>;
}

/** What the remote/virtual engine (src/virtual) needs from a format. */
export interface ProxySpec {
  /**
   * Classifies a request path; null: not a path this format serves (404). `base` is the
   * served repository's URL (`https://host/{format}/{repo}/`), where rewritten links point.
   */
  classify(path: string, request: Request, base: string): ProxyTarget | null;
  /** Serves a target from a hosted member, or null when it has no such file. */
  readHosted(source: HostedSource, target: ProxyTarget, request: Request): Promise<Response | null>;
}

/** What a format's error writer knows about the failed request. */
export interface ErrorContext {
  requestId: string;
  request: Request;
  /**
   * The repository the request resolved, set only once the caller was allowed to read it:
   * an error for an unreadable repository must look like one for a missing repository.
   */
  repository: Repository | null;
}

export interface FormatModule {
  /** `repository.format` value, e.g. "generic"; also the URL segment of the default mount. */
  readonly name: string;
  /**
   * Where the routes are mounted: default `/{name}/:repo` (the routes then see the
   * repository as `c.req.param("repo")`). OCI mounts at `/v2`, because clients need `/v2/` at the host root.
   */
  readonly mount?: string;
  /** Wire-protocol routes, mounted at `mount`. */
  readonly routes: Hono<AppEnv>;
  /**
   * Reads credentials the way this format's clients send them (e.g. NuGet's `X-NuGet-ApiKey`);
   * default `readCredentials` (Bearer, Basic, PRIVATE-TOKEN, raw token). Null: none were sent.
   */
  readCredentials?(headers: Headers): Credentials | null;
  /** The error body this format's client prints, with the right status and headers. */
  errorResponse(error: RegistryError, context: ErrorContext): Response;
  /** Clients that only send credentials after a 401 (Maven) set this. */
  readonly challengeAnonymousReads?: boolean;
  /** Remote and virtual repositories of this format. */
  readonly proxy?: ProxySpec;
  /** Told about every change to hosted content, whoever made it (format route, API, cleanup). */
  readonly hooks?: FormatHooks;
  /** Whole-repository documents rebuilt by the IndexBuilder after writes settle. */
  readonly indexes?: readonly IndexSpec[];
  /**
   * Kinds of signing key the format signs its indexes with (src/signing/key-store.ts): what
   * `POST /api/v1/repositories/{name}/signing-key/rotate` rotates and `GET …/signing-key` lists.
   */
  readonly signingKeys?: readonly KeyKind[];
  /**
   * Periodic upkeep of each hosted repository of the format, run by the cron (under a
   * per-repository lock) before the orphan blob GC: e.g. OCI removes blobs no manifest references.
   */
  maintenance?(writer: PackageWriter, now: number): Promise<unknown>;
}

// ---- Write hooks and repository indexes (docs/architecture.md) ----

/** What a write changed; versions are the ones added or removed (empty for package-level metadata). */
export type PackageChange = "file-added" | "file-removed" | "version-removed" | "package-removed" | "metadata-changed";

export interface PackageChangedEvent {
  repository: Repository;
  packageName: string;
  lowerName: string;
  change: PackageChange;
  versions: readonly string[];
  /** Who made the change: a format route, the management API, or a cleanup policy. */
  origin: WriteOrigin;
  /** Revisions after the change; `package` is null when the package is gone. */
  revisions: Revisions;
}

export interface FormatHooks {
  /**
   * Runs after the change is committed, before the request answers, with the writer that
   * made it (its package lock is re-entrant). Writes made here fire the hook again, so a
   * hook must be idempotent (only write when something is actually inconsistent).
   */
  onPackageChanged?(event: PackageChangedEvent, writer: PackageWriter): Promise<void>;
}

/** A whole-repository document (Helm index.yaml, a Debian Packages file, generic index.json). */
export interface IndexSpec {
  /** Unique within the format, e.g. "index.json"; stored as derived document `index:{format}:{name}`. */
  name: string;
  contentType: string;
  /** Builds the document from the repository's hosted content. */
  build(reader: PackageReader, context: IndexBuildContext): Promise<string>;
  /**
   * Also built for virtual repositories, from `context.members` (Debian, RPM, Alpine: merged
   * and re-signed with the virtual's key). The IndexBuilder of a hosted repository schedules
   * the builds of the virtuals containing it after each of its own builds, so a virtual's
   * index is a stored document like a hosted one, never built on the read path.
   */
  virtual?: boolean;
}

/**
 * What a build may use beyond reading (Debian, RPM, Alpine): files the index document refers
 * to, and the repository's signing keys. An index made of several files (Debian `Release`,
 * `InRelease`, `Packages.gz`…) stores each as an asset and returns one document naming them
 * all (its blob rows), so the whole set switches atomically when the document is stored.
 */
export interface IndexBuildContext {
  /** The repository revision this build covers. */
  revision: number;
  /**
   * Stores bytes as an asset of this build (content-addressed, deduplicated); kept while
   * the current or the previous build of the repository stored them, then left to the GC.
   */
  storeAsset(bytes: Uint8Array, contentType: string): Promise<BlobRow>;
  /** The repository's signing keys (src/signing/key-store.ts); a key is created on first use. */
  readonly signingKeys: SigningKeyStore;
  /**
   * A virtual repository's hosted members of the same format, in priority order (empty for
   * hosted repositories): formats whose virtual indexes are built, not merged per request
   * (Debian: merged and re-signed with the virtual's own key).
   */
  readonly members: readonly { id: number; reader: PackageReader }[];
}
