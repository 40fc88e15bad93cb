/** Queries for users. */
import { asc, eq } from "drizzle-orm";
import type { Database } from "./client";
import { users } from "./schema";
import { forgetCachedPrincipals } from "../auth/token-cache";

export type UserRow = typeof users.$inferSelect;

export async function findUserByName(db: Database, name: string): Promise<UserRow | null> {
  return (await db.select().from(users).where(eq(users.name, name)).get()) ?? null;
}

export async function findUserById(db: Database, id: number): Promise<UserRow | null> {
  return (await db.select().from(users).where(eq(users.id, id)).get()) ?? null;
}

/** The built-in instance admin that owns tokens minted with ADMIN_TOKEN (migration 0007). */
export const BUILTIN_ADMIN = "admin";

/** The built-in admin's id, creating the user if a database predates migration 0007's row. */
export async function builtinAdminId(db: Database): Promise<number> {
  const find = () => db.select({ id: users.id }).from(users).where(eq(users.name, BUILTIN_ADMIN)).get();
  const existing = await find();
  if (existing) return existing.id;
  await db.insert(users).values({ name: BUILTIN_ADMIN, isAdmin: true, createdAt: Date.now() }).onConflictDoNothing();
  const created = await find();
  if (!created) throw new Error("built-in admin user missing");
  return created.id;
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
  forgetCachedPrincipals();
}
