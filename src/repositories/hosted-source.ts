/**
 * The hosted PackageSource: what clients publish, stored as package → version → file → blob
 * in D1 with bytes in R2. `HostedSource` implements `PackageWriter` (./package-source.ts) on
 * top of `HostedReader` (./hosted-reader.ts, the reads): format routes, the management API
 * and cleanup all change hosted content through these methods, each of which commits one D1
 * batch that also bumps the package's and repository's revisions, then runs the format's
 * hooks (./write-hooks.ts). Also the package locks, audit, upload sessions and signing keys.
 */
import { auditActor } from "../auth/audit-actor";
import { recordAudit } from "../db/audit";
import { deleteDerivedDocuments, saveDerivedDocument } from "../db/derived-documents";
import { addFileToExistingVersion, createOrAddFile, createVersionAndAddFile, type FileSpec, type VersionSpec } from "../db/package-writes";
import {
  deleteFileIdsStatements,
  deletePackageStatement,
  deleteVersionsStatements,
  findVersion,
  listFiles,
  listVersions,
  olderCopyIds,
  prunePackageStatements,
  pruneStatements,
  versionMetadataStatements,
} from "../db/packages";
import { deleteFilePropertiesOfVersionsStatements, deleteRefStatements, propertyStatements } from "../db/properties";
import { bumpRevisionStatements, type Revisions, revisionsFromBatch } from "../db/revisions";
import { findUserById } from "../db/users";
import { notFound } from "../errors";
import type { PackageChange } from "../formats/types";
import { type SigningKeyStore, signingKeysFor } from "../signing/key-store";
import type { StoreBlobOptions } from "../storage/blob-store";
import { HostedReader } from "./hosted-reader";
import type { Repository } from "./model";
import { withPackageLock } from "./package-lock";
import type { BlobRow, CreateRule, MetadataUpdate, NewFile, PackageRow, PackageWriter, PropertyChange, VersionRow } from "./package-source";
import type { SourceContext } from "./source-context";
import { UploadSessions } from "./upload-sessions";
import { afterPackageChange } from "./write-hooks";

export type { CreateRule, MetadataUpdate, NewFile } from "./package-source";

export class HostedSource extends HostedReader implements PackageWriter {
  /** Packages whose lock this writer holds (the lock is re-entrant for hooks run inside it). */
  private readonly held = new Set<string>();
  readonly uploads: UploadSessions;

  constructor(repository: Repository, ctx: SourceContext) {
    super(repository, ctx);
    this.uploads = new UploadSessions(repository, ctx);
  }

  /** The repository's signing keys (src/signing/key-store.ts). */
  get signingKeys(): SigningKeyStore {
    return signingKeysFor(this.repository, this.ctx);
  }

  // ---- Writes: each is one D1 batch ending in the revision bump, then the hooks ----

  storeBlob(body: ReadableStream<Uint8Array> | null, options: StoreBlobOptions): Promise<BlobRow> {
    const maxSize = this.repository.settings.maxFileSize;
    return this.ctx.blobs.store(body, { ...options, ...(maxSize === undefined ? {} : { maxSize }) });
  }

  /** Records a stored blob as a file under the given create rule, and audits the upload. */
  async addFile(rule: CreateRule, input: NewFile, blob: BlobRow): Promise<void> {
    const version = this.versionSpec(input);
    const file: FileSpec = { ...input.file, blobId: blob.id };
    const write = { "create-version": createVersionAndAddFile, "create-or-add": createOrAddFile, "add-to-version": addFileToExistingVersion }[rule];
    const created = await write(this.ctx.db, version, file);
    await this.audit("file.upload", `${input.packageName}/${input.version}/${input.file.name}`, { size: blob.size, sha256: blob.sha256 });
    await this.changed(input.packageName, input.lowerName, "file-added", [input.version], created.revisions);
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
    const older = await olderCopyIds(this.ctx.db, created.versionId, input.file.lowerName, created.fileId);
    let revisions = created.revisions;
    if (older.length) revisions = await this.commit(input.lowerName, deleteFileIdsStatements(this.ctx.db, created.versionId, older));
    await this.audit("file.upload", `${input.packageName}/${input.version}/${input.file.name}`, { size: blob.size, sha256: blob.sha256, replaced: older.length });
    await this.changed(input.packageName, input.lowerName, "file-added", [input.version], revisions);
  }

  async deleteFile(lowerName: string, lowerVersion: string, lowerFilename: string, label: string): Promise<void> {
    const pkg = await this.findPackageRow(lowerName);
    const version = pkg ? await findVersion(this.ctx.db, pkg.id, lowerVersion) : null;
    const doomed = version ? (await listFiles(this.ctx.db, version.id)).filter((f) => f.file.lowerName === lowerFilename) : [];
    if (!pkg || !version || doomed.length === 0) throw notFound(`file ${label}`);
    await this.removeFiles(pkg, version, doomed.map((f) => f.file.id));
    await this.audit("file.delete", label, { copies: doomed.length });
  }

  async deleteFiles(pkg: PackageRow, version: VersionRow, fileIds: readonly number[]): Promise<void> {
    if (fileIds.length === 0) return;
    await this.removeFiles(pkg, version, fileIds);
  }

