/**
 * Short-lived registry tokens for the OCI token flow (docs/formats/oci.md): a JWT (RFC 7519,
 * HS256) whose `access` claim lists what it grants, in the Docker token format
 * (https://distribution.github.io/distribution/spec/auth/jwt/). The HMAC key is derived from
 * the CREDENTIALS_KEY Worker secret with HKDF-SHA256 (salt "edge-registry", info
 * "oci-registry-token-v1"), so no extra secret is needed and it never leaves the Worker.
 * A verified token becomes a Principal whose grants are exactly its access: the
 * permission model (permissions.ts) then decides every request as for any other caller.
 */
import { RegistryError } from "../errors";
import { fromBase64 } from "./crypto";
import type { Grant, Principal, Role } from "./principal";

/** How long an issued token is valid; clients fetch a new one on the next 401. */
export const REGISTRY_TOKEN_TTL_SECONDS = 300;

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

export interface RegistryTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  access: AccessEntry[];
  /** The subject's user id (null: anonymous or the bootstrap admin). */
  uid: number | null;
}

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function signingKey(secret: string | undefined): Promise<CryptoKey> {
  if (!secret) throw new RegistryError("internal", "CREDENTIALS_KEY is not configured");
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", fromBase64(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: encoder.encode("edge-registry"), info: encoder.encode("oci-registry-token-v1") },
        material,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign", "verify"],
      );
    })();
    keys.set(secret, key);
  }
  return key;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
  return fromBase64(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
}

const HEADER = base64url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));

export async function signRegistryToken(claims: RegistryTokenClaims, secret: string | undefined): Promise<string> {
  const payload = base64url(encoder.encode(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign("HMAC", await signingKey(secret), encoder.encode(`${HEADER}.${payload}`));
  return `${HEADER}.${payload}.${base64url(new Uint8Array(signature))}`;
}

/** Whether a bearer value is shaped like one of our JWTs (API tokens start with `er_`). */
export const looksLikeRegistryToken = (value: string): boolean => /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(value);

/** The token's claims when its signature, audience and validity period check out; else 401. */
export async function verifyRegistryToken(token: string, secret: string | undefined, audience: string, now = Date.now()): Promise<RegistryTokenClaims> {
  const [header = "", payload = "", signature = ""] = token.split(".");
  let valid = false;
  try {
    valid = header === HEADER && (await crypto.subtle.verify("HMAC", await signingKey(secret), fromBase64url(signature), encoder.encode(`${header}.${payload}`)));
  } catch (error) {
    if (error instanceof RegistryError) throw error;
  }
  if (!valid) throw new RegistryError("unauthorized", "registry token is invalid");
  const claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload))) as RegistryTokenClaims;
  const seconds = Math.floor(now / 1000);
  if (claims.exp <= seconds || claims.nbf > seconds + 60) throw new RegistryError("unauthorized", "registry token has expired");
  if (claims.aud !== audience) throw new RegistryError("unauthorized", "registry token is for another service");
  return claims;
}

/** Registry-repository role an OCI action needs: pull reads, push and delete write. */
export function roleForActions(actions: readonly string[]): Role | null {
  if (actions.some((a) => a === "push" || a === "delete" || a === "*")) return "write";
  return actions.includes("pull") ? "read" : null;
}

/**
 * The principal a verified token stands for: its grants are the token's access, by registry
 * repository (the first segment of the OCI name). `kind: "token"` and no token limits.
 */
export function registryTokenPrincipal(claims: RegistryTokenClaims): Principal {
  const grants: Grant[] = [];
  for (const entry of claims.access) {
    if (entry.type !== "repository") continue;
    const role = roleForActions(entry.actions);
    const repository = entry.name.split("/")[0] ?? "";
    if (role && /^[a-z0-9][a-z0-9._-]{0,63}$/.test(repository)) grants.push({ pattern: repository, role });
  }
  return { kind: "token", userId: claims.uid, name: claims.sub, userIsAdmin: false, grants, token: null, registryToken: true };
}
