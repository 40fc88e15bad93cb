/**
 * `/api/v1/tokens`: create (the token is in the 201 body, once), list, revoke. Any
 * authenticated caller manages their own tokens and cannot grant more than they hold;
 * an admin may create tokens for other users and see every token.
 */
import { Hono } from "hono";
import { z } from "zod";
import { generateToken, sha256Hex } from "../auth/crypto";
import { isAdmin, scopes, type Principal, type Scope } from "../auth/principal";
import { recordAudit } from "../db/audit";
import { openDatabase } from "../db/client";
import { findToken, insertToken, listTokens, revokeToken, type TokenRow } from "../db/tokens";
import { findUserByName } from "../db/users";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { repositoryNamePattern } from "../repositories/model";
import { requireAuthenticated } from "./guards";
import { declareRoute } from "./openapi";
import { parseJsonBody, parseQuery } from "./validation";

export const tokenRoutes = new Hono<AppEnv>();

const createTokenSchema = z.strictObject({
  name: z.string().min(1).max(128),
  scopes: z.array(z.enum(scopes)).min(1),
  repositories: z.array(z.string().regex(repositoryNamePattern)).min(1).max(100).optional(),
  /** ISO 8601 date-time or milliseconds since the epoch; must be in the future. */
  expiresAt: z.union([z.iso.datetime({ offset: true }), z.int().positive()]).optional(),
  /** Admin only: create the token for this user instead of the caller. */
  user: z.string().min(1).max(64).optional(),
});

const tokenOutputSchema = z.object({
  id: z.int(),
  name: z.string(),
  scopes: z.array(z.enum(scopes)),
  repositories: z.array(z.string()).nullable(),
  expiresAt: z.int().nullable(),
  revokedAt: z.int().nullable(),
  lastUsedAt: z.int().nullable(),
  createdAt: z.int(),
  userId: z.int().nullable(),
});

function describeToken(row: TokenRow): z.output<typeof tokenOutputSchema> {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Scope[],
    repositories: row.repositories ? (JSON.parse(row.repositories) as string[]) : null,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
    createdAt: row.createdAt,
    userId: row.userId,
  };
}

declareRoute({
  method: "post", path: "/tokens", tag: "tokens", auth: "token", summary: "Create a token (shown once)",
  body: createTokenSchema,
  responses: { 201: { description: "The token; `token` is never shown again", schema: tokenOutputSchema.extend({ token: z.string() }) }, 400: { description: "Invalid input" }, 403: { description: "Scopes beyond the caller's" } },
});
tokenRoutes.post("/", async (c) => {
  const principal = requireAuthenticated(c);
  const input = await parseJsonBody(c, createTokenSchema);
  const db = openDatabase(c.env.DB);
  const expiresAt = input.expiresAt === undefined ? null : typeof input.expiresAt === "number" ? input.expiresAt : Date.parse(input.expiresAt);
  if (expiresAt !== null && expiresAt <= Date.now()) throw new RegistryError("bad_request", "expiresAt: must be in the future", { field: "expiresAt" });
  for (const scope of input.scopes) {
    if (!principal.scopes.has(scope)) throw new RegistryError("denied", `cannot grant scope ${scope} you do not hold`);
  }
  const restriction = narrowRepositories(principal, input.repositories ?? null);
  let ownerId = principal.userId;
  if (input.user) {
    if (!isAdmin(principal)) throw new RegistryError("denied", "only an admin may create tokens for other users");
    const owner = await findUserByName(db, input.user);
    if (!owner) throw new RegistryError("bad_request", `user ${input.user} does not exist`, { field: "user" });
    ownerId = owner.id;
  }
  const token = generateToken();
  const row = await insertToken(db, { userId: ownerId, name: input.name, hash: await sha256Hex(token), scopes: input.scopes, repositories: restriction, expiresAt });
  await recordAudit(db, { actor: principal.name, action: "token.create", target: `token:${row.id}`, detail: { name: input.name, scopes: input.scopes, repositories: restriction, user: input.user ?? principal.name }, requestId: c.var.requestId });
  return c.json({ ...describeToken(row), token }, 201);
});

/** A new token may not reach repositories the creating credential cannot. */
function narrowRepositories(principal: Principal, requested: string[] | null): string[] | null {
  if (principal.repositories === null) return requested;
  if (requested === null) return [...principal.repositories];
  const outside = requested.filter((name) => !principal.repositories?.includes(name));
  if (outside.length) throw new RegistryError("denied", `cannot grant access to ${outside.join(", ")}`);
  return requested;
}

declareRoute({
  method: "get", path: "/tokens", tag: "tokens", auth: "token", summary: "List your tokens (admins: ?all=true for every token)",
  query: z.object({ all: z.enum(["true", "false"]).optional() }),
  responses: { 200: { description: "Tokens, without secrets", schema: z.object({ tokens: z.array(tokenOutputSchema) }) } },
});
tokenRoutes.get("/", async (c) => {
  const principal = requireAuthenticated(c);
  const query = parseQuery(c, z.object({ all: z.enum(["true", "false"]).optional() }));
  const all = query.all === "true" && isAdmin(principal);
  const rows = await listTokens(openDatabase(c.env.DB), all ? "all" : principal.userId);
  return c.json({ tokens: rows.map(describeToken) });
});

declareRoute({
  method: "delete", path: "/tokens/{id}", tag: "tokens", auth: "token", summary: "Revoke a token",
  responses: { 204: { description: "Revoked" }, 404: { description: "No such token of yours" } },
});
tokenRoutes.delete("/:id", async (c) => {
  const principal = requireAuthenticated(c);
  const db = openDatabase(c.env.DB);
  const id = Number(c.req.param("id"));
  const row = Number.isInteger(id) ? await findToken(db, id) : null;
  if (!row || (!isAdmin(principal) && row.userId !== principal.userId)) throw new RegistryError("not_found", `token ${c.req.param("id")} not found`);
  await revokeToken(db, row.id);
  await recordAudit(db, { actor: principal.name, action: "token.revoke", target: `token:${row.id}`, detail: { name: row.name }, requestId: c.var.requestId });
  return c.body(null, 204);
});
