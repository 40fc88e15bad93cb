/**
 * Registry tokens on `/v2` requests: `Authorization: Bearer <JWT>` issued by `/v2/token`
 * becomes the request's principal (src/auth/registry-token.ts). The app-wide authentication
 * skips such values (`readOciCredentials`), so it never looks them up as API tokens; Basic
 * and API-token Bearer credentials are still accepted directly.
 */
import type { MiddlewareHandler } from "hono";
import { readCredentials, type Credentials } from "../../auth/authenticate";
import { looksLikeRegistryToken, registryTokenPrincipal, verifyRegistryToken } from "../../auth/registry-token";
import type { AppEnv } from "../../env";
import { serviceOf } from "./challenge";

function bearerValue(headers: Headers): string | null {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(headers.get("Authorization") ?? "");
  return match?.[1] ?? null;
}

/** The format's credential reader: the default one, minus registry JWTs. */
export function readOciCredentials(headers: Headers): Credentials | null {
  const bearer = bearerValue(headers);
  if (bearer && looksLikeRegistryToken(bearer)) return null;
  return readCredentials(headers);
}

export function registryTokenAuthentication(): MiddlewareHandler<AppEnv> {
  return async function registryTokenAuthenticationMiddleware(c, next) {
    const bearer = bearerValue(c.req.raw.headers);
    if (bearer && looksLikeRegistryToken(bearer)) {
      const claims = await verifyRegistryToken(bearer, c.env.CREDENTIALS_KEY, serviceOf(c.req.raw));
      c.set("principal", registryTokenPrincipal(claims));
    }
    await next();
  };
}
