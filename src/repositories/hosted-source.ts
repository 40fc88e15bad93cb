/**
 * The hosted PackageSource: what clients publish, stored as package → version → file → blob
 * in D1 with bytes in R2. Format routes call these intent-named operations and never touch
 * D1 or R2 themselves.
 */
import type { Principal } from "../auth/principal";
import { auditActor } from "../auth/audit-actor";
import { recordAudit } from "../db/audit";
import type { Database } from "../db/client";
import {
  addFileToExistingVersion,
  createOrAddFile,
  createVersionAndAddFile,
  type FileSpec,
  type VersionSpec,
} from "../db/package-writes";
import {
  deleteFilesByName,
  deleteOlderCopies,
  deletePackageStatement,
  deleteVersionsStatements,
  findNewestFile,
  findPackage,
  findVersion,
  incrementDownloads,
  listFiles,
  listVersions,
  listVersionsWithLastUpload,
  searchPackagesWithVersion,
  versionMetadataStatements,
  type BlobRow,
  type FileWithBlob,
  type PackageRow,
  type PackageWithVersion,
  type VersionRow,
} from "../db/packages";
import { deleteRefStatements, getProperty, listProperties, propertyStatements, type PropertyRow } from "../db/properties";
import { notFound } from "../errors";
import { blobResponse, type BlobResponseOptions } from "../storage/blob-response";
import type { BlobStore, StoreBlobOptions } from "../storage/blob-store";
import type { Repository } from "./model";

export interface SourceContext {
  db: Database;
  blobs: BlobStore;
  bucket: R2Bucket;
  principal: Principal;
  requestId: string;
  /** When the request arrived (ms); coalesced fills use it to tell concurrent callers from later ones. */
  requestStartedAt: number;
  waitUntil: (promise: Promise<unknown>) => void;
}

export type CreateRule = "create-version" | "create-or-add" | "add-to-version";

/** A file to add: its coordinates (already normalised by the format) and its stored blob. */
export interface NewFile {
  packageName: string;
  lowerName: string;
  version: string;
  lowerVersion: string;
  metadata?: unknown;
  file: Omit<FileSpec, "blobId">;
}

/** Package-level metadata changes: properties (value null deletes) and version metadata. */
export interface MetadataUpdate {
  properties?: { name: string; value: string | null }[];
  versions?: { versionId: number; metadata: unknown }[];
}

export class HostedSource {
  constructor(
    readonly repository: Repository,
    private readonly ctx: SourceContext,
  ) {}

  /** Streams an upload into the blob store, applying the repository's size limit. */
  storeBlob(body: ReadableStream<Uint8Array> | null, options: StoreBlobOptions): Promise<BlobRow> {
    const maxSize = this.repository.settings.maxFileSize;
    return this.ctx.blobs.store(body, { ...options, ...(maxSize === undefined ? {} : { maxSize }) });
  }

  /** Records a stored blob as a file under the given create rule, and audits the upload. */
  async addFile(rule: CreateRule, input: NewFile, blob: BlobRow): Promise<void> {
    const version = this.versionSpec(input);
    const file: FileSpec = { ...input.file, blobId: blob.id };
    const write = { "create-version": createVersionAndAddFile, "create-or-add": createOrAddFile, "add-to-version": addFileToExistingVersion }[rule];
    await write(this.ctx.db, version, file);
    await this.audit("file.upload", `${input.packageName}/${input.version}/${input.file.name}`, { size: blob.size, sha256: blob.sha256 });
  }

  /**
   * Adds a file that replaces any earlier copy of the same name in its version (Maven
   * SNAPSHOT or allowed release redeploy). The new copy lands first, under its own composite
   * key, and only then are older copies deleted, so a concurrent download never sees a gap;
   * of two racing redeploys the later insert wins.
   */
  async replaceFile(input: NewFile, blob: BlobRow): Promise<void> {
    const version = this.versionSpec(input);
    const created = await createOrAddFile(this.ctx.db, version, { ...input.file, compositeKey: crypto.randomUUID(), blobId: blob.id });
    const replaced = await deleteOlderCopies(this.ctx.db, created.versionId, input.file.lowerName, created.fileId);
    await this.audit("file.upload", `${input.packageName}/${input.version}/${input.file.name}`, { size: blob.size, sha256: blob.sha256, replaced });
  }

  /** A package and its versions, each with the time of its newest file; null when unknown. */
  async listPackageVersions(lowerName: string): Promise<{ pkg: PackageRow; versions: (VersionRow & { lastUploadAt: number })[] } | null> {
    const pkg = await findPackage(this.ctx.db, this.repository.id, lowerName);
    if (!pkg) return null;
    return { pkg, versions: await listVersionsWithLastUpload(this.ctx.db, pkg.id) };
  }

  /** Every file of a version with its blob, newest first; null when the version is unknown. */
  async listVersionFiles(lowerName: string, lowerVersion: string): Promise<{ pkg: PackageRow; files: FileWithBlob[] } | null> {
    const pkg = await findPackage(this.ctx.db, this.repository.id, lowerName);
    const version = pkg ? await findVersion(this.ctx.db, pkg.id, lowerVersion) : null;
    if (!pkg || !version) return null;
    return { pkg, files: await listFiles(this.ctx.db, version.id) };
  }

