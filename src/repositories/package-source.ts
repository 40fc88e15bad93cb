/**
 * The hosted PackageSource contract (docs/architecture.md). A format reads hosted
 * content through a `PackageReader` and changes it only through a `PackageWriter`; both are
 * implemented by `HostedSource`. Every write bumps the package's and the repository's
 * revision and notifies the format's hooks (`FormatModule.hooks`), then schedules the
 * repository's whole-repository indexes (`FormatModule.indexes`) for a debounced rebuild.
 * Formats import row types from here, never from src/db.
 */
import type { BlobRow, FileWithBlob, LocatedFile, PackageFileRow, PackageRow, PackageWithVersion, VersionRow } from "../db/packages";
import type { PropertyChange, PropertyRefType, PropertyRow } from "../db/properties";
import type { Revisions } from "../db/revisions";
import type { BlobResponseOptions } from "../storage/blob-response";
import type { StoreBlobOptions } from "../storage/blob-store";
import type { Repository } from "./model";
import type { UploadSessions } from "./upload-sessions";

export type { BlobRow, FileWithBlob, LocatedFile, PackageFileRow, PackageRow, PackageWithVersion, PropertyChange, PropertyRefType, PropertyRow, Revisions, VersionRow };

export type CreateRule = "create-version" | "create-or-add" | "add-to-version";

/** A file to add: its coordinates (already normalised by the format) and its stored blob. */
export interface NewFile {
  packageName: string;
  lowerName: string;
  version: string;
  lowerVersion: string;
  metadata?: unknown;
  file: { name: string; lowerName: string; compositeKey?: string; isLead?: boolean };
}

/** Package-level metadata changes: properties (value null deletes) and version metadata. */
export interface MetadataUpdate {
  properties?: { name: string; value: string | null }[];
  versions?: { versionId: number; metadata: unknown }[];
}

export interface PackageSummary {
  id: number;
  name: string;
  lowerName: string;
  versionCount: number;
  createdAt: number;
}

/** A stored derived document (packument, repository index) and the revision it was built for. */
export interface DerivedDocument {
  revision: number;
  contentType: string;
  blob: BlobRow;
}

export interface PackageReader {
  readonly repository: Repository;
  findPackageRow(lowerName: string): Promise<PackageRow | null>;
  findVersionRow(packageId: number, lowerVersion: string): Promise<VersionRow | null>;
  /** Every version of a package with its metadata, newest first. */
  listVersionRows(packageId: number): Promise<VersionRow[]>;
  listPackageVersions(lowerName: string): Promise<{ pkg: PackageRow; versions: (VersionRow & { lastUploadAt: number })[] } | null>;
  listVersionFiles(lowerName: string, lowerVersion: string): Promise<{ pkg: PackageRow; files: FileWithBlob[] } | null>;
  /** The newest file of that name, in one D1 query. */
  findFile(lowerName: string, lowerVersion: string, lowerFilename: string): Promise<FileWithBlob | null>;
  /** The newest file whose content has this sha256, with its package and version. */
  findFileByDigest(sha256: string): Promise<LocatedFile | null>;
  /** One page of packages by name (optionally containing `query`), with version counts. */
  listPackages(page: { limit: number; offset: number; query?: string }): Promise<PackageSummary[]>;
  /** Every file of these packages with version and blob (few queries for many packages): for whole-repository indexes. */
  listFilesOfPackages(packageIds: readonly number[]): Promise<PackageFileRow[]>;
  /** A package's name and all its files (with versions and blobs) in one query; null when unknown or empty. */
  listFilesOfPackage(lowerName: string): Promise<{ name: string; rows: PackageFileRow[] } | null>;
  listProperties(refType: PropertyRefType, refId: number, namePrefix?: string): Promise<PropertyRow[]>;
  listPackageProperties(packageId: number, namePrefix?: string): Promise<PropertyRow[]>;
  getPackageProperty(packageId: number, name: string): Promise<string | null>;
  searchPackages(terms: readonly string[], tagProperty: string, limit: number): Promise<PackageWithVersion[]>;
  /** Serves a file's bytes (ranges, conditional requests) and counts the download off the read path. */
  serveFile(request: Request, found: FileWithBlob, options?: BlobResponseOptions): Promise<Response>;
  /** Serves a blob that is not a package file (a derived document): ranges and conditional requests, no download count. */
  serveBlob(request: Request, blob: BlobRow, options?: BlobResponseOptions): Promise<Response>;
  /** A blob's bytes, e.g. for an index builder reading a file's content. */
  readBlob(blob: BlobRow): Promise<R2ObjectBody | null>;
  revisions(lowerName: string | null): Promise<Revisions>;
  findDerivedDocument(key: string): Promise<DerivedDocument | null>;
  /**
   * A whole-repository index of this repository's format (`FormatModule.indexes`, by name),
   * current for the repository revision: built now (serialised with the IndexBuilder's
   * debounced builds) when the stored one is older. Null when the format has no such index.
   */
  repositoryIndex(name: string): Promise<DerivedDocument | null>;
  /** A package and its derived document `key`, in one D1 query (the warm read of a per-package document). */
  findPackageDocument(lowerName: string, key: string): Promise<{ pkg: PackageRow; document: DerivedDocument | null } | null>;
}

export interface PackageWriter extends PackageReader {
  /** Streams an upload into the blob store, applying the repository's size limit. */
  storeBlob(body: ReadableStream<Uint8Array> | null, options: StoreBlobOptions): Promise<BlobRow>;
  addFile(rule: CreateRule, input: NewFile, blob: BlobRow): Promise<void>;
  /** Adds a file replacing earlier copies of the same name (Maven SNAPSHOT, allowed redeploy). */
  replaceFile(input: NewFile, blob: BlobRow): Promise<void>;
  /** Deletes every stored copy of a file (404 when there is none). */
  deleteFile(lowerName: string, lowerVersion: string, lowerFilename: string, label: string): Promise<void>;
  /** Deletes files of one version by id; the version and package go when left empty. */
  deleteFiles(pkg: PackageRow, version: VersionRow, fileIds: readonly number[]): Promise<void>;
  /** Removes versions (files by cascade) with an accompanying metadata update, in one batch. */
  removeVersions(pkg: PackageRow, versions: readonly VersionRow[], update?: MetadataUpdate): Promise<void>;
  removePackage(pkg: PackageRow, versionIds: readonly number[]): Promise<void>;
  updatePackageMetadata(pkg: PackageRow, update: MetadataUpdate): Promise<void>;
  /** Properties of the package, its versions or files (yank, tags): value null deletes. */
  setProperties(pkg: PackageRow, changes: readonly PropertyChange[]): Promise<void>;
  /** Runs `work` holding the package's lock (re-entrant within this writer); 409 after ~10 s busy. */
  withPackageLock<T>(lowerName: string, work: () => Promise<T>): Promise<T>;
  storeDerivedDocument(key: string, revision: number, text: string | Uint8Array, contentType: string): Promise<BlobRow>;
  /** Chunked uploads (OCI, Helm): chunk → R2 multipart part, complete → blob. */
  readonly uploads: UploadSessions;
  /** Who is writing (npm's `_npmUser`): the principal's name and its user's email, if any. */
  publisher(): Promise<{ name: string; email: string | null }>;
  /** Audits a format-level change that is not a file upload or delete (dist-tags, deprecations). */
  auditEvent(action: string, target: string, detail?: Record<string, unknown>): Promise<void>;
}
