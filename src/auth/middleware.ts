/** Resolves the request's principal once, before any route runs. */
import type { MiddlewareHandler } from "hono";
import { openDatabase } from "../db/client";
import type { AppEnv } from "../env";
import { authenticate } from "./authenticate";

export function authentication(): MiddlewareHandler<AppEnv> {
  return async function authenticationMiddleware(c, next) {
    const principal = await authenticate(c.req.raw.headers, {
      db: openDatabase(c.env.DB),
      adminToken: c.env.ADMIN_TOKEN,
      waitUntil: (p) => c.executionCtx.waitUntil(p.catch((e: unknown) => console.error(e))),
    });
    c.set("principal", principal);
    await next();
  };
}
