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
    ? and(eq(packages.repositoryId, repositoryId), sql`instr(${packages.lowerName}, ${options.query.toLowerCase()}) > 0`)
    : eq(packages.repositoryId, repositoryId);
  return db
    .select({
      id: packages.id,
      repositoryId: packages.repositoryId,
      name: packages.name,
      lowerName: packages.lowerName,
      createdAt: packages.createdAt,
      revision: packages.revision,
      versionCount: sql<number>`(SELECT count(*) FROM package_version v WHERE v.package_id = "package"."id")`,
    })
    .from(packages)
    .where(filter)
    .orderBy(asc(packages.lowerName))
    .limit(options.limit)
    .offset(options.offset);
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

/** The newest file of that name by coordinates, in one query (package → version → file → blob joined). */
export async function findFileByCoordinates(
  db: Database,
  repositoryId: number,
  lowerName: string,
  lowerVersion: string,
  lowerFilename: string,
): Promise<FileWithBlob | null> {
  const row = await db
    .select({ file: packageFiles, blob: packageBlobs })
    .from(packageFiles)
    .innerJoin(packageVersions, eq(packageVersions.id, packageFiles.versionId))
    .innerJoin(packages, eq(packages.id, packageVersions.packageId))
    .innerJoin(packageBlobs, eq(packageBlobs.id, packageFiles.blobId))
    .where(
      and(
        eq(packages.repositoryId, repositoryId),
        eq(packages.lowerName, lowerName),
        eq(packageVersions.lowerVersion, lowerVersion),
        eq(packageFiles.lowerName, lowerFilename),
      ),
    )
    .orderBy(desc(packageFiles.createdAt), desc(packageFiles.id))
    .limit(1)
    .get();
  return row ?? null;
}

export interface LocatedFile extends FileWithBlob {
  pkg: PackageRow;
  version: VersionRow;
}

/** The newest file of a repository whose content has this sha256 (OCI/Helm by digest), with its package and version. */
export async function findFileByDigest(db: Database, repositoryId: number, sha256: string): Promise<LocatedFile | null> {
  const row = await db
    .select({ file: packageFiles, blob: packageBlobs, pkg: packages, version: packageVersions })
    .from(packageBlobs)
    .innerJoin(packageFiles, eq(packageFiles.blobId, packageBlobs.id))
    .innerJoin(packageVersions, eq(packageVersions.id, packageFiles.versionId))
    .innerJoin(packages, eq(packages.id, packageVersions.packageId))
    .where(and(eq(packageBlobs.sha256, sha256.toLowerCase()), eq(packages.repositoryId, repositoryId)))
    .orderBy(desc(packageFiles.createdAt), desc(packageFiles.id))
    .limit(1)
    .get();
  return row ?? null;
}

export interface PackageFileRow extends FileWithBlob {
  packageId: number;
  version: VersionRow;
}

/**
 * Every file of the given packages with its version and blob, in one query per 90
 * packages: for whole-repository indexes. Ordered by package, version (newest first), file
 * (newest first).
 */
export async function listFilesOfPackages(db: Database, packageIds: readonly number[]): Promise<PackageFileRow[]> {
  const rows: PackageFileRow[] = [];
  for (let i = 0; i < packageIds.length; i += 90) {
    const chunk = packageIds.slice(i, i + 90);
    const page = await db
      .select({ packageId: packageVersions.packageId, version: packageVersions, file: packageFiles, blob: packageBlobs })
      .from(packageFiles)
      .innerJoin(packageVersions, eq(packageVersions.id, packageFiles.versionId))
      .innerJoin(packageBlobs, eq(packageBlobs.id, packageFiles.blobId))
      .where(inArray(packageVersions.packageId, [...chunk]))
      .orderBy(asc(packageVersions.packageId), desc(packageVersions.createdAt), desc(packageVersions.id), desc(packageFiles.createdAt), desc(packageFiles.id));
    rows.push(...page);
  }
  return rows;
}

/**
 * One package's name and every file of it (with version and blob), newest version and copy
 * first, in ONE query (a warm index page is one round trip); null when the package is
 * unknown or has no file.
 */
export async function listFilesOfPackageNamed(db: Database, repositoryId: number, lowerName: string): Promise<{ name: string; rows: PackageFileRow[] } | null> {
  const rows = await db
    .select({ name: packages.name, packageId: packageVersions.packageId, version: packageVersions, file: packageFiles, blob: packageBlobs })
    .from(packages)
    .innerJoin(packageVersions, eq(packageVersions.packageId, packages.id))
    .innerJoin(packageFiles, eq(packageFiles.versionId, packageVersions.id))
    .innerJoin(packageBlobs, eq(packageBlobs.id, packageFiles.blobId))
    .where(and(eq(packages.repositoryId, repositoryId), eq(packages.lowerName, lowerName)))
    .orderBy(desc(packageVersions.createdAt), desc(packageVersions.id), desc(packageFiles.createdAt), desc(packageFiles.id));
  const first = rows[0];
  if (!first) return null;
  return { name: first.name, rows: rows.map(({ name: _name, ...row }) => row) };
}

