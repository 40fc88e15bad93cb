/** Reads and deletes over package → version → file → blob for one repository. */
import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "./client";
import { packageBlobs, packageFiles, packageVersions, packages } from "./schema";

export type PackageRow = typeof packages.$inferSelect;
export type VersionRow = typeof packageVersions.$inferSelect;
export type BlobRow = typeof packageBlobs.$inferSelect;
export type FileRow = typeof packageFiles.$inferSelect;
export interface FileWithBlob {
  file: FileRow;
  blob: BlobRow;
}

export async function findPackage(db: Database, repositoryId: number, lowerName: string): Promise<PackageRow | null> {
  const row = await db
    .select()
    .from(packages)
    .where(and(eq(packages.repositoryId, repositoryId), eq(packages.lowerName, lowerName)))
    .get();
  return row ?? null;
}

export async function findVersion(db: Database, packageId: number, lowerVersion: string): Promise<VersionRow | null> {
  const row = await db
    .select()
    .from(packageVersions)
    .where(and(eq(packageVersions.packageId, packageId), eq(packageVersions.lowerVersion, lowerVersion)))
    .get();
  return row ?? null;
}

/** Lists packages, optionally filtered by a case-insensitive substring of the name. */
export async function listPackages(
  db: Database,
  repositoryId: number,
  options: { query?: string; limit: number; offset: number },
): Promise<(PackageRow & { versionCount: number })[]> {
  const filter = options.query
    ? and(eq(packages.repositoryId, repositoryId), sql`${packages.lowerName} LIKE ${`%${escapeLike(options.query.toLowerCase())}%`} ESCAPE '\\'`)
    : eq(packages.repositoryId, repositoryId);
  return db
    .select({
      id: packages.id,
      repositoryId: packages.repositoryId,
      name: packages.name,
      lowerName: packages.lowerName,
      createdAt: packages.createdAt,
      versionCount: sql<number>`(SELECT count(*) FROM package_version v WHERE v.package_id = "package"."id")`,
    })
    .from(packages)
    .where(filter)
    .orderBy(asc(packages.lowerName))
    .limit(options.limit)
    .offset(options.offset);
}

function escapeLike(text: string): string {
  return text.replace(/[%_\\]/g, (c) => `\\${c}`);
}

/** Versions of one package, newest first. */
export async function listVersions(db: Database, packageId: number): Promise<VersionRow[]> {
  return db
    .select()
    .from(packageVersions)
    .where(eq(packageVersions.packageId, packageId))
    .orderBy(desc(packageVersions.createdAt), desc(packageVersions.id));
}

/** Files of one version with their blobs, newest upload first. */
export async function listFiles(db: Database, versionId: number): Promise<FileWithBlob[]> {
  return db
    .select({ file: packageFiles, blob: packageBlobs })
    .from(packageFiles)
    .innerJoin(packageBlobs, eq(packageBlobs.id, packageFiles.blobId))
    .where(eq(packageFiles.versionId, versionId))
    .orderBy(desc(packageFiles.createdAt), desc(packageFiles.id));
}

/** The newest file of that name in a version (GitLab serves the newest duplicate). */
export async function findNewestFile(db: Database, versionId: number, lowerName: string): Promise<FileWithBlob | null> {
  const row = await db
    .select({ file: packageFiles, blob: packageBlobs })
    .from(packageFiles)
    .innerJoin(packageBlobs, eq(packageBlobs.id, packageFiles.blobId))
    .where(and(eq(packageFiles.versionId, versionId), eq(packageFiles.lowerName, lowerName)))
    .orderBy(desc(packageFiles.createdAt), desc(packageFiles.id))
    .limit(1)
    .get();
  return row ?? null;
}

export async function incrementDownloads(db: Database, versionId: number): Promise<void> {
  await db
    .update(packageVersions)
    .set({ downloadCount: sql`${packageVersions.downloadCount} + 1` })
    .where(eq(packageVersions.id, versionId));
}

/** Deletes every file of that name in a version; the version and package go when left empty. */
export async function deleteFilesByName(db: Database, versionId: number, lowerName: string): Promise<number> {
  const deleted = await db
    .delete(packageFiles)
    .where(and(eq(packageFiles.versionId, versionId), eq(packageFiles.lowerName, lowerName)))
    .returning({ id: packageFiles.id });
  await pruneEmptyVersion(db, versionId);
  return deleted.length;
}

export async function deleteFileIds(db: Database, versionId: number, fileIds: readonly number[]): Promise<void> {
  if (fileIds.length === 0) return;
  await db.delete(packageFiles).where(and(eq(packageFiles.versionId, versionId), inArray(packageFiles.id, [...fileIds])));
  await pruneEmptyVersion(db, versionId);
}

export async function deleteVersion(db: Database, version: VersionRow): Promise<void> {
  await db.delete(packageVersions).where(eq(packageVersions.id, version.id));
  await pruneEmptyPackage(db, version.packageId);
}

