/** Queries for repositories, their virtual members and remote configuration. */
import { asc, desc, eq, inArray } from "drizzle-orm";
import { toRepository, type Repository } from "../repositories/model";
import { forgetCachedRepositories } from "../repositories/repository-cache";
import type { RepositorySettings } from "../repositories/settings";
import type { Database } from "./client";
import { rememberedMembers } from "./repository-with-members";
import { remoteConfigs, repositories, virtualMembers } from "./schema";

export type RemoteConfigRow = typeof remoteConfigs.$inferSelect;
export type NewRemoteConfig = Omit<typeof remoteConfigs.$inferInsert, "repositoryId">;

export interface MemberRef {
  repository: Repository;
  priority: number;
  include: string[] | null;
  exclude: string[] | null;
}

export interface MemberInput {
  memberId: number;
  priority: number;
  include?: string[] | undefined;
  exclude?: string[] | undefined;
}

const patterns = (list: string[] | undefined): string | null => (list && list.length ? JSON.stringify(list) : null);
const parsePatterns = (json: string | null): string[] | null => (json ? (JSON.parse(json) as string[]) : null);

export async function findRepository(db: Database, name: string): Promise<Repository | null> {
  const row = await db.select().from(repositories).where(eq(repositories.name, name)).get();
  return row ? toRepository(row) : null;
}

export async function findRepositoryById(db: Database, id: number): Promise<Repository | null> {
  const row = await db.select().from(repositories).where(eq(repositories.id, id)).get();
  return row ? toRepository(row) : null;
}

export async function findRepositoriesByName(db: Database, names: readonly string[]): Promise<Repository[]> {
  if (names.length === 0) return [];
  const rows = await db.select().from(repositories).where(inArray(repositories.name, [...names]));
  return rows.map(toRepository);
}

export async function listRepositories(db: Database): Promise<Repository[]> {
  const rows = await db.select().from(repositories).orderBy(asc(repositories.name));
  return rows.map(toRepository);
}

export interface NewRepository {
  name: string;
  format: string;
  kind: Repository["kind"];
  visibility: Repository["visibility"];
  settings: RepositorySettings;
  remote?: NewRemoteConfig;
  members?: MemberInput[];
}

/** Inserts a repository with its remote config or members; undone if the second step fails. */
export async function insertRepository(db: Database, input: NewRepository): Promise<Repository> {
  const now = Date.now();
  const row = await db
    .insert(repositories)
    .values({
      name: input.name,
      format: input.format,
      kind: input.kind,
      visibility: input.visibility,
      settings: JSON.stringify(input.settings),
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  try {
    if (input.remote) await db.insert(remoteConfigs).values({ ...input.remote, repositoryId: row.id });
    if (input.members) await replaceMembers(db, row.id, input.members);
  } catch (error) {
    await db.delete(repositories).where(eq(repositories.id, row.id));
    throw error;
  }
  forgetCachedRepositories();
  return toRepository(row);
}

export async function updateRepository(
  db: Database,
  id: number,
  changes: { visibility?: Repository["visibility"]; settings?: RepositorySettings },
): Promise<void> {
  await db
    .update(repositories)
    .set({
      ...(changes.visibility ? { visibility: changes.visibility } : {}),
      ...(changes.settings ? { settings: JSON.stringify(changes.settings) } : {}),
      updatedAt: Date.now(),
    })
    .where(eq(repositories.id, id));
  forgetCachedRepositories();
}

/** Names of the virtual repositories that list this repository as a member. */
export async function virtualsContaining(db: Database, memberId: number): Promise<string[]> {
  const rows = await db
    .select({ name: repositories.name })
    .from(virtualMembers)
    .innerJoin(repositories, eq(repositories.id, virtualMembers.virtualId))
    .where(eq(virtualMembers.memberId, memberId))
    .orderBy(asc(repositories.name));
  return rows.map((r) => r.name);
}

/** Ids of the virtual repositories that list this repository as a member (the IndexBuilder chains their builds). */
export async function virtualIdsContaining(db: Database, memberId: number): Promise<number[]> {
  const rows = await db.select({ id: virtualMembers.virtualId }).from(virtualMembers).where(eq(virtualMembers.memberId, memberId));
  return rows.map((r) => r.id);
}

export async function deleteRepository(db: Database, id: number): Promise<void> {
  await db.delete(repositories).where(eq(repositories.id, id));
  forgetCachedRepositories();
}

/** Replaces a virtual repository's members; `position` records the order they were given. */
export async function replaceMembers(
  db: Database,
  virtualId: number,
  members: readonly MemberInput[],
): Promise<void> {
  const deleteOld = db.delete(virtualMembers).where(eq(virtualMembers.virtualId, virtualId));
  if (members.length === 0) {
    await deleteOld;
    forgetCachedRepositories();
    return;
  }
  // One statement per member: D1 allows 100 bound parameters per statement.
  const inserts = members.map((m, position) =>
    db.insert(virtualMembers).values({
      virtualId,
      memberId: m.memberId,
      priority: m.priority,
      position,
      includePatterns: patterns(m.include),
      excludePatterns: patterns(m.exclude),
    }),
  );
  await db.batch([deleteOld, ...inserts]);
  forgetCachedRepositories();
}

/** Members in resolution order: higher priority first, ties in the order they were added. */
export async function listMembers(db: Database, virtualId: number): Promise<MemberRef[]> {
  const remembered = rememberedMembers(db, virtualId);
  if (remembered) return remembered;
  const rows = await db
    .select({
      repository: repositories,
      priority: virtualMembers.priority,
      include: virtualMembers.includePatterns,
      exclude: virtualMembers.excludePatterns,
    })
    .from(virtualMembers)
    .innerJoin(repositories, eq(repositories.id, virtualMembers.memberId))
    .where(eq(virtualMembers.virtualId, virtualId))
    .orderBy(desc(virtualMembers.priority), asc(virtualMembers.position));
  return rows.map((r) => ({
    repository: toRepository(r.repository),
    priority: r.priority,
    include: parsePatterns(r.include),
    exclude: parsePatterns(r.exclude),
  }));
}

export async function findRemoteConfig(db: Database, repositoryId: number): Promise<RemoteConfigRow | null> {
  const row = await db.select().from(remoteConfigs).where(eq(remoteConfigs.repositoryId, repositoryId)).get();
  return row ?? null;
}

export async function updateRemoteConfig(db: Database, repositoryId: number, changes: Partial<NewRemoteConfig>): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.update(remoteConfigs).set(changes).where(eq(remoteConfigs.repositoryId, repositoryId));
  forgetCachedRepositories();
}