/** Adds counted downloads to versions in one batch (counts are buffered off the read path). */
export async function addDownloads(db: Database, counts: ReadonlyMap<number, number>): Promise<void> {
  const d1 = db.$client;
  const statements = [...counts].map(([versionId, n]) => d1.prepare("UPDATE package_version SET download_count = download_count + ? WHERE id = ?").bind(n, versionId));
  if (statements.length) await d1.batch(statements);
}

/**
 * Statements deleting files by id from one version, with their properties (≤ 90 ids per
 * statement: D1 binds ≤ 100 parameters).
 */
export function deleteFileIdsStatements(db: Database, versionId: number, fileIds: readonly number[]): D1PreparedStatement[] {
  const d1 = db.$client;
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < fileIds.length; i += 90) {
    const chunk = fileIds.slice(i, i + 90);
    const marks = chunk.map(() => "?").join(", ");
    statements.push(
      d1.prepare(`DELETE FROM property WHERE ref_type = 'file' AND ref_id IN (${marks})`).bind(...chunk),
      d1.prepare(`DELETE FROM package_file WHERE version_id = ? AND id IN (${marks})`).bind(versionId, ...chunk),
    );
  }
  return statements;
}

/**
 * Statements removing a version left with no files, then its package if left with no
 * versions (as Gitea), each with its properties, for the end of a delete batch.
 */
export function pruneStatements(db: Database, versionId: number, packageId: number): D1PreparedStatement[] {
  const d1 = db.$client;
  return [
    d1.prepare("DELETE FROM package_version WHERE id = ? AND NOT EXISTS (SELECT 1 FROM package_file f WHERE f.version_id = ?)").bind(versionId, versionId),
    d1.prepare("DELETE FROM property WHERE ref_type = 'version' AND ref_id = ? AND NOT EXISTS (SELECT 1 FROM package_version v WHERE v.id = ?)").bind(versionId, versionId),
    ...prunePackageStatements(db, packageId),
  ];
}

/** Statements removing a package left with no versions, and then its properties. */
export function prunePackageStatements(db: Database, packageId: number): D1PreparedStatement[] {
  const d1 = db.$client;
  return [
    d1.prepare("DELETE FROM package WHERE id = ? AND NOT EXISTS (SELECT 1 FROM package_version v WHERE v.package_id = ?)").bind(packageId, packageId),
    d1.prepare("DELETE FROM property WHERE ref_type = 'package' AND ref_id = ? AND NOT EXISTS (SELECT 1 FROM package p WHERE p.id = ?)").bind(packageId, packageId),
  ];
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

/** Ids of the copies of a file older than `keepFileId` (a redeploy replacing them). */
export async function olderCopyIds(db: Database, versionId: number, lowerName: string, keepFileId: number): Promise<number[]> {
  const rows = await db
    .select({ id: packageFiles.id })
    .from(packageFiles)
    .where(and(eq(packageFiles.versionId, versionId), eq(packageFiles.lowerName, lowerName), lt(packageFiles.id, keepFileId)));
  return rows.map((r) => r.id);
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

export const MAX_SQL_TERMS = 40;

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
 * D1 binds at most 100 parameters per statement and each term takes two, so only the
 * `MAX_SQL_TERMS` longest terms filter in SQL; callers re-check every term on the rows (npm
 * search does), which is exact because the rows are a superset.
 */
export async function searchPackagesWithVersion(
  db: Database,
  repositoryId: number,
  options: { terms: readonly string[]; tagProperty: string; limit: number },
): Promise<PackageWithVersion[]> {
  const terms = [...new Set(options.terms)].sort((a, b) => b.length - a.length).slice(0, MAX_SQL_TERMS);
  const conditions = terms.map((term) => {
    const needle = term.toLowerCase();
    return sql`(instr(p.lower_name, ${needle}) > 0 OR instr(lower(v.metadata), ${needle}) > 0)`;
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

/** How many packages each repository holds (the Web UI's repository list), in one query. */
export async function countPackagesByRepository(db: Database): Promise<Map<number, number>> {
  const rows = await db.select({ repositoryId: packages.repositoryId, count: sql<number>`count(*)` }).from(packages).groupBy(packages.repositoryId);
  return new Map(rows.map((r) => [r.repositoryId, r.count]));
}
