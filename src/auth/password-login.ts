/**
 * Password logins that hand out a token limited to one repository (`npm login`): the
 * user's PBKDF2 hash is checked, then a read+write token for that repository is created and
 * audited. Formats call this instead of reaching the user and token tables themselves.
 */
import { recordAudit } from "../db/audit";
import type { Database } from "../db/client";
import { findRepository } from "../db/repositories";
import { insertToken } from "../db/tokens";
import { findUserByName } from "../db/users";
import { RegistryError } from "../errors";
import { generateToken, sha256Hex, verifyPassword } from "./crypto";

export interface PasswordLogin {
  username: string;
  password: string;
  repositoryName: string;
  format: string;
  /** Names the token and the audit event, e.g. "npm login". */
  via: string;
  requestId: string;
}

/** The new token and the user's name; 401 for a wrong login, 404 for an unknown repository (checked after the password). */
export async function loginWithPassword(db: Database, login: PasswordLogin): Promise<{ token: string; username: string }> {
  const user = await findUserByName(db, login.username);
  const valid = user !== null && !user.disabled && user.passwordHash !== null && (await verifyPassword(login.password, user.passwordHash));
  if (!user || !valid) throw new RegistryError("unauthorized", "incorrect username or password");
  // Checked after the password, so an anonymous caller cannot probe private repository names.
  const repository = await findRepository(db, login.repositoryName);
  if (!repository || repository.format !== login.format) throw new RegistryError("not_found", `repository ${login.repositoryName} not found`);
  const token = generateToken();
  const row = await insertToken(db, {
    userId: user.id,
    name: `${login.via} (${repository.name})`,
    hash: await sha256Hex(token),
    scopes: ["read", "write"],
    repositories: [repository.name],
    expiresAt: null,
  });
  await recordAudit(db, {
    actor: user.name,
    action: "token.create",
    repository: repository.name,
    target: String(row.id),
    detail: { via: login.via, scopes: ["read", "write"] },
    requestId: login.requestId,
  });
  return { token, username: user.name };
}
