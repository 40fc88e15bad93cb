/** Queries for users. */
import { asc, eq } from "drizzle-orm";
import type { Database } from "./client";
import { users } from "./schema";

export type UserRow = typeof users.$inferSelect;

export async function findUserByName(db: Database, name: string): Promise<UserRow | null> {
  return (await db.select().from(users).where(eq(users.name, name)).get()) ?? null;
}

export async function findUserById(db: Database, id: number): Promise<UserRow | null> {
  return (await db.select().from(users).where(eq(users.id, id)).get()) ?? null;
}

export async function listUsers(db: Database): Promise<UserRow[]> {
  return db.select().from(users).orderBy(asc(users.name));
}

export async function insertUser(
  db: Database,
  input: { name: string; email?: string; isAdmin: boolean; passwordHash: string | null },
): Promise<UserRow> {
  return db
    .insert(users)
    .values({ name: input.name, email: input.email ?? null, isAdmin: input.isAdmin, passwordHash: input.passwordHash, createdAt: Date.now() })
    .returning()
    .get();
}

export async function updateUser(
  db: Database,
  id: number,
  changes: Partial<Pick<UserRow, "disabled" | "isAdmin" | "passwordHash" | "email">>,
): Promise<void> {
  await db.update(users).set(changes).where(eq(users.id, id));
}
