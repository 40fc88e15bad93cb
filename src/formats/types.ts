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
import type { PackageReader, PackageWriter, Revisions } from "../repositories/package-source";
import type { WriteOrigin } from "../repositories/write-hooks";

export type PathClass = "metadata" | "artifact";
export type ChecksumAlgorithm = "md5" | "sha1" | "sha256" | "sha512";

/** One member's copy of a metadata document, in member priority order. */
export interface MemberDocument {
  member: string;
  body: Uint8Array;
}

/**
 * What the remote/virtual engine (src/virtual) needs from a format. Paths are relative to
 * the repository root and still percent-encoded, exactly as they go upstream.
 */
export interface ProxySpec {
  /** Metadata is revalidated after its validity period; artifacts are immutable by default. Null: not a valid path. */
  classifyPath(path: string): PathClass | null;
  /** The package a path belongs to (normalised as hosted package names are), for shielding. */
  packageKey(path: string): string | null;
  /** Serves a path from a hosted repository, or null when it has no such file. */
  readHosted(source: HostedSource, path: string, request: Request): Promise<Response | null>;
  /** Combines members' copies of a metadata document (virtual repositories); default: first member wins. */
  mergeMetadata?(path: string, documents: readonly MemberDocument[]): Uint8Array | null;
  /** For checksum sidecars of merged documents: the document path and algorithm, else null. */
  checksumOf?(path: string): { base: string; algorithm: ChecksumAlgorithm } | null;
  /** Content-Type of merged metadata documents. */
  metadataContentType?: string;
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
}

// ---- Write hooks and repository indexes (hosted helper; docs/architecture-hosted.md) ----

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
  build(reader: PackageReader): Promise<string>;
}
