/**
 * The three intent-named create operations (Gitea's package service), each one atomic
 * D1 batch so a failed step leaves nothing behind:
 * - createVersionAndAddFile: the version must be new (exists → 409).
 * - createOrAddFile: the version may exist; the file must be new.
 * - addFileToExistingVersion: the version must exist (404); the file must be new.
 */
import { RegistryError } from "../errors";
import { isUniqueViolation, type Database } from "./client";
import { bumpRevisionStatements, revisionsFromBatch, type Revisions } from "./revisions";

export interface VersionSpec {
  repositoryId: number;
  packageName: string;
  lowerName: string;
  version: string;
  lowerVersion: string;
  metadata?: unknown;
  creatorId: number | null;
}

export interface FileSpec {
  name: string;
  lowerName: string;
  compositeKey?: string;
  isLead?: boolean;
  blobId: number;
}

export interface CreatedFile {
  fileId: number;
  versionId: number;
  packageId: number;
  revisions: Revisions;
}

type VersionRule = "must-be-new" | "may-exist" | "must-exist";

export const createVersionAndAddFile = (db: Database, version: VersionSpec, file: FileSpec) =>
  writeFile(db, version, file, "must-be-new");
export const createOrAddFile = (db: Database, version: VersionSpec, file: FileSpec) =>
  writeFile(db, version, file, "may-exist");
export const addFileToExistingVersion = (db: Database, version: VersionSpec, file: FileSpec) =>
  writeFile(db, version, file, "must-exist");

async function writeFile(db: Database, v: VersionSpec, f: FileSpec, rule: VersionRule): Promise<CreatedFile> {
  const d1 = db.$client;
  const now = Date.now();
  const metadata = JSON.stringify(v.metadata ?? {});
  const statements: D1PreparedStatement[] = [];
  if (rule !== "must-exist") {
    statements.push(
      d1
        .prepare(`INSERT INTO package (repository_id, name, lower_name, created_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (repository_id, lower_name) DO NOTHING`)
        .bind(v.repositoryId, v.packageName, v.lowerName, now),
      d1
        .prepare(`INSERT INTO package_version (package_id, version, lower_version, metadata, creator_id, created_at)
          SELECT id, ?, ?, ?, ?, ? FROM package WHERE repository_id = ? AND lower_name = ?
          ${rule === "may-exist" ? "ON CONFLICT (package_id, lower_version) DO NOTHING" : ""}`)
        .bind(v.version, v.lowerVersion, metadata, v.creatorId, now, v.repositoryId, v.lowerName),
    );
  }
  statements.push(
    d1
      .prepare(`INSERT INTO package_file (version_id, blob_id, name, lower_name, composite_key, is_lead, created_at)
        SELECT v.id, ?, ?, ?, ?, ?, ? FROM package_version v JOIN package p ON p.id = v.package_id
        WHERE p.repository_id = ? AND p.lower_name = ? AND v.lower_version = ?`)
      .bind(f.blobId, f.name, f.lowerName, f.compositeKey ?? "", f.isLead ? 1 : 0, now, v.repositoryId, v.lowerName, v.lowerVersion),
    d1.prepare("UPDATE package_blob SET orphaned_at = NULL WHERE id = ?").bind(f.blobId),
    d1
      .prepare(`SELECT f.id AS file_id, v.id AS version_id, p.id AS package_id
        FROM package_file f JOIN package_version v ON v.id = f.version_id JOIN package p ON p.id = v.package_id
        WHERE p.repository_id = ? AND p.lower_name = ? AND v.lower_version = ? AND f.lower_name = ? AND f.composite_key = ?`)
      .bind(v.repositoryId, v.lowerName, v.lowerVersion, f.lowerName, f.compositeKey ?? ""),
  );
  const createdIndex = statements.length - 1;
  statements.push(...bumpRevisionStatements(db, v.repositoryId, v.lowerName));
  let results: D1Result[];
  try {
    // One D1 batch is one transaction: a failed statement rolls back the package and version rows too.
    results = await d1.batch(statements);
  } catch (error) {
    if (isUniqueViolation(error)) {
      const message = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
      if (message.includes("package_version")) throw new RegistryError("exists", `version ${v.version} of ${v.packageName} already exists`);
      throw new RegistryError("exists", `file ${f.name} already exists in ${v.packageName} ${v.version}`);
    }
    throw error;
  }
  const created = results[createdIndex]?.results[0] as { file_id: number; version_id: number; package_id: number } | undefined;
  if (!created) {
    // Only reachable for must-exist: the file INSERT … SELECT matched no version row.
    throw new RegistryError("not_found", `version ${v.version} of ${v.packageName} not found`);
  }
  return { fileId: created.file_id, versionId: created.version_id, packageId: created.package_id, revisions: revisionsFromBatch(results) };
}
