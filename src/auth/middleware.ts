/** Resolves the request's principal once, before any route runs. */
import type { Context, MiddlewareHandler } from "hono";
import { openDatabase } from "../db/client";
import type { AppEnv } from "../env";
import { authenticate, type Credentials } from "./authenticate";
import type { Principal } from "./principal";
import { tokenCacheSeconds } from "./token-cache";

/** A format's own way of reading credentials (e.g. NuGet's `X-NuGet-ApiKey`); undefined: the default. */
export type CredentialReader = ((headers: Headers) => Credentials | null) | undefined;

/** Principals resolved before the app ran (warm-hits.ts), for the app's authentication. */
const handedOver = new WeakMap<Request, Principal>();

export function handOverPrincipal(request: Request, principal: Principal): void {
  handedOver.set(request, principal);
}

export function authentication(readerFor: (pathname: string) => CredentialReader = () => undefined): MiddlewareHandler<AppEnv> {
  return async function authenticationMiddleware(c, next) {
    // The warm-hit path before the app (src/virtual/warm-hits.ts) may have resolved it already.
    c.set("principal", handedOver.get(c.req.raw) ?? (await requestPrincipal(c, readerFor(c.req.path))));
    await next();
  };
}

/** The caller's principal, from the request's credentials read with `reader` (token cache first). */
export function requestPrincipal(c: Context<AppEnv>, reader: CredentialReader): Promise<Principal> {
  return authenticate(c.req.raw.headers, {
    db: openDatabase(c.env.DB),
    adminToken: c.env.ADMIN_TOKEN,
    waitUntil: (p) => c.executionCtx.waitUntil(p.catch((e: unknown) => console.error(e))),
    readCredentials: reader,
    tokenCacheSeconds: tokenCacheSeconds(c.env.TOKEN_CACHE_SECONDS),
  });
}