  async findFile(lowerName: string, lowerVersion: string, lowerFilename: string): Promise<FileWithBlob | null> {
    const pkg = await findPackage(this.ctx.db, this.repository.id, lowerName);
    if (!pkg) return null;
    const version = await findVersion(this.ctx.db, pkg.id, lowerVersion);
    if (!version) return null;
    return findNewestFile(this.ctx.db, version.id, lowerFilename);
  }

  /** Serves a file's bytes and counts the download (off the response path). */
  serveFile(request: Request, found: FileWithBlob, options: BlobResponseOptions = {}): Promise<Response> {
    if (request.method === "GET") this.ctx.waitUntil(incrementDownloads(this.ctx.db, found.file.versionId));
    return blobResponse(request, this.ctx.bucket, found.blob, { filename: found.file.name, ...options });
  }

  /** Deletes every stored copy of a file; its blobs are collected later if unreferenced. */
  async deleteFile(lowerName: string, lowerVersion: string, lowerFilename: string, label: string): Promise<void> {
    const pkg = await findPackage(this.ctx.db, this.repository.id, lowerName);
    const version = pkg ? await findVersion(this.ctx.db, pkg.id, lowerVersion) : null;
    const deleted = version ? await deleteFilesByName(this.ctx.db, version.id, lowerFilename) : 0;
    if (deleted === 0) throw notFound(`file ${label}`);
    await this.audit("file.delete", label, { copies: deleted });
  }

  // Package metadata kept beside the files (npm dist-tags, deprecations, revisions).

  findPackageRow(lowerName: string): Promise<PackageRow | null> {
    return findPackage(this.ctx.db, this.repository.id, lowerName);
  }

  findVersionRow(packageId: number, lowerVersion: string): Promise<VersionRow | null> {
    return findVersion(this.ctx.db, packageId, lowerVersion);
  }

  /** Every version of a package with its metadata, newest first. */
  listVersionRows(packageId: number): Promise<VersionRow[]> {
    return listVersions(this.ctx.db, packageId);
  }

  listPackageProperties(packageId: number, namePrefix?: string): Promise<PropertyRow[]> {
    return listProperties(this.ctx.db, "package", packageId, namePrefix);
  }

  getPackageProperty(packageId: number, name: string): Promise<string | null> {
    return getProperty(this.ctx.db, "package", packageId, name);
  }

  /** Package properties and version metadata changed together, in one D1 batch (one transaction). */
  async updatePackageMetadata(packageId: number, update: MetadataUpdate): Promise<void> {
    const statements = this.metadataStatements(packageId, update);
    if (statements.length) await this.ctx.db.$client.batch(statements);
  }

  /**
   * Removes versions (their files by cascade; blobs are collected later if unreferenced) and
   * applies the accompanying metadata update in the same batch. Each removal is audited.
   */
  async removeVersions(pkg: PackageRow, versions: readonly VersionRow[], update: MetadataUpdate): Promise<void> {
    const ids = versions.map((v) => v.id);
    await this.ctx.db.$client.batch([
      ...deleteRefStatements(this.ctx.db, "version", ids),
      ...deleteVersionsStatements(this.ctx.db, ids),
      ...this.metadataStatements(pkg.id, update),
    ]);
    for (const version of versions) await this.audit("version.delete", `${pkg.name}/${version.version}`, {});
  }

  /** Removes a package with all its versions, files and properties. */
  async removePackage(pkg: PackageRow, versionIds: readonly number[]): Promise<void> {
    await this.ctx.db.$client.batch([
      ...deleteRefStatements(this.ctx.db, "version", versionIds),
      ...deleteRefStatements(this.ctx.db, "package", [pkg.id]),
      deletePackageStatement(this.ctx.db, pkg.id),
    ]);
    await this.audit("package.delete", pkg.name, { versions: versionIds.length });
  }

  /** Packages matching every term, each with its `tagProperty` version (else the newest). */
  searchPackages(terms: readonly string[], tagProperty: string, limit: number): Promise<PackageWithVersion[]> {
    return searchPackagesWithVersion(this.ctx.db, this.repository.id, { terms, tagProperty, limit });
  }

  /** Audits a format-level change that is not a file upload or delete (dist-tags, deprecations). */
  auditEvent(action: string, target: string, detail: Record<string, unknown> = {}): Promise<void> {
    return this.audit(action, target, detail);
  }

  private metadataStatements(packageId: number, update: MetadataUpdate): D1PreparedStatement[] {
    return [
      ...propertyStatements(this.ctx.db, (update.properties ?? []).map((p) => ({ refType: "package" as const, refId: packageId, ...p }))),
      ...versionMetadataStatements(this.ctx.db, update.versions ?? []),
    ];
  }

  private versionSpec(input: NewFile): VersionSpec {
    return {
      repositoryId: this.repository.id,
      packageName: input.packageName,
      lowerName: input.lowerName,
      version: input.version,
      lowerVersion: input.lowerVersion,
      metadata: input.metadata,
      creatorId: this.ctx.principal.userId,
    };
  }

  private audit(action: string, target: string, detail: Record<string, unknown>): Promise<void> {
    return recordAudit(this.ctx.db, {
      ...auditActor(this.ctx.principal),
      action,
      repository: this.repository.name,
      target,
      detail,
      requestId: this.ctx.requestId,
    });
  }
}
