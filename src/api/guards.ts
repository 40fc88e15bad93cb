/** Who may call the management API. */
import type { Context } from "hono";
import { isAdmin, type Principal } from "../auth/principal";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";

export function requireAuthenticated(c: Context<AppEnv>): Principal {
  const principal = c.var.principal;
  if (principal.kind === "anonymous") throw new RegistryError("unauthorized", "authentication required");
  return principal;
}

export function requireAdmin(c: Context<AppEnv>): Principal {
  const principal = requireAuthenticated(c);
  if (!isAdmin(principal)) throw new RegistryError("denied", "admin scope required");
  return principal;
}
