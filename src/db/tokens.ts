/** Queries for API tokens (stored as SHA-256 hashes). */
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Scope } from "../auth/principal";
import type { Database } from "./client";
import { tokens, users } from "./schema";

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
  input: { userId: number | null; name: string; hash: string; scopes: Scope[]; repositories: string[] | null; expiresAt: number | null },
): Promise<TokenRow> {
  return db
    .insert(tokens)
    .values({
      userId: input.userId,
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

/** Tokens of one owner (null: the bootstrap admin's), or every token when `owner` is "all". */
export async function listTokens(db: Database, owner: number | null | "all"): Promise<TokenRow[]> {
  const query = db.select().from(tokens);
  const filtered = owner === "all" ? query : query.where(owner === null ? isNull(tokens.userId) : eq(tokens.userId, owner));
  return filtered.orderBy(desc(tokens.createdAt));
}

export async function findToken(db: Database, id: number): Promise<TokenRow | null> {
  return (await db.select().from(tokens).where(eq(tokens.id, id)).get()) ?? null;
}

export async function revokeToken(db: Database, id: number): Promise<void> {
  await db.update(tokens).set({ revokedAt: Date.now() }).where(and(eq(tokens.id, id), isNull(tokens.revokedAt)));
}

export async function touchToken(db: Database, id: number): Promise<void> {
  await db.update(tokens).set({ lastUsedAt: Date.now() }).where(eq(tokens.id, id));
}
