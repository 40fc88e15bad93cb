/**
 * The repository a request names and, for a virtual one, its members — in one query, so
 * the lookup can run alongside authentication (src/repositories/prefetch.ts). Members
 * found this way are remembered on the request's Database handle, so `listMembers` for the
 * same virtual repository in the same request costs no second query.
 */
import { asc, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { toRepository, type Repository } from "../repositories/model";
import type { Database } from "./client";
import type { MemberRef } from "./repositories";
import { repositories, virtualMembers } from "./schema";

const parsePatterns = (json: string | null): string[] | null => (json ? (JSON.parse(json) as string[]) : null);

const memberMemo = new WeakMap<Database, Map<number, MemberRef[]>>();

export async function findRepositoryWithMembers(db: Database, name: string): Promise<{ repository: Repository; members: MemberRef[] } | null> {
  const member = alias(repositories, "member_repository");
  const rows = await db
    .select({
      repository: repositories,
      member,
      priority: virtualMembers.priority,
      include: virtualMembers.includePatterns,
      exclude: virtualMembers.excludePatterns,
    })
    .from(repositories)
    .leftJoin(virtualMembers, eq(virtualMembers.virtualId, repositories.id))
    .leftJoin(member, eq(member.id, virtualMembers.memberId))
    .where(eq(repositories.name, name))
    .orderBy(desc(virtualMembers.priority), asc(virtualMembers.position));
  const first = rows[0];
  if (!first) return null;
  const members: MemberRef[] = [];
  for (const row of rows) {
    if (row.member && row.priority !== null) {
      members.push({ repository: toRepository(row.member), priority: row.priority, include: parsePatterns(row.include), exclude: parsePatterns(row.exclude) });
    }
  }
  return { repository: toRepository(first.repository), members };
}

/** Remembers a virtual repository's members for the rest of the request using `db`. */
export function rememberMembers(db: Database, virtualId: number, members: MemberRef[]): void {
  let memo = memberMemo.get(db);
  if (!memo) memberMemo.set(db, (memo = new Map()));
  memo.set(virtualId, members);
}

export function rememberedMembers(db: Database, virtualId: number): MemberRef[] | undefined {
  return memberMemo.get(db)?.get(virtualId);
}
