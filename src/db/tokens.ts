/** Queries for API tokens (stored as SHA-256 hashes). */
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Scope } from "../auth/principal";
import type { Database } from "./client";
import { tokens, users } from "./schema";
import { forgetCachedPrincipals } from "../auth/token-cache";

export type TokenRow = typeof tokens.$inferSelect;

export interface TokenWithOwner {
  token: TokenRow;
  ownerName: string | null;
  ownerIsAdmin: boolean;
  ownerDisabled: boolean;
}

export async function findTokenByHash(db: Database, hash: string): Promise<TokenWithOwner | null> {
  const row = await db
    .select({ token: tokens, ownerName: users.name, ownerIsAdmin: users.isAdmin, ownerDisabled: users.disabled })
    .from(tokens)
    .leftJoin(users, eq(users.id, tokens.userId))
    .where(eq(tokens.hash, hash))
    .get();
  if (!row) return null;
  return { token: row.token, ownerName: row.ownerName, ownerIsAdmin: row.ownerIsAdmin ?? false, ownerDisabled: row.ownerDisabled ?? false };
}

export async function insertToken(
  db: Database,
  input: { userId: number; parentId?: number | null; name: string; hash: string; scopes: Scope[]; repositories: string[] | null; expiresAt: number | null },
): Promise<TokenRow> {
  return db
    .insert(tokens)
    .values({
      userId: input.userId,
      parentId: input.parentId ?? null,
      name: input.name,
      hash: input.hash,
      scopes: JSON.stringify(input.scopes),
      repositories: input.repositories ? JSON.stringify(input.repositories) : null,
      expiresAt: input.expiresAt,
      createdAt: Date.now(),
    })
    .returning()
    .get();
}

/** Ids of a token and every token created from it, at any depth. */
export async function tokenFamily(db: Database, rootId: number): Promise<number[]> {
  const rows = await db.all<{ id: number }>(sql`
    WITH RECURSIVE family(id) AS (SELECT ${rootId} UNION SELECT t.id FROM token t JOIN family f ON t.parent_id = f.id)
    SELECT id FROM family`);
  return rows.map((r) => r.id);
}

/** Tokens of one owner, the given ids, or every token; newest first. */
export async function listTokens(db: Database, filter: { userId: number } | { ids: number[] } | "all"): Promise<TokenRow[]> {
  const query = db.select().from(tokens);
  const filtered = filter === "all" ? query : query.where("ids" in filter ? inArray(tokens.id, filter.ids) : eq(tokens.userId, filter.userId));
  return filtered.orderBy(desc(tokens.createdAt), desc(tokens.id));
}

export async function findToken(db: Database, id: number): Promise<TokenRow | null> {
  return (await db.select().from(tokens).where(eq(tokens.id, id)).get()) ?? null;
}

/** Revokes a token and every token created from it. */
export async function revokeToken(db: Database, id: number): Promise<void> {
  const family = await tokenFamily(db, id);
  await db.update(tokens).set({ revokedAt: Date.now() }).where(and(inArray(tokens.id, family), isNull(tokens.revokedAt)));
  forgetCachedPrincipals();
}

export async function touchToken(db: Database, id: number): Promise<void> {
  await db.update(tokens).set({ lastUsedAt: Date.now() }).where(eq(tokens.id, id));
}
