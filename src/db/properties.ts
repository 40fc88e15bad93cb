/**
 * Queries for the `property` table (DESIGN §3; Gitea's `package_property`): typed key/value
 * rows attached to a package, version or file — npm dist-tags and package state, and
 * later OCI tags, distro/arch, yanked flags. A name may repeat on one ref (multi-valued);
 * `setProperty` statements replace every row of that name on the ref.
 * Changes are returned as D1 statements so callers batch them with other writes (one
 * batch is one transaction).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { properties } from "./schema";

export type PropertyRefType = "package" | "version" | "file";
export type PropertyRow = typeof properties.$inferSelect;

/** One change: `value` null deletes every row of that name on the ref. */
export interface PropertyChange {
  refType: PropertyRefType;
  refId: number;
  name: string;
  value: string | null;
}

/** Properties of one ref, optionally only those whose name starts with `namePrefix`. */
export async function listProperties(db: Database, refType: PropertyRefType, refId: number, namePrefix?: string): Promise<PropertyRow[]> {
  const base = and(eq(properties.refType, refType), eq(properties.refId, refId));
  const where = namePrefix === undefined ? base : and(base, sql`instr(${properties.name}, ${namePrefix}) = 1`);
  return db.select().from(properties).where(where).orderBy(properties.id);
}

/** The (newest) value of a single-valued property, or null. */
export async function getProperty(db: Database, refType: PropertyRefType, refId: number, name: string): Promise<string | null> {
  const rows = await db
    .select({ value: properties.value })
    .from(properties)
    .where(and(eq(properties.refType, refType), eq(properties.refId, refId), eq(properties.name, name)))
    .orderBy(sql`${properties.id} DESC`)
    .limit(1);
  return rows[0]?.value ?? null;
}

/** Statements that apply the changes (delete then insert per name), for a D1 batch. */
export function propertyStatements(db: Database, changes: readonly PropertyChange[]): D1PreparedStatement[] {
  const d1 = db.$client;
  const statements: D1PreparedStatement[] = [];
  for (const change of changes) {
    statements.push(d1.prepare("DELETE FROM property WHERE ref_type = ? AND ref_id = ? AND name = ?").bind(change.refType, change.refId, change.name));
    if (change.value !== null) {
      statements.push(
        d1.prepare("INSERT INTO property (ref_type, ref_id, name, value) VALUES (?, ?, ?, ?)").bind(change.refType, change.refId, change.name, change.value),
      );
    }
  }
  return statements;
}

/** Statements deleting every property of the given refs (whole package or versions removed). */
export function deleteRefStatements(db: Database, refType: PropertyRefType, refIds: readonly number[]): D1PreparedStatement[] {
  const d1 = db.$client;
  const statements: D1PreparedStatement[] = [];
  // D1 allows 100 bound parameters per statement.
  for (let i = 0; i < refIds.length; i += 90) {
    const chunk = refIds.slice(i, i + 90);
    statements.push(d1.prepare(`DELETE FROM property WHERE ref_type = ? AND ref_id IN (${chunk.map(() => "?").join(", ")})`).bind(refType, ...chunk));
  }
  return statements;
}

/** Statements deleting the properties of every file of the given versions (before the versions go). */
export function deleteFilePropertiesOfVersionsStatements(db: Database, versionIds: readonly number[]): D1PreparedStatement[] {
  const d1 = db.$client;
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < versionIds.length; i += 90) {
    const chunk = versionIds.slice(i, i + 90);
    statements.push(
      d1
        .prepare(`DELETE FROM property WHERE ref_type = 'file' AND ref_id IN (SELECT id FROM package_file WHERE version_id IN (${chunk.map(() => "?").join(", ")}))`)
        .bind(...chunk),
    );
  }
  return statements;
}
