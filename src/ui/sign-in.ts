/**
 * Turning a username and password into a UI session, and a session cookie back into the
 * principal it stands for. Users sign in with their own password (docs/auth.md); the built-in
 * `admin` may sign in with ADMIN_TOKEN as the password, so a fresh instance is usable from
 * the browser. Either way the principal is the user's own (kind `password`), re-read at every
 * request: a disabled user or a changed password ends the session.
 */
import { timingSafeEqual } from "../auth/crypto";
import { userPrincipal } from "../auth/authenticate";
import { checkUserPassword } from "../auth/passwords";
import { bootstrapAdmin, type Principal } from "../auth/principal";
import type { Database } from "../db/client";
import { BUILTIN_ADMIN, findUserById, findUserByName } from "../db/users";
import { BOOTSTRAP_USER_ID, credentialFingerprint, parseSession, verifySession } from "./session";

export interface SignedIn {
  principal: Principal;
  userId: number;
  fingerprint: string;
}

export async function checkSignIn(db: Database, adminToken: string | undefined, username: string, password: string): Promise<SignedIn | null> {
  const user = await findUserByName(db, username);
  // Same PBKDF2 work whether or not the user exists (src/auth/passwords.ts).
  if ((await checkUserPassword(user, password)) && user?.passwordHash) {
    return { principal: await userPrincipal(db, user, "password", null), userId: user.id, fingerprint: await credentialFingerprint(user.passwordHash) };
  }
  if (username === BUILTIN_ADMIN && adminToken && timingSafeEqual(password, adminToken)) {
    return { principal: bootstrapAdmin(), userId: BOOTSTRAP_USER_ID, fingerprint: await credentialFingerprint(adminToken) };
  }
  return null;
}

/** The principal a session cookie stands for, or null when it is invalid, expired or stale. */
export async function sessionPrincipal(db: Database, key: CryptoKey, adminToken: string | undefined, cookie: string, now: number): Promise<{ principal: Principal; nonce: string } | null> {
  const parsed = parseSession(cookie, now);
  if (!parsed) return null;
  if (parsed.userId === BOOTSTRAP_USER_ID) {
    if (!adminToken || !(await verifySession(key, parsed, await credentialFingerprint(adminToken)))) return null;
    return { principal: bootstrapAdmin(), nonce: parsed.nonce };
  }
  const user = await findUserById(db, parsed.userId);
  if (!user || user.disabled || !user.passwordHash) return null;
  if (!(await verifySession(key, parsed, await credentialFingerprint(user.passwordHash)))) return null;
  return { principal: await userPrincipal(db, user, "password", null), nonce: parsed.nonce };
}
