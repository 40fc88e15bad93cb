/**
 * Turns request credentials into a Principal. A token is accepted the way each client
 * sends it: `Authorization: Bearer <token>`, Basic with the token as password (any
 * username), `PRIVATE-TOKEN` (GitLab). Basic with a user's own password also works, for
 * clients that log in with username and password. Credentials that are present but
 * wrong, expired or revoked are a 401 — never silently anonymous. The user's admin flag,
 * disabled flag and grants are read at every request.
 */
import type { Database } from "../db/client";
import { listGrants } from "../db/grants";
import { findTokenByHash, touchToken } from "../db/tokens";
import { findUserByName, type UserRow } from "../db/users";
import { RegistryError } from "../errors";
import { sha256Hex, timingSafeEqual } from "./crypto";
import { checkUserPassword } from "./passwords";
import { anonymous, bootstrapAdmin, expandScopes, type Principal, type Scope, type TokenLimits } from "./principal";
import { cachedPrincipal, cacheGeneration, DEFAULT_TOKEN_CACHE_SECONDS, rememberPrincipal } from "./token-cache";

export interface Credentials {
  username?: string;
  secret: string;
}

/** Extracts credentials from the headers clients use; null when none were sent. */
export function readCredentials(headers: Headers): Credentials | null {
  const privateToken = headers.get("PRIVATE-TOKEN");
  if (privateToken) return { secret: privateToken.trim() };
  const authorization = headers.get("Authorization");
  if (!authorization) return null;
  const [scheme = "", ...rest] = authorization.trim().split(/\s+/);
  const value = rest.join(" ");
  switch (scheme.toLowerCase()) {
    case "bearer":
    case "token":
      return value ? { secret: value } : null;
    case "basic":
      return parseBasic(value);
    default:
      // Cargo sends the raw token as the whole header value.
      return authorization.trim() ? { secret: authorization.trim() } : null;
  }
}

function parseBasic(encoded: string): Credentials | null {
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
  } catch {
    throw new RegistryError("unauthorized", "malformed Basic credentials");
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return { secret: decoded };
  return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export interface AuthContext {
  db: Database;
  adminToken: string | undefined;
  /** Deferred work (token last-used time) that must not delay the response. */
  waitUntil: (promise: Promise<unknown>) => void;
  /** The path's format reads credentials its own way; default `readCredentials`. */
  readCredentials?: ((headers: Headers) => Credentials | null) | undefined;
  /** How long this isolate may reuse a token's principal (src/auth/token-cache.ts); 0: never. */
  tokenCacheSeconds?: number;
}

/** The principal of a user acting with their own rights, optionally limited by a token. */
export async function userPrincipal(db: Database, user: Pick<UserRow, "id" | "name" | "isAdmin">, kind: "password" | "token", token: TokenLimits | null): Promise<Principal> {
  return { kind, userId: user.id, name: user.name, userIsAdmin: user.isAdmin, grants: user.isAdmin ? [] : await listGrants(db, user.id), token };
}

/**
 * The principal when no D1 read is needed — no credentials, the bootstrap admin token, or a
 * token whose principal this isolate holds (./token-cache.ts) — else `{ credentials, hash }`
 * to look up. Throws for malformed credentials, as `authenticate` does.
 */
export async function principalWithoutLookup(
  headers: Headers,
  context: Pick<AuthContext, "adminToken" | "readCredentials">,
): Promise<Principal | { credentials: Credentials; hash: string }> {
  const credentials = (context.readCredentials ?? readCredentials)(headers);
  if (!credentials || credentials.secret === "") return anonymous;
  if (context.adminToken && timingSafeEqual(credentials.secret, context.adminToken)) return bootstrapAdmin();
  const hash = await sha256Hex(credentials.secret);
  return cachedPrincipal(hash) ?? { credentials, hash };
}

export async function authenticate(headers: Headers, context: AuthContext): Promise<Principal> {
  const known = await principalWithoutLookup(headers, context);
  if (!("hash" in known)) return known;
  const { credentials, hash } = known;
  const readAt = cacheGeneration();
  const found = await findTokenByHash(context.db, hash);
  if (found) {
    const { token } = found;
    if (token.revokedAt !== null) throw new RegistryError("unauthorized", "token has been revoked");
    if (token.expiresAt !== null && token.expiresAt <= Date.now()) throw new RegistryError("unauthorized", "token has expired");
    if (token.userId === null || found.ownerName === null) throw new RegistryError("unauthorized", "token has no owner");
    if (found.ownerDisabled) throw new RegistryError("unauthorized", "user is disabled");
    // Last use is kept to the minute: a D1 write on every request would cost more than it tells.
    if (token.lastUsedAt === null || token.lastUsedAt < Date.now() - 60_000) context.waitUntil(touchToken(context.db, token.id));
    const limits: TokenLimits = {
      id: token.id,
      name: token.name,
      scopes: expandScopes(JSON.parse(token.scopes) as Scope[]),
      repositories: token.repositories ? (JSON.parse(token.repositories) as string[]) : null,
      expiresAt: token.expiresAt,
    };
    const principal = await userPrincipal(context.db, { id: token.userId, name: found.ownerName, isAdmin: found.ownerIsAdmin }, "token", limits);
    rememberPrincipal(hash, principal, context.tokenCacheSeconds ?? DEFAULT_TOKEN_CACHE_SECONDS, readAt);
    return principal;
  }

  if (credentials.username) {
    const user = await findUserByName(context.db, credentials.username);
    const valid = await checkUserPassword(user, credentials.secret);
    if (valid && user) return userPrincipal(context.db, user, "password", null);
  }
  throw new RegistryError("unauthorized", "invalid credentials");
}
