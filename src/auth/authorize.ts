/**
 * Repository access decisions (DESIGN §6). Public repositories are readable by anyone;
 * private ones answer 404 to whoever cannot read them, so their names do not leak.
 * Writing needs `write` on the repository: anonymous → 401 (with a challenge),
 * authenticated without the scope or outside the token's repository list → 403.
 */
import { RegistryError } from "../errors";
import type { Repository } from "../repositories/model";
import { hasScope, type Principal } from "./principal";

export type Access = "read" | "write";

export function canRead(principal: Principal, repository: Repository): boolean {
  return repository.visibility === "public" || hasScope(principal, "read", repository.name);
}

export interface AuthorizeOptions {
  /**
   * Some clients (Maven) only send credentials after a 401 challenge; for those an
   * anonymous read of a private repository is a 401 instead of a 404.
   */
  challengeAnonymousReads?: boolean;
}

export function authorize(principal: Principal, repository: Repository, access: Access, options: AuthorizeOptions = {}): void {
  const readable = canRead(principal, repository);
  if (access === "read") {
    if (readable) return;
    if (principal.kind === "anonymous" && options.challengeAnonymousReads) {
      throw new RegistryError("unauthorized", "authentication required");
    }
    throw new RegistryError("not_found", `repository ${repository.name} not found`);
  }
  if (hasScope(principal, "write", repository.name)) return;
  if (principal.kind === "anonymous") throw new RegistryError("unauthorized", "authentication required to write");
  if (!readable) throw new RegistryError("not_found", `repository ${repository.name} not found`);
  throw new RegistryError("denied", `token may not write to repository ${repository.name}`);
}

export const basicChallenge = 'Basic realm="Edge Registry", charset="UTF-8"';
