/** `/api/v1/audit` (instance admin): who did what, with which token, when — newest first, paged by id. */
import { Hono } from "hono";
import { z } from "zod";
import { listAudit } from "../db/audit";
import { openDatabase } from "../db/client";
import type { AppEnv } from "../env";
import { requireInstanceAdmin } from "./guards";
import { declareRoute } from "./openapi";
import { parseQuery } from "./validation";

export const auditRoutes = new Hono<AppEnv>();

const auditQuery = z.object({
  repository: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const auditOutput = z.object({ id: z.int(), at: z.int(), actor: z.string(), tokenId: z.int().nullable(), tokenName: z.string().nullable(), action: z.string(), repository: z.string().nullable(), target: z.string().nullable(), detail: z.unknown(), requestId: z.string().nullable() });

declareRoute({ method: "get", path: "/audit", tag: "audit", auth: "instance admin", summary: "List audit events", query: auditQuery, responses: { 200: { description: "Events, newest first", schema: z.object({ events: z.array(auditOutput) }) } } });
auditRoutes.get("/", async (c) => {
  requireInstanceAdmin(c);
  const query = parseQuery(c, auditQuery);
  const rows = await listAudit(openDatabase(c.env.DB), {
    limit: query.limit,
    ...(query.repository ? { repository: query.repository } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.before ? { before: query.before } : {}),
  });
  return c.json({ events: rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown })) });
});
