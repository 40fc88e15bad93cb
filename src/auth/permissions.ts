/**
 * The permission model (docs/auth.md), in one place. A principal's role on a repository is
 * the lower of what its user holds (instance admin: `admin` everywhere; otherwise the
 * highest grant whose pattern matches the name) and what its token allows (its highest
 * scope, if the repository is in its list). Public repositories are readable by anyone.
 */
import type { Grant, Principal, Role, Scope } from "./principal";

const rank: Record<Role, number> = { read: 1, write: 2, admin: 3 };

const lower = (a: Role | null, b: Role | null): Role | null => (a === null || b === null ? null : rank[a] <= rank[b] ? a : b);
const higher = (a: Role | null, b: Role | null): Role | null => (a === null ? b : b === null ? a : rank[a] >= rank[b] ? a : b);

/** Grant patterns: a repository name, or a glob with `*` (any run) and `?` (one character). */
export const grantPatternRegex = /^[a-z0-9*?][a-z0-9._*?-]{0,63}$/;

export function patternMatches(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === name;
  const body = pattern.replace(/[.+^${}()|[\]\\-]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`).test(name);
}

function userRole(principal: Principal, repository: string): Role | null {
  if (principal.userIsAdmin) return "admin";
  return principal.grants.reduce<Role | null>((best, g: Grant) => (patternMatches(g.pattern, repository) ? higher(best, g.role) : best), null);
}

function tokenRole(principal: Principal, repository: string): Role | null {
  const token = principal.token;
  if (!token) return "admin";
  if (token.repositories !== null && !token.repositories.includes(repository)) return null;
  return (["admin", "write", "read"] as const).find((s) => token.scopes.has(s)) ?? null;
}

/** The principal's role on a repository, ignoring visibility; null when it has none. */
export function roleOn(principal: Principal, repository: string): Role | null {
  return lower(userRole(principal, repository), tokenRole(principal, repository));
}

export interface RepositoryRef {
  name: string;
  visibility: "public" | "private";
}

/** Whether the principal holds `role` on the repository (public repositories: read for anyone). */
export function can(principal: Principal, role: Role, repository: RepositoryRef): boolean {
  if (role === "read" && repository.visibility === "public") return true;
  const held = roleOn(principal, repository.name);
  return held !== null && rank[held] >= rank[role];
}

export const canRead = (principal: Principal, repository: RepositoryRef): boolean => can(principal, "read", repository);

/**
 * Instance admin: users, grants, every token, creating and deleting repositories. A user who
 * is an instance admin, through a password, ADMIN_TOKEN, or a token with the `admin` scope
 * that is not limited to some repositories.
 */
export function isInstanceAdmin(principal: Principal): boolean {
  if (!principal.userIsAdmin) return false;
  const token = principal.token;
  return token === null || (token.scopes.has("admin") && token.repositories === null);
}

/**
 * The scopes a new token created by this principal may carry: the token's own scopes, and
 * of those only roles the user holds somewhere (`read` always: public repositories).
 */
export function grantableScopes(principal: Principal): Set<Scope> {
  const held = new Set<Scope>(["read"]);
  for (const role of principal.userIsAdmin ? (["write", "admin"] as const) : principal.grants.map((g) => g.role)) {
    for (const s of ["read", "write", "admin"] as const) if (rank[s] <= rank[role]) held.add(s);
  }
  if (principal.token) for (const s of held) if (!principal.token.scopes.has(s)) held.delete(s);
  return held;
}

/**
 * The members of a virtual repository this principal may read. A read through a virtual
 * consults only these, so a public virtual never serves a private member's files to a
 * caller who could not read that member directly.
 */
export function readableMembers<M extends { repository: RepositoryRef }>(principal: Principal, members: readonly M[]): M[] {
  return members.filter((m) => canRead(principal, m.repository));
}
