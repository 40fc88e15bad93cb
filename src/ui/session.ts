/**
 * Web UI sessions (docs/ui.md): a signed, stateless cookie naming the user, its expiry and a
 * random nonce. The MAC (HMAC-SHA256 under a key derived from the Worker's CREDENTIALS_KEY,
 * else ADMIN_TOKEN) also covers a fingerprint of the user's password hash, so changing the
 * password ends every session. The user's disabled/admin flags and grants are read at every
 * request, as for tokens. CSRF tokens are HMACs of the session nonce (or, before sign-in, of
 * a random pre-session cookie), checked on every POST.
 */
import { sha256Hex, timingSafeEqual, toHex } from "../auth/crypto";

export const SESSION_COOKIE = "er_session";
export const CSRF_COOKIE = "er_csrf";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** `userId` 0: signed in as the built-in admin with ADMIN_TOKEN as the password. */
export const BOOTSTRAP_USER_ID = 0;

export interface Session {
  userId: number;
  expiresAt: number;
  nonce: string;
}

const encoder = new TextEncoder();

/** The signing key, or null when the Worker has neither secret configured. */
export async function sessionKey(secrets: { CREDENTIALS_KEY?: string | undefined; ADMIN_TOKEN?: string | undefined }): Promise<CryptoKey | null> {
  const secret = secrets.CREDENTIALS_KEY || secrets.ADMIN_TOKEN;
  if (!secret) return null;
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("edge-registry ui session v1") },
    material,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
}

async function mac(key: CryptoKey, text: string): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

/** What the session is bound to: the user's password hash (or ADMIN_TOKEN), fingerprinted. */
export const credentialFingerprint = (secret: string): Promise<string> => sha256Hex(`fingerprint:${secret}`);

export function newNonce(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

export async function encodeSession(key: CryptoKey, session: Session, fingerprint: string): Promise<string> {
  const body = `v1.${session.userId}.${session.expiresAt}.${session.nonce}`;
  return `${body}.${await mac(key, `${body}.${fingerprint}`)}`;
}

/** The cookie's claims when well formed and unexpired; the MAC is checked by `verifySession`. */
export function parseSession(value: string, now: number): (Session & { signature: string; body: string }) | null {
  const match = /^v1\.(\d{1,12})\.(\d{1,15})\.([0-9a-f]{32})\.([0-9a-f]{64})$/.exec(value);
  if (!match) return null;
  const [, userId = "", expiresAt = "", nonce = "", signature = ""] = match;
  const session = { userId: Number(userId), expiresAt: Number(expiresAt), nonce };
  if (session.expiresAt <= now) return null;
  return { ...session, signature, body: `v1.${userId}.${expiresAt}.${nonce}` };
}

export async function verifySession(key: CryptoKey, parsed: { signature: string; body: string }, fingerprint: string): Promise<boolean> {
  return timingSafeEqual(await mac(key, `${parsed.body}.${fingerprint}`), parsed.signature);
}

export async function csrfToken(key: CryptoKey, nonce: string): Promise<string> {
  return mac(key, `csrf.${nonce}`);
}

export async function csrfValid(key: CryptoKey, nonce: string, submitted: unknown): Promise<boolean> {
  return typeof submitted === "string" && timingSafeEqual(await csrfToken(key, nonce), submitted);
}

export interface CookieOptions {
  secure: boolean;
  maxAgeSeconds?: number;
}

/** `name=value; Path=/; HttpOnly; SameSite=Lax` (+ `Secure` on https, + Max-Age). */
export function cookieHeader(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (options.secure) parts.push("Secure");
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join("; ");
}

export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
