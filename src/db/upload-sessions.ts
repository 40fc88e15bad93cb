/** Rows of `upload_session`: chunked uploads in progress (see src/repositories/upload-sessions.ts). */
import { and, eq, lte } from "drizzle-orm";
import type { Database } from "./client";
import { uploadSessions } from "./schema";

export type UploadSessionRow = typeof uploadSessions.$inferSelect;

export interface UploadPart {
  partNumber: number;
  etag: string;
  size: number;
}

export async function insertUploadSession(db: Database, row: Omit<UploadSessionRow, "parts" | "size" | "createdAt">, now: number): Promise<void> {
  await db.insert(uploadSessions).values({ ...row, parts: "[]", size: 0, createdAt: now });
}

export async function findUploadSession(db: Database, repositoryId: number, id: string): Promise<UploadSessionRow | null> {
  const row = await db
    .select()
    .from(uploadSessions)
    .where(and(eq(uploadSessions.id, id), eq(uploadSessions.repositoryId, repositoryId)))
    .get();
  return row ?? null;
}

/**
 * Records an append (new parts and the new total size), only if the session still has the
 * size and parts the caller read (optimistic concurrency: two appends racing on one
 * session → one fails). True on success.
 */
export async function recordUploadProgress(db: Database, row: UploadSessionRow, parts: readonly UploadPart[], size: number, expiresAt: number): Promise<boolean> {
  const result = await db
    .update(uploadSessions)
    .set({ parts: JSON.stringify(parts), size, expiresAt })
    .where(and(eq(uploadSessions.id, row.id), eq(uploadSessions.parts, row.parts), eq(uploadSessions.size, row.size)));
  return (result.meta.changes ?? 0) > 0;
}

export async function deleteUploadSession(db: Database, id: string): Promise<boolean> {
  const result = await db.delete(uploadSessions).where(eq(uploadSessions.id, id));
  return (result.meta.changes ?? 0) > 0;
}

export async function listExpiredUploadSessions(db: Database, now: number, limit: number): Promise<UploadSessionRow[]> {
  return db.select().from(uploadSessions).where(lte(uploadSessions.expiresAt, now)).limit(limit);
}
