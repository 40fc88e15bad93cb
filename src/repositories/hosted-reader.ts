/**
 * The read side of the hosted PackageSource: `HostedReader` implements `PackageReader`
 * (./package-source.ts) over a hosted repository's package → version → file → blob rows in
 * D1 and bytes in R2: lookups, listings, properties and search, serving files and blobs
 * (a GET of a file counts a download), revisions, and derived documents and whole-repository
 * indexes (built on demand by the IndexBuilder, ./index-builder.ts). `HostedSource`
 * (./hosted-source.ts) extends it with the writes.
 */
import { findDerivedDocument, findPackageDocument, findRepositoryDocument } from "../db/derived-documents";
import {
  findFileByCoordinates,
  findFileByDigest,
  findPackage,
  findVersion,
  listFiles,
  listFilesOfPackageNamed,
  listFilesOfPackages,
  listPackages,
  listVersions,
  listVersionsWithLastUpload,
  searchPackagesWithVersion,
} from "../db/packages";
import { getProperty, listProperties } from "../db/properties";
import { type Revisions, readRevisions } from "../db/revisions";
import { findFormat } from "../formats";
import { type BlobResponseOptions, blobResponse } from "../storage/blob-response";
import { countDownload } from "./download-counter";
import { indexBuilderOf, indexKey } from "./index-builder";
import type { Repository } from "./model";
import type {
  BlobRow,
  DerivedDocument,
  FileWithBlob,
  LocatedFile,
  PackageFileRow,
  PackageReader,
  PackageRow,
  PackageSummary,
  PackageWithVersion,
  PropertyRefType,
  PropertyRow,
  VersionRow,
} from "./package-source";
import type { SourceContext } from "./source-context";

export class HostedReader implements PackageReader {
  constructor(
    readonly repository: Repository,
    protected readonly ctx: SourceContext,
  ) {}

  findPackageRow(lowerName: string): Promise<PackageRow | null> {
    return findPackage(this.ctx.db, this.repository.id, lowerName);
  }

  findVersionRow(packageId: number, lowerVersion: string): Promise<VersionRow | null> {
    return findVersion(this.ctx.db, packageId, lowerVersion);
  }

  listVersionRows(packageId: number): Promise<VersionRow[]> {
    return listVersions(this.ctx.db, packageId);
  }

  async listPackageVersions(lowerName: string): Promise<{ pkg: PackageRow; versions: (VersionRow & { lastUploadAt: number })[] } | null> {
    const pkg = await this.findPackageRow(lowerName);
    if (!pkg) return null;
    return { pkg, versions: await listVersionsWithLastUpload(this.ctx.db, pkg.id) };
  }

  async listVersionFiles(lowerName: string, lowerVersion: string): Promise<{ pkg: PackageRow; files: FileWithBlob[] } | null> {
    const pkg = await this.findPackageRow(lowerName);
    const version = pkg ? await findVersion(this.ctx.db, pkg.id, lowerVersion) : null;
    if (!pkg || !version) return null;
    return { pkg, files: await listFiles(this.ctx.db, version.id) };
  }

  findFile(lowerName: string, lowerVersion: string, lowerFilename: string): Promise<FileWithBlob | null> {
    return findFileByCoordinates(this.ctx.db, this.repository.id, lowerName, lowerVersion, lowerFilename);
  }

  findFileByDigest(sha256: string): Promise<LocatedFile | null> {
    return findFileByDigest(this.ctx.db, this.repository.id, sha256);
  }

  async listPackages(page: { limit: number; offset: number; query?: string }): Promise<PackageSummary[]> {
    const rows = await listPackages(this.ctx.db, this.repository.id, page);
    return rows.map((p) => ({ id: p.id, name: p.name, lowerName: p.lowerName, versionCount: p.versionCount, createdAt: p.createdAt }));
  }

  listFilesOfPackages(packageIds: readonly number[]): Promise<PackageFileRow[]> {
    return listFilesOfPackages(this.ctx.db, packageIds);
  }

  listFilesOfPackage(lowerName: string): Promise<{ name: string; rows: PackageFileRow[] } | null> {
    return listFilesOfPackageNamed(this.ctx.db, this.repository.id, lowerName);
  }

  listProperties(refType: PropertyRefType, refId: number, namePrefix?: string): Promise<PropertyRow[]> {
    return listProperties(this.ctx.db, refType, refId, namePrefix);
  }

  listPackageProperties(packageId: number, namePrefix?: string): Promise<PropertyRow[]> {
    return listProperties(this.ctx.db, "package", packageId, namePrefix);
  }

  getPackageProperty(packageId: number, name: string): Promise<string | null> {
    return getProperty(this.ctx.db, "package", packageId, name);
  }

  searchPackages(terms: readonly string[], tagProperty: string, limit: number): Promise<PackageWithVersion[]> {
    return searchPackagesWithVersion(this.ctx.db, this.repository.id, { terms, tagProperty, limit });
  }

  serveFile(request: Request, found: FileWithBlob, options: BlobResponseOptions = {}): Promise<Response> {
    if (request.method === "GET") {
      const flush = countDownload(this.ctx.db, found.file.versionId);
      this.ctx.servedDownloads?.push(found.file.versionId);
      if (flush) this.ctx.waitUntil(flush);
    }
    return blobResponse(request, this.ctx.bucket, found.blob, { filename: found.file.name, ...options });
  }

  serveBlob(request: Request, blob: BlobRow, options: BlobResponseOptions = {}): Promise<Response> {
    return blobResponse(request, this.ctx.bucket, blob, options);
  }

  readBlob(blob: BlobRow): Promise<R2ObjectBody | null> {
    return this.ctx.bucket.get(blob.r2Key);
  }

  revisions(lowerName: string | null): Promise<Revisions> {
    return readRevisions(this.ctx.db, this.repository.id, lowerName);
  }

  findDerivedDocument(key: string): Promise<DerivedDocument | null> {
    return findDerivedDocument(this.ctx.db, this.repository.id, key);
  }

  async repositoryIndex(name: string): Promise<DerivedDocument | null> {
    if (!findFormat(this.repository.format)?.indexes?.some((spec) => spec.name === name)) return null;
    const key = indexKey(this.repository.format, name);
    const found = await findRepositoryDocument(this.ctx.db, this.repository.id, key);
    if (found.document && found.document.revision >= found.revision) return found.document;
    const builders = this.ctx.env?.INDEXES;
    if (!builders) return found.document;
    await indexBuilderOf(builders, this.repository.id).buildNow(this.repository.id);
    return (await findRepositoryDocument(this.ctx.db, this.repository.id, key)).document;
  }

  /** Schedules a (debounced) build of this repository's indexes: a virtual one that has none stored yet. */
  async scheduleIndexes(): Promise<void> {
    const builders = this.ctx.env?.INDEXES;
    if (builders) await indexBuilderOf(builders, this.repository.id).schedule(this.repository.id);
  }

  findPackageDocument(lowerName: string, key: string): Promise<{ pkg: PackageRow; document: DerivedDocument | null } | null> {
    return findPackageDocument(this.ctx.db, this.repository.id, lowerName, key);
  }
}
