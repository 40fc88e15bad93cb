/**
 * What a read answer depends on besides its URL and Accept header: the repository row and,
 * for a virtual repository, every member's row — each with its **revision**, which every
 * hosted write bumps in the write's own D1 batch (src/db/revisions.ts) and a remote cache
 * purge bumps too (src/db/cache-entries.ts). Warm read caches key their entries on this stamp
 * (src/virtual/read-cache.ts in the isolate, src/virtual/edge-cache.ts in the Workers Cache),
 * so nothing is invalidated explicitly: a write changes the stamp, the next read misses.
 * `createdAt` tells a repository apart from a deleted one whose id was reused; `updatedAt`
 * moves with settings and visibility; member rules are part of a virtual's answer.
 */
import { listMembers, type MemberRef } from "../db/repositories";
import type { Database } from "../db/client";
import { rememberedMembers, rememberMembers } from "../db/repository-with-members";
import type { Repository } from "../repositories/model";

function rowStamp(repository: Repository): string {
  return `${repository.id}.${repository.createdAt}.${repository.updatedAt}.${repository.revision}`;
}

export function readStamp(repository: Repository, members: readonly MemberRef[]): string {
  const parts = members.map((m) => `${rowStamp(m.repository)}.${m.priority}.${JSON.stringify(m.include)}.${JSON.stringify(m.exclude)}`);
  return [rowStamp(repository), ...parts].join("~");
}

/**
 * A virtual repository's members for the stamp: remembered from the repository prefetch (no
 * query), else read once and remembered for the engine (`loadMembers` then reads no more);
 * other kinds have none.
 */
export async function stampMembers(db: Database, repository: Repository): Promise<MemberRef[]> {
  if (repository.kind !== "virtual") return [];
  const remembered = rememberedMembers(db, repository.id);
  if (remembered) return remembered;
  const members = await listMembers(db, repository.id);
  rememberMembers(db, repository.id, members);
  return members;
}
