/** Who an audit event names: the user, and the token when the credential was one. */
import type { Principal } from "./principal";
import type { AuditInput } from "../db/audit";

export function auditActor(principal: Principal): Pick<AuditInput, "actor" | "token"> {
  return { actor: principal.name, token: principal.token ? { id: principal.token.id, name: principal.token.name } : null };
}
