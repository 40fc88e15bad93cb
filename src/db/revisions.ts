/**
 * Revisions of hosted content (docs/architecture.md): every write batch ends with
 * these statements, so the repository revision grows by one per change and the package
 * takes the new repository revision as its own (monotonic, never reused by a re-created
 * package). Derived documents are valid for one revision.
 */
import { forgetCachedRepositories } from "../repositories/repository-cache";
import type { Database } from "./client";

export interface Revisions {
  repository: number;
  /** Null when the package does not exist (any more). */
  package: number | null;
}

/**
 * Statements that bump the revisions and, last, read them back: append them to a write
 * batch and pass the batch's results to `revisionsFromBatch`.
 */
export function bumpRevisionStatements(db: Database, repositoryId: number, lowerName: string | null): D1PreparedStatement[] {
  const d1 = db.$client;
  const statements = [d1.prepare("UPDATE repository SET revision = revision + 1 WHERE id = ?").bind(repositoryId)];
  if (lowerName !== null) {
    statements.push(
      d1
        .prepare("UPDATE package SET revision = (SELECT revision FROM repository WHERE id = ?) WHERE repository_id = ? AND lower_name = ?")
        .bind(repositoryId, repositoryId, lowerName),
    );
  }
  statements.push(
    d1
      .prepare(`SELECT r.revision AS repository_revision, p.revision AS package_revision
        FROM repository r LEFT JOIN package p ON p.repository_id = r.id AND p.lower_name = ? WHERE r.id = ?`)
      .bind(lowerName ?? "", repositoryId),
  );
  return statements;
}

/**
 * The revisions read back by the last statement of a batch built with `bumpRevisionStatements`.
 * Every committed revision bump passes through here, so this is where the isolate forgets its
 * cached repository rows (their revision is now old): the writer's next read sees its write.
 */
export function revisionsFromBatch(results: readonly D1Result[]): Revisions {
  forgetCachedRepositories();
  const row = results[results.length - 1]?.results[0] as { repository_revision: number; package_revision: number | null } | undefined;
  return { repository: row?.repository_revision ?? 0, package: row?.package_revision ?? null };
}

/** The current revisions without changing them. */
export async function readRevisions(db: Database, repositoryId: number, lowerName: string | null): Promise<Revisions> {
  const row = await db.$client
    .prepare(`SELECT r.revision AS repository_revision, p.revision AS package_revision
      FROM repository r LEFT JOIN package p ON p.repository_id = r.id AND p.lower_name = ? WHERE r.id = ?`)
    .bind(lowerName ?? "", repositoryId)
    .first<{ repository_revision: number; package_revision: number | null }>();
  return { repository: row?.repository_revision ?? 0, package: row?.package_revision ?? null };
}