export async function deletePackage(db: Database, packageId: number): Promise<void> {
  await db.delete(packages).where(eq(packages.id, packageId));
}

/** A version left with no files goes, and then its package if left with no versions (as Gitea). */
async function pruneEmptyVersion(db: Database, versionId: number): Promise<void> {
  const version = await db.select().from(packageVersions).where(eq(packageVersions.id, versionId)).get();
  if (!version) return;
  await db.run(sql`DELETE FROM package_version WHERE id = ${versionId}
    AND NOT EXISTS (SELECT 1 FROM package_file f WHERE f.version_id = ${versionId})`);
  await pruneEmptyPackage(db, version.packageId);
}

async function pruneEmptyPackage(db: Database, packageId: number): Promise<void> {
  await db.run(sql`DELETE FROM package WHERE id = ${packageId}
    AND NOT EXISTS (SELECT 1 FROM package_version v WHERE v.package_id = ${packageId})`);
}

/** Versions of one package, each with the time of its newest file (Maven's `lastUpdated`). */
export async function listVersionsWithLastUpload(db: Database, packageId: number): Promise<(VersionRow & { lastUploadAt: number })[]> {
  const rows = await db
    .select({
      version: packageVersions,
      lastUploadAt: sql<number | null>`(SELECT max(f.created_at) FROM package_file f WHERE f.version_id = "package_version"."id")`,
    })
    .from(packageVersions)
    .where(eq(packageVersions.packageId, packageId))
    .orderBy(asc(packageVersions.id));
  return rows.map((r) => ({ ...r.version, lastUploadAt: r.lastUploadAt ?? r.version.createdAt }));
}

/** Deletes the copies of a file that are older than `keepFileId` (a redeploy replacing them). */
export async function deleteOlderCopies(db: Database, versionId: number, lowerName: string, keepFileId: number): Promise<number> {
  const deleted = await db
    .delete(packageFiles)
    .where(and(eq(packageFiles.versionId, versionId), eq(packageFiles.lowerName, lowerName), lt(packageFiles.id, keepFileId)))
    .returning({ id: packageFiles.id });
  return deleted.length;
}

/** Statements replacing versions' metadata JSON, for a D1 batch with other metadata writes. */
export function versionMetadataStatements(db: Database, updates: readonly { versionId: number; metadata: unknown }[]): D1PreparedStatement[] {
  const d1 = db.$client;
  return updates.map((u) => d1.prepare("UPDATE package_version SET metadata = ? WHERE id = ?").bind(JSON.stringify(u.metadata), u.versionId));
}

/** Statements deleting versions (their files go by cascade), for a D1 batch. */
export function deleteVersionsStatements(db: Database, versionIds: readonly number[]): D1PreparedStatement[] {
  const d1 = db.$client;
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < versionIds.length; i += 90) {
    const chunk = versionIds.slice(i, i + 90);
    statements.push(d1.prepare(`DELETE FROM package_version WHERE id IN (${chunk.map(() => "?").join(", ")})`).bind(...chunk));
  }
  return statements;
}

/** Statement deleting a package (versions and files go by cascade), for a D1 batch. */
export function deletePackageStatement(db: Database, packageId: number): D1PreparedStatement {
  return db.$client.prepare("DELETE FROM package WHERE id = ?").bind(packageId);
}

export interface PackageWithVersion {
  packageId: number;
  name: string;
  version: string;
  metadata: string;
  versionCreatedAt: number;
}

/**
 * Packages of a repository, each with one version: the one a package property
 * `tagProperty` names (npm's `latest`), else the newest. Every term must appear,
 * case-insensitively, in the name or in that version's metadata JSON. Sorted by name.
 */
export async function searchPackagesWithVersion(
  db: Database,
  repositoryId: number,
  options: { terms: readonly string[]; tagProperty: string; limit: number },
): Promise<PackageWithVersion[]> {
  const conditions = options.terms.map((term) => {
    const pattern = `%${escapeLike(term.toLowerCase())}%`;
    return sql`(p.lower_name LIKE ${pattern} ESCAPE '\\' OR lower(v.metadata) LIKE ${pattern} ESCAPE '\\')`;
  });
  const filter = conditions.length ? sql` AND ${sql.join(conditions, sql` AND `)}` : sql``;
  return db.all<PackageWithVersion>(sql`SELECT p.id AS packageId, p.name AS name, v.version AS version, v.metadata AS metadata, v.created_at AS versionCreatedAt
    FROM package p JOIN package_version v ON v.id = COALESCE(
      (SELECT v2.id FROM property t JOIN package_version v2 ON v2.package_id = p.id AND v2.lower_version = lower(t.value)
        WHERE t.ref_type = 'package' AND t.ref_id = p.id AND t.name = ${options.tagProperty} ORDER BY t.id DESC LIMIT 1),
      (SELECT max(v3.id) FROM package_version v3 WHERE v3.package_id = p.id))
    WHERE p.repository_id = ${repositoryId}${filter}
    ORDER BY p.lower_name LIMIT ${options.limit}`);
}
