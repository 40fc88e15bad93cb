// Session cookies and CSRF tokens (src/ui/session.ts) in workerd: its timing-safe compare is workerd's crypto.subtle.timingSafeEqual.
import { describe, expect, it } from "vitest";
import { cookieHeader, credentialFingerprint, csrfToken, csrfValid, encodeSession, newNonce, parseSession, readCookie, sessionKey, verifySession } from "../../src/ui/session";

const KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

describe("UI sessions", () => {
  it("a signed session verifies only with the same key and credential fingerprint, until it expires", async () => {
    const key = (await sessionKey({ CREDENTIALS_KEY: KEY })) as CryptoKey;
    const other = (await sessionKey({ CREDENTIALS_KEY: "b".repeat(44) })) as CryptoKey;
    const fingerprint = await credentialFingerprint("pbkdf2-sha256$…");
    const cookie = await encodeSession(key, { userId: 7, expiresAt: 2_000, nonce: newNonce() }, fingerprint);
    const parsed = parseSession(cookie, 1_000);
    expect(parsed?.userId).toBe(7);
    expect(await verifySession(key, parsed as NonNullable<typeof parsed>, fingerprint)).toBe(true);
    expect(await verifySession(other, parsed as NonNullable<typeof parsed>, fingerprint)).toBe(false);
    expect(await verifySession(key, parsed as NonNullable<typeof parsed>, await credentialFingerprint("new hash"))).toBe(false);
    expect(parseSession(cookie, 2_000)).toBeNull();
    const forged = parseSession(cookie.replace("v1.7.", "v1.1."), 1_000);
    expect(await verifySession(key, forged as NonNullable<typeof forged>, fingerprint)).toBe(false);
    for (const junk of ["", "v1", "v2.7.2000.x.y", `${cookie}x`]) expect(parseSession(junk, 1_000)).toBeNull();
  });

  it("without either secret there is no key", async () => {
    expect(await sessionKey({})).toBeNull();
    expect(await sessionKey({ ADMIN_TOKEN: "t" })).not.toBeNull();
  });

  it("CSRF tokens are bound to the nonce", async () => {
    const key = (await sessionKey({ CREDENTIALS_KEY: KEY })) as CryptoKey;
    const nonce = newNonce();
    const token = await csrfToken(key, nonce);
    expect(await csrfValid(key, nonce, token)).toBe(true);
    expect(await csrfValid(key, newNonce(), token)).toBe(false);
    expect(await csrfValid(key, nonce, undefined)).toBe(false);
  });

  it("cookies are HttpOnly and SameSite=Lax, Secure on https", () => {
    expect(cookieHeader("a", "b", { secure: false })).toBe("a=b; Path=/; HttpOnly; SameSite=Lax");
    expect(cookieHeader("a", "", { secure: true, maxAgeSeconds: 0 })).toBe("a=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0");
    expect(readCookie("x=1; er_session=abc; y=2", "er_session")).toBe("abc");
    expect(readCookie(null, "er_session")).toBeNull();
  });
});
