/**
 * Who is making a request: the user (with their grants, loaded at each request so a
 * demotion or a disabled account takes effect at once) and, when the credential is a
 * token, the token's own limits. What they may do is decided in ./permissions.ts.
 */

/** Token scopes and repository roles are the same ordered set: `admin` ⊇ `write` ⊇ `read`. */
export const scopes = ["read", "write", "admin"] as const;
export type Scope = (typeof scopes)[number];
export type Role = Scope;

/** A user's role on every repository whose name matches `pattern` (a name or a `*`/`?` glob). */
export interface Grant {
  pattern: string;
  role: Role;
}

/** What a token limits its owner to. */
export interface TokenLimits {
  id: number;
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Repository names the token is limited to; null means every repository. */
  repositories: readonly string[] | null;
  expiresAt: number | null;
}

export interface Principal {
  kind: "anonymous" | "token" | "password" | "bootstrap";
  /** User id; null for anonymous and for ADMIN_TOKEN itself. */
  userId: number | null;
  name: string;
  /** The user is an instance admin (always true for ADMIN_TOKEN). */
  userIsAdmin: boolean;
  /** The user's grants (irrelevant when `userIsAdmin`). */
  grants: readonly Grant[];
  /** Null unless the credential is an API token. */
  token: TokenLimits | null;
  /**
   * A short-lived OCI registry token (src/auth/registry-token.ts): its grants are only the
   * scopes it was issued for, so a refusal is a 401 challenge (fetch a token for this scope),
   * as for anonymous callers, never a 404/403.
   */
  registryToken?: boolean;
}

export const anonymous: Principal = { kind: "anonymous", userId: null, name: "anonymous", userIsAdmin: false, grants: [], token: null };

export function bootstrapAdmin(): Principal {
  return { kind: "bootstrap", userId: null, name: "admin", userIsAdmin: true, grants: [], token: null };
}

/** Expands stored scopes so `admin` ⊇ `write` ⊇ `read`. */
export function expandScopes(stored: readonly Scope[]): Set<Scope> {
  const set = new Set<Scope>(stored);
  if (set.has("admin")) set.add("write");
  if (set.has("write")) set.add("read");
  return set;
}
