/**
 * Who is making a request and what they may do. Scopes are cumulative:
 * `admin` implies `write`, `write` implies `read`.
 */

export const scopes = ["read", "write", "admin"] as const;
export type Scope = (typeof scopes)[number];

export interface Principal {
  kind: "anonymous" | "token" | "password" | "bootstrap";
  /** User id, or null for anonymous and the bootstrap admin. */
  userId: number | null;
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Repository names this credential is limited to; null means every repository. */
  repositories: readonly string[] | null;
  tokenId: number | null;
}

export const anonymous: Principal = {
  kind: "anonymous",
  userId: null,
  name: "anonymous",
  scopes: new Set(),
  repositories: null,
  tokenId: null,
};

export function bootstrapAdmin(): Principal {
  return { kind: "bootstrap", userId: null, name: "admin", scopes: new Set(scopes), repositories: null, tokenId: null };
}

/** Expands the stored scopes so `admin` ⊇ `write` ⊇ `read`. */
export function expandScopes(stored: readonly Scope[]): Set<Scope> {
  const set = new Set<Scope>(stored);
  if (set.has("admin")) set.add("write");
  if (set.has("write")) set.add("read");
  return set;
}

export function hasScope(principal: Principal, scope: Scope, repositoryName?: string): boolean {
  if (!principal.scopes.has(scope)) return false;
  if (repositoryName === undefined || principal.repositories === null) return true;
  return principal.repositories.includes(repositoryName);
}

export const isAdmin = (principal: Principal): boolean => hasScope(principal, "admin");
