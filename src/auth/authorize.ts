/**
 * Repository access decisions for the wire protocols and the API (DESIGN §6, docs/auth.md).
 * A repository the caller may not read answers exactly as a missing one: `repositoryHidden`
 * builds that answer, and every path that refuses an unreadable repository throws it.
 * Anonymous writes are a 401 challenge whether or not the repository exists; so are
 * anonymous reads for clients that only send credentials after a challenge (Maven).
 */
import { RegistryError } from "../errors";
import { can, canRead, type RepositoryRef } from "./permissions";
import type { Principal, Role } from "./principal";

export { canRead } from "./permissions";

export type Access = "read" | "write";

export interface AuthorizeOptions {
  /**
   * Some clients (Maven) only send credentials after a 401 challenge; for those an
   * anonymous read of a private or missing repository is a 401 instead of a 404.
   */
  challengeAnonymousReads?: boolean;
}

export const repositoryNotFound = (name: string): RegistryError => new RegistryError("not_found", `repository ${name} not found`);

/** The answer for a repository that does not exist — and for one the caller may not read. */
export function repositoryHidden(principal: Principal, name: string, access: Access, options: AuthorizeOptions = {}): RegistryError {
  if (principal.registryToken) return new RegistryError("unauthorized", "registry token does not cover this repository");
  if (principal.kind === "anonymous" && (access === "write" || options.challengeAnonymousReads)) {
    return new RegistryError("unauthorized", "authentication required");
  }
  return repositoryNotFound(name);
}

/** Throws unless the principal may read (or write) the repository through a wire protocol. */
export function authorize(principal: Principal, repository: RepositoryRef, access: Access, options: AuthorizeOptions = {}): void {
  requireRole(principal, repository, access, options);
}

/**
 * Throws unless the principal holds `role` on the repository: unreadable → the missing
 * repository's answer; readable but short of the role → 401 when anonymous, else 403.
 */
export function requireRole(principal: Principal, repository: RepositoryRef, role: Role, options: AuthorizeOptions = {}): void {
  if (!canRead(principal, repository)) throw repositoryHidden(principal, repository.name, role === "read" ? "read" : "write", options);
  if (can(principal, role, repository)) return;
  if (principal.kind === "anonymous" || principal.registryToken) throw new RegistryError("unauthorized", "authentication required");
  throw new RegistryError("denied", role === "admin" ? `admin role on repository ${repository.name} required` : `may not ${role} to repository ${repository.name}`);
}

export const basicChallenge = 'Basic realm="Edge Registry", charset="UTF-8"';
