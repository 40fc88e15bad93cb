/**
 * AES-GCM encryption of upstream credentials under the CREDENTIALS_KEY Worker secret
 * (32 random bytes, base64). Stored as `base64(iv).base64(ciphertext)`.
 */
import { RegistryError } from "../errors";
import { fromBase64, toBase64 } from "./crypto";

async function importKey(secret: string | undefined): Promise<CryptoKey> {
  if (!secret) throw new RegistryError("internal", "CREDENTIALS_KEY is not configured");
  const raw = fromBase64(secret);
  if (raw.length !== 32) throw new RegistryError("internal", "CREDENTIALS_KEY must be 32 bytes, base64");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function encryptSecret(plaintext: string, secret: string | undefined): Promise<string> {
  const key = await importKey(secret);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(plaintext));
  return `${toBase64(iv)}.${toBase64(new Uint8Array(data))}`;
}

export async function decryptSecret(stored: string, secret: string | undefined): Promise<string> {
  const key = await importKey(secret);
  const [iv, data] = stored.split(".");
  if (!iv || !data) throw new RegistryError("internal", "stored credential is malformed");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv) }, key, fromBase64(data));
  return new TextDecoder().decode(plain);
}
