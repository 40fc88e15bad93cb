/** Queries for users' repository grants (src/auth/permissions.ts decides what they mean). */
import { asc, eq } from "drizzle-orm";
import type { Database } from "./client";
import { grants } from "./schema";
import { forgetCachedPrincipals } from "../auth/token-cache";

export type GrantRow = typeof grants.$inferSelect;
export type Role = GrantRow["role"];

export interface GrantInput {
  pattern: string;
  role: Role;
}

export async function listGrants(db: Database, userId: number): Promise<GrantInput[]> {
  return db.select({ pattern: grants.pattern, role: grants.role }).from(grants).where(eq(grants.userId, userId)).orderBy(asc(grants.pattern));
}

/** Replaces a user's grants in one batch: readers never see a half-written set. */
export async function replaceGrants(db: Database, userId: number, list: readonly GrantInput[]): Promise<void> {
  const deleteOld = db.delete(grants).where(eq(grants.userId, userId));
  const now = Date.now();
  const inserts = list.map((g) => db.insert(grants).values({ userId, pattern: g.pattern, role: g.role, createdAt: now }));
  await db.batch([deleteOld, ...inserts]);
  forgetCachedPrincipals();
}
