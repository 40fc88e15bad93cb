/**
 * Who may call the management API (docs/auth.md): instance-admin routes, and routes on one
 * repository that need a role on it. A repository the caller may not read is a 404, exactly
 * as a missing one.
 */
import type { Context } from "hono";
import { repositoryNotFound, requireRole } from "../auth/authorize";
import { canRead, isInstanceAdmin } from "../auth/permissions";
import type { Principal, Role } from "../auth/principal";
import { openDatabase } from "../db/client";
import { findRepository } from "../db/repositories";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import type { Repository } from "../repositories/model";

export function requireAuthenticated(c: Context<AppEnv>): Principal {
  const principal = c.var.principal;
  if (principal.kind === "anonymous") throw new RegistryError("unauthorized", "authentication required");
  return principal;
}

/** Users, grants, every token, creating and deleting repositories, the audit log. */
export function requireInstanceAdmin(c: Context<AppEnv>): Principal {
  const principal = requireAuthenticated(c);
  if (!isInstanceAdmin(principal)) throw new RegistryError("denied", "instance admin required");
  return principal;
}

/** Loads a repository the caller can read; unknown and unreadable names are the same 404. */
export async function visibleRepository(c: Context<AppEnv>, name: string): Promise<Repository> {
  const repository = await findRepository(openDatabase(c.env.DB), name);
  if (!repository || !canRead(c.var.principal, repository)) throw repositoryNotFound(name);
  return repository;
}

/** Loads a repository on which the caller holds `role` (404 if unreadable, else 401/403). */
export async function repositoryWithRole(c: Context<AppEnv>, name: string, role: Role): Promise<Repository> {
  const repository = await visibleRepository(c, name);
  requireRole(c.var.principal, repository, role);
  return repository;
}
