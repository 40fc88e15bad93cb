/**
 * `/api/v1/tokens`: create (the token is in the 201 body, once), list, revoke (docs/auth.md).
 * A password manages all of its user's tokens; a token manages itself and the tokens it
 * created, which never exceed its scopes, repositories or expiry and are revoked with it.
 * Instance admins create tokens for any user and see and revoke every token; tokens minted
 * with ADMIN_TOKEN belong to the built-in `admin` user.
 */
import { Hono } from "hono";
import { z } from "zod";
import { generateToken, sha256Hex } from "../auth/crypto";
import { auditActor } from "../auth/audit-actor";
import { grantableScopes, isInstanceAdmin } from "../auth/permissions";
import { scopes, type Principal, type Scope } from "../auth/principal";
import { recordAudit } from "../db/audit";
import { openDatabase, type Database } from "../db/client";
import { findToken, insertToken, listTokens, revokeToken, tokenFamily, type TokenRow } from "../db/tokens";
import { builtinAdminId, findUserByName } from "../db/users";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { repositoryNamePattern } from "../repositories/model";
import { requireAuthenticated } from "./guards";
import { declareRoute, pathParams } from "./openapi";
import { idParam } from "./params";
import { parseJsonBody, parseQuery } from "./validation";

export const tokenRoutes = new Hono<AppEnv>();

const createTokenSchema = z.strictObject({
  name: z.string().min(1).max(128),
  scopes: z.array(z.enum(scopes)).min(1),
  repositories: z.array(z.string().regex(repositoryNamePattern)).min(1).max(100).optional(),
  /** ISO 8601 date-time or milliseconds since the epoch; in the future; capped at the creating token's expiry. */
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
  parentId: z.int().nullable().describe("The token that created this one"),
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
    parentId: row.parentId,
  };
}

const createRoute = declareRoute({
  method: "post", path: "/tokens", tag: "tokens", auth: "token", summary: "Create a token (shown once)",
  body: createTokenSchema,
  responses: { 201: { description: "The token; `token` is never shown again", schema: tokenOutputSchema.extend({ token: z.string() }) }, 400: { description: "Invalid input" }, 403: { description: "Scopes or repositories beyond the caller's" } },
});
tokenRoutes.post("/", async (c) => {
  const principal = requireAuthenticated(c);
  const input = await parseJsonBody(c, createRoute.body);
  const db = openDatabase(c.env.DB);
  const requested = input.expiresAt === undefined ? null : typeof input.expiresAt === "number" ? input.expiresAt : Date.parse(input.expiresAt);
  if (requested !== null && requested <= Date.now()) throw new RegistryError("bad_request", "expiresAt: must be in the future", { field: "expiresAt" });
  const grantable = grantableScopes(principal);
  for (const scope of input.scopes) {
    if (!grantable.has(scope)) throw new RegistryError("denied", `cannot grant scope ${scope} you do not hold`);
  }
  const restriction = narrowRepositories(principal, input.repositories ?? null);
  const ownerId = await tokenOwner(db, principal, input.user);
  const token = generateToken();
  const row = await insertToken(db, {
    userId: ownerId,
    // A token made for another user is theirs, not a child of the creating token (its expiry is still capped).
    parentId: input.user === undefined ? (principal.token?.id ?? null) : null,
    name: input.name,
    hash: await sha256Hex(token),
    scopes: input.scopes,
    repositories: restriction,
    expiresAt: cappedExpiry(principal, requested),
  });
  await recordAudit(db, { ...auditActor(principal), action: "token.create", target: `token:${row.id}`, detail: { name: input.name, scopes: input.scopes, repositories: restriction, user: input.user ?? principal.name }, requestId: c.var.requestId });
  return c.json({ ...describeToken(row), token }, 201);
});

async function tokenOwner(db: Database, principal: Principal, user: string | undefined): Promise<number> {
  if (user !== undefined) {
    if (!isInstanceAdmin(principal)) throw new RegistryError("denied", "only an instance admin may create tokens for other users");
    const owner = await findUserByName(db, user);
    if (!owner) throw new RegistryError("bad_request", `user ${user} does not exist`, { field: "user" });
    return owner.id;
  }
  return principal.userId ?? (await builtinAdminId(db));
}

/** A token created by a token never outlives it. */
function cappedExpiry(principal: Principal, requested: number | null): number | null {
  const limit = principal.token?.expiresAt ?? null;
  if (limit === null) return requested;
  return requested === null ? limit : Math.min(requested, limit);
}

/** A new token may not reach repositories the creating token cannot. */
function narrowRepositories(principal: Principal, requested: string[] | null): string[] | null {
  const held = principal.token?.repositories ?? null;
  if (held === null) return requested;
  if (requested === null) return [...held];
  const outside = requested.filter((name) => !held.includes(name));
  if (outside.length) throw new RegistryError("denied", `cannot grant access to ${outside.join(", ")}`);
  return requested;
}

/** The tokens this credential may see and revoke (see the file comment). */
async function manageableTokens(db: Database, principal: Principal, all: boolean): Promise<TokenRow[]> {
  if (isInstanceAdmin(principal)) return listTokens(db, all ? "all" : { userId: principal.userId ?? (await builtinAdminId(db)) });
  if (principal.token) return listTokens(db, { ids: await tokenFamily(db, principal.token.id) });
  if (principal.userId !== null) return listTokens(db, { userId: principal.userId });
  return [];
}

const listQuery = z.object({ all: z.enum(["true", "false"]).optional() });
const listRoute = declareRoute({
  method: "get", path: "/tokens", tag: "tokens", auth: "token", summary: "List the tokens you manage (instance admins: ?all=true for every token)",
  query: listQuery,
  responses: { 200: { description: "Tokens, without secrets", schema: z.object({ tokens: z.array(tokenOutputSchema) }) } },
});
tokenRoutes.get("/", async (c) => {
  const principal = requireAuthenticated(c);
  const query = parseQuery(c, listRoute.query);
  const rows = await manageableTokens(openDatabase(c.env.DB), principal, query.all === "true");
  return c.json({ tokens: rows.map(describeToken) });
});

const revokeRoute = declareRoute({
  method: "delete", path: "/tokens/{id}", tag: "tokens", auth: "token", summary: "Revoke a token and the tokens created from it",
  params: { id: idParam },
  responses: { 204: { description: "Revoked" }, 400: { description: "The id is not a decimal integer" }, 404: { description: "No such token that you manage" } },
});
tokenRoutes.delete("/:id", async (c) => {
  const principal = requireAuthenticated(c);
  const { id } = pathParams(c, revokeRoute);
  const db = openDatabase(c.env.DB);
  const row = await findToken(db, id);
  const manageable = row !== null && (isInstanceAdmin(principal) || (await manageableTokens(db, principal, false)).some((t) => t.id === row.id));
  if (!row || !manageable) throw new RegistryError("not_found", `token ${id} not found`);
  await revokeToken(db, row.id);
  await recordAudit(db, { ...auditActor(principal), action: "token.revoke", target: `token:${row.id}`, detail: { name: row.name }, requestId: c.var.requestId });
  return c.body(null, 204);
});
