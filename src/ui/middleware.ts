/**
 * Per-request UI state: the session cookie becomes the principal (unless the request carried
 * API credentials), every POST must carry the CSRF token of this session (or of the
 * pre-session cookie before sign-in), and every answer carries the security headers —
 * a strict Content-Security-Policy (same-origin script and style only, nothing inline), no
 * framing, no sniffing, no caching of per-user pages.
 */
import type { MiddlewareHandler } from "hono";
import { isInstanceAdmin } from "../auth/permissions";
import { openDatabase } from "../db/client";
import { RegistryError } from "../errors";
import type { UiEnv } from "./env";
import { renderError } from "./pages/error";
import { CSRF_COOKIE, SESSION_COOKIE, cookieHeader, csrfToken, csrfValid, newNonce, readCookie, sessionKey } from "./session";
import { sessionPrincipal } from "./sign-in";

export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // README badges are https images; nothing else loads from elsewhere.
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export const isSecure = (url: string): boolean => new URL(url).protocol === "https:";

export function uiState(): MiddlewareHandler<UiEnv> {
  return async function uiStateMiddleware(c, next) {
    const key = await sessionKey(c.env);
    const cookies = c.req.header("Cookie");
    const secure = isSecure(c.req.url);
    const setCookies: string[] = [];
    let nonce: string | null = null;
    let session = false;
    const sessionCookie = readCookie(cookies, SESSION_COOKIE);
    if (key && sessionCookie && c.var.principal.kind === "anonymous") {
      const found = await sessionPrincipal(openDatabase(c.env.DB), key, c.env.ADMIN_TOKEN, sessionCookie, Date.now());
      if (found) {
        c.set("principal", found.principal);
        nonce = found.nonce;
        session = true;
      } else setCookies.push(cookieHeader(SESSION_COOKIE, "", { secure, maxAgeSeconds: 0 }));
    }
    if (!nonce) {
      const presession = readCookie(cookies, CSRF_COOKIE);
      nonce = presession && /^[0-9a-f]{32}$/.test(presession) ? presession : null;
      if (!nonce) {
        nonce = newNonce();
        setCookies.push(cookieHeader(CSRF_COOKIE, nonce, { secure }));
      }
    }
    const principal = c.var.principal;
    c.set("uiKey", key);
    c.set("csrfNonce", nonce);
    c.set("ui", {
      csrf: key ? await csrfToken(key, nonce) : "",
      user: principal.kind === "anonymous" ? null : { name: principal.name, instanceAdmin: isInstanceAdmin(principal) },
      session,
      origin: new URL(c.req.url).origin,
    });
    const refused = c.req.method === "POST" ? await csrfRefusal(key, nonce, await c.req.parseBody()) : null;
    if (refused) c.res = await renderError(c, refused);
    else await next();
    for (const cookie of setCookies) c.res.headers.append("Set-Cookie", cookie);
    c.res.headers.set("Content-Security-Policy", contentSecurityPolicy);
    c.res.headers.set("X-Content-Type-Options", "nosniff");
    c.res.headers.set("X-Frame-Options", "DENY");
    c.res.headers.set("Referrer-Policy", "same-origin");
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  };
}

async function csrfRefusal(key: CryptoKey | null, nonce: string, form: Record<string, unknown>): Promise<RegistryError | null> {
  if (!key) return new RegistryError("denied", "the server has no CREDENTIALS_KEY or ADMIN_TOKEN configured, so it cannot sign forms");
  if (await csrfValid(key, nonce, form._csrf)) return null;
  return new RegistryError("denied", "this form has expired or did not come from this site; reload the page and try again");
}
