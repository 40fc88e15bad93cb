/** Audit events: who did what, when. Written for uploads, deletes, token and repository changes. */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Database } from "./client";
import { auditEvents } from "./schema";

export type AuditRow = typeof auditEvents.$inferSelect;

export interface AuditInput {
  /** The user (or job) acting. */
  actor: string;
  /** The token the actor presented, when it was one. */
  token?: { id: number; name: string } | null;
  action: string;
  repository?: string | null;
  target?: string | null;
  detail?: Record<string, unknown>;
  requestId?: string | null;
}

export async function recordAudit(db: Database, event: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    at: Date.now(),
    actor: event.actor,
    tokenId: event.token?.id ?? null,
    tokenName: event.token?.name ?? null,
    action: event.action,
    repository: event.repository ?? null,
    target: event.target ?? null,
    detail: JSON.stringify(event.detail ?? {}),
    requestId: event.requestId ?? null,
  });
}

/** Newest first; `before` is an event id cursor for paging. */
export async function listAudit(
  db: Database,
  filter: { repository?: string; action?: string; before?: number; limit: number },
): Promise<AuditRow[]> {
  const conditions: SQL[] = [];
  if (filter.repository) conditions.push(eq(auditEvents.repository, filter.repository));
  if (filter.action) conditions.push(eq(auditEvents.action, filter.action));
  if (filter.before) conditions.push(lt(auditEvents.id, filter.before));
  return db
    .select()
    .from(auditEvents)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(filter.limit);
}
