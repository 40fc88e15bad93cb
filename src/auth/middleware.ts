/** Resolves the request's principal once, before any route runs. */
import type { MiddlewareHandler } from "hono";
import { openDatabase } from "../db/client";
import type { AppEnv } from "../env";
import { authenticate, type Credentials } from "./authenticate";
import { tokenCacheSeconds } from "./token-cache";

/** A format's own way of reading credentials (e.g. NuGet's `X-NuGet-ApiKey`); undefined: the default. */
export type CredentialReader = ((headers: Headers) => Credentials | null) | undefined;

export function authentication(readerFor: (pathname: string) => CredentialReader = () => undefined): MiddlewareHandler<AppEnv> {
  return async function authenticationMiddleware(c, next) {
    const principal = await authenticate(c.req.raw.headers, {
      db: openDatabase(c.env.DB),
      adminToken: c.env.ADMIN_TOKEN,
      waitUntil: (p) => c.executionCtx.waitUntil(p.catch((e: unknown) => console.error(e))),
      readCredentials: readerFor(c.req.path),
      tokenCacheSeconds: tokenCacheSeconds(c.env.TOKEN_CACHE_SECONDS),
    });
    c.set("principal", principal);
    await next();
  };
}