  async removeVersions(pkg: PackageRow, versions: readonly VersionRow[], update: MetadataUpdate = {}): Promise<void> {
    const ids = versions.map((v) => v.id);
    const revisions = await this.commit(pkg.lowerName, [
      ...deleteFilePropertiesOfVersionsStatements(this.ctx.db, ids),
      ...deleteRefStatements(this.ctx.db, "version", ids),
      ...deleteVersionsStatements(this.ctx.db, ids),
      ...this.metadataStatements(pkg.id, update),
      // Removing every version removes the package (as Gitea).
      ...prunePackageStatements(this.ctx.db, pkg.id),
    ]);
    for (const version of versions) await this.audit("version.delete", `${pkg.name}/${version.version}`, {});
    const change = revisions.package === null ? "package-removed" : "version-removed";
    await this.changed(pkg.name, pkg.lowerName, change, versions.map((v) => v.version), revisions);
  }

  async removePackage(pkg: PackageRow, versionIds: readonly number[]): Promise<void> {
    const versions = versionIds.length ? await listVersions(this.ctx.db, pkg.id) : [];
    const revisions = await this.commit(pkg.lowerName, [
      ...deleteFilePropertiesOfVersionsStatements(this.ctx.db, versionIds),
      ...deleteRefStatements(this.ctx.db, "version", versionIds),
      ...deleteRefStatements(this.ctx.db, "package", [pkg.id]),
      deletePackageStatement(this.ctx.db, pkg.id),
    ]);
    await this.audit("package.delete", pkg.name, { versions: versionIds.length });
    await this.changed(pkg.name, pkg.lowerName, "package-removed", versions.map((v) => v.version), revisions);
  }

  async updatePackageMetadata(pkg: PackageRow, update: MetadataUpdate): Promise<void> {
    const statements = this.metadataStatements(pkg.id, update);
    if (statements.length === 0) return;
    const revisions = await this.commit(pkg.lowerName, statements);
    await this.changed(pkg.name, pkg.lowerName, "metadata-changed", [], revisions);
  }

  async setProperties(pkg: PackageRow, changes: readonly PropertyChange[]): Promise<void> {
    if (changes.length === 0) return;
    const revisions = await this.commit(pkg.lowerName, propertyStatements(this.ctx.db, changes));
    await this.changed(pkg.name, pkg.lowerName, "metadata-changed", [], revisions);
  }

  async withPackageLock<T>(lowerName: string, work: () => Promise<T>): Promise<T> {
    if (this.held.has(lowerName)) return work();
    const locks = this.ctx.env?.LOCKS;
    if (!locks) throw new Error("package locks need the LOCKS binding in the source context");
    return withPackageLock(locks, this.repository.id, lowerName, async () => {
      this.held.add(lowerName);
      try {
        return await work();
      } finally {
        this.held.delete(lowerName);
      }
    });
  }

  /** Stores a derived document for `revision` (no revision bump: it is derived, not content). */
  async storeDerivedDocument(key: string, revision: number, text: string | Uint8Array, contentType: string): Promise<BlobRow> {
    const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
    const blob = await this.ctx.blobs.store(new Blob([bytes]).stream(), { declaredSize: bytes.byteLength });
    await saveDerivedDocument(this.ctx.db, { repositoryId: this.repository.id, key, revision, blobId: blob.id, contentType, builtAt: Date.now() });
    return blob;
  }

  /** Deletes derived documents by key (the IndexBuilder's pruning of old index assets). */
  deleteDerivedDocuments(keys: readonly string[]): Promise<void> {
    return deleteDerivedDocuments(this.ctx.db, this.repository.id, keys);
  }

  auditEvent(action: string, target: string, detail: Record<string, unknown> = {}): Promise<void> {
    return this.audit(action, target, detail);
  }

  async publisher(): Promise<{ name: string; email: string | null }> {
    const { principal } = this.ctx;
    const user = principal.userId === null ? null : await findUserById(this.ctx.db, principal.userId);
    return { name: principal.name, email: user?.email ?? null };
  }

  private async removeFiles(pkg: PackageRow, version: VersionRow, fileIds: readonly number[]): Promise<void> {
    const revisions = await this.commit(pkg.lowerName, [
      ...deleteFileIdsStatements(this.ctx.db, version.id, fileIds),
      ...pruneStatements(this.ctx.db, version.id, pkg.id),
    ]);
    await this.changed(pkg.name, pkg.lowerName, "file-removed", [version.version], revisions);
  }

  /** Runs a write batch with the revision bump appended; one batch is one transaction. */
  private async commit(lowerName: string, statements: readonly D1PreparedStatement[]): Promise<Revisions> {
    const results = await this.ctx.db.$client.batch([...statements, ...bumpRevisionStatements(this.ctx.db, this.repository.id, lowerName)]);
    return revisionsFromBatch(results);
  }

  private changed(packageName: string, lowerName: string, change: PackageChange, versions: readonly string[], revisions: Revisions): Promise<void> {
    const event = { repository: this.repository, packageName, lowerName, change, versions, origin: this.ctx.origin ?? "format", revisions };
    return afterPackageChange(event, this, this.ctx.env?.INDEXES);
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
