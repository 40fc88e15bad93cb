/**
 * Checking a user's password in the same time whether or not the user exists, has a
 * password or is disabled: without a usable hash, the password is verified against a dummy
 * hash (computed once per isolate) and the answer is false — PBKDF2 runs either way.
 */
import { hashPassword, verifyPassword } from "./crypto";

let dummyHash: Promise<string> | null = null;

function dummy(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}

export interface PasswordHolder {
  disabled: boolean;
  passwordHash: string | null;
}

export async function checkUserPassword(user: PasswordHolder | null, password: string): Promise<boolean> {
  const usable = user !== null && !user.disabled && user.passwordHash !== null;
  const matches = await verifyPassword(password, usable ? (user.passwordHash ?? "") : await dummy());
  return usable && matches;
}
