/** Derived documents of hosted content (`derived_document`): one blob per (repository, key), valid for one revision. */
import { and, eq } from "drizzle-orm";
import type { Database } from "./client";
import type { BlobRow } from "./packages";
import type { PackageRow } from "./packages";
import { derivedDocuments, packageBlobs, packages, repositories } from "./schema";

export interface StoredDocument {
  revision: number;
  contentType: string;
  blob: BlobRow;
}

export async function findDerivedDocument(db: Database, repositoryId: number, key: string): Promise<StoredDocument | null> {
  const row = await db
    .select({ revision: derivedDocuments.revision, contentType: derivedDocuments.contentType, blob: packageBlobs })
    .from(derivedDocuments)
    .innerJoin(packageBlobs, eq(packageBlobs.id, derivedDocuments.blobId))
    .where(and(eq(derivedDocuments.repositoryId, repositoryId), eq(derivedDocuments.key, key)))
    .get();
  return row ?? null;
}

/**
 * Records a built document unless a newer revision is already stored (two builders racing:
 * the later revision wins whatever order they finish in). The replaced blob is left to GC.
 */
export async function saveDerivedDocument(
  db: Database,
  input: { repositoryId: number; key: string; revision: number; blobId: number; contentType: string; builtAt: number },
): Promise<void> {
  await db.$client.batch([
    db.$client
      .prepare(`INSERT INTO derived_document (repository_id, key, revision, blob_id, content_type, built_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (repository_id, key) DO UPDATE SET revision = excluded.revision, blob_id = excluded.blob_id,
          content_type = excluded.content_type, built_at = excluded.built_at
        WHERE excluded.revision >= derived_document.revision`)
      .bind(input.repositoryId, input.key, input.revision, input.blobId, input.contentType, input.builtAt),
    db.$client.prepare("UPDATE package_blob SET orphaned_at = NULL WHERE id = ?").bind(input.blobId),
  ]);
}

function documentOf(row: { revision: number | null; contentType: string | null; blob: BlobRow | null }): StoredDocument | null {
  return row.revision !== null && row.contentType !== null && row.blob ? { revision: row.revision, contentType: row.contentType, blob: row.blob } : null;
}

/** A package row and its derived document `key` (if any), in one query. */
export async function findPackageDocument(
  db: Database,
  repositoryId: number,
  lowerName: string,
  key: string,
): Promise<{ pkg: PackageRow; document: StoredDocument | null } | null> {
  const row = await db
    .select({ pkg: packages, revision: derivedDocuments.revision, contentType: derivedDocuments.contentType, blob: packageBlobs })
    .from(packages)
    .leftJoin(derivedDocuments, and(eq(derivedDocuments.repositoryId, packages.repositoryId), eq(derivedDocuments.key, key)))
    .leftJoin(packageBlobs, eq(packageBlobs.id, derivedDocuments.blobId))
    .where(and(eq(packages.repositoryId, repositoryId), eq(packages.lowerName, lowerName)))
    .get();
  return row ? { pkg: row.pkg, document: documentOf(row) } : null;
}

/** The repository's current revision and its derived document `key` (if any), in one query. */
export async function findRepositoryDocument(db: Database, repositoryId: number, key: string): Promise<{ revision: number; document: StoredDocument | null }> {
  const row = await db
    .select({ repositoryRevision: repositories.revision, revision: derivedDocuments.revision, contentType: derivedDocuments.contentType, blob: packageBlobs })
    .from(repositories)
    .leftJoin(derivedDocuments, and(eq(derivedDocuments.repositoryId, repositories.id), eq(derivedDocuments.key, key)))
    .leftJoin(packageBlobs, eq(packageBlobs.id, derivedDocuments.blobId))
    .where(eq(repositories.id, repositoryId))
    .get();
  return { revision: row?.repositoryRevision ?? 0, document: row ? documentOf(row) : null };
}

/** Deletes derived documents by key (index assets no build refers to any more); their blobs are left to GC. */
export async function deleteDerivedDocuments(db: Database, repositoryId: number, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 90) {
    const chunk = keys.slice(i, i + 90);
    await db.$client
      .prepare(`DELETE FROM derived_document WHERE repository_id = ? AND key IN (${chunk.map(() => "?").join(", ")})`)
      .bind(repositoryId, ...chunk)
      .run();
  }
}
