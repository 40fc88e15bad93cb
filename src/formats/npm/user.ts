/**
 * Account endpoints npm 11 calls:
 * - `npm whoami` → `GET /-/whoami` → `{"username"}` (401 when anonymous);
 * - `npm ping` → `GET /-/ping` → `{}`;
 * - `npm login --auth-type=legacy` (also the fallback of web login, whose `POST /-/v1/login`
 *   is a 404 here) → `PUT /-/user/org.couchdb.user:{name}` with `{name, password}`
 *   (npm-profile loginCouch). The password is checked against the user's PBKDF2 hash and a
 *   new token with scopes read+write, limited to this repository, is returned:
 *   201 `{"ok":true,"id":"org.couchdb.user:{name}","token":"…"}`. Unknown user, no password,
 *   disabled user or wrong password → 401. Accounts are created by an admin through the
 *   API, never by `npm adduser`.
 */
import type { Context } from "hono";
import { z } from "zod";
import { loginWithPassword } from "../../auth/password-login";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { loadRepository, sourceContext } from "../../repositories/loader";

export async function whoami(c: Context<AppEnv>): Promise<Response> {
  await loadRepository(c, "npm", "read");
  const principal = c.var.principal;
  if (principal.kind === "anonymous") throw new RegistryError("unauthorized", "not logged in");
  return c.json({ username: principal.name }, 200, { "Cache-Control": "no-store" });
}

export async function ping(c: Context<AppEnv>): Promise<Response> {
  await loadRepository(c, "npm", "read");
  return c.json({}, 200, { "Cache-Control": "no-store" });
}

const loginSchema = z.looseObject({ name: z.string().min(1).max(256), password: z.string().min(1).max(1024) });

export async function login(c: Context<AppEnv>, username: string): Promise<Response> {
  // No read check: logging in is how a client gets the credential to read a private repository.
  const context = sourceContext(c);
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new RegistryError("bad_request", "the body must be JSON {name, password}", { field: "(body)" });
  }
  const parsed = loginSchema.safeParse(body);
  if (!parsed.success) throw new RegistryError("bad_request", "the body must be JSON {name, password}", { field: "(body)" });
  if (parsed.data.name !== username) throw new RegistryError("bad_request", `body name "${parsed.data.name}" does not match the URL's "${username}"`, { field: "name" });

  const { token, username: name } = await loginWithPassword(context.db, {
    username,
    password: parsed.data.password,
    repositoryName: c.req.param("repo") ?? "",
    format: "npm",
    via: "npm login",
    requestId: c.var.requestId,
  });
  return c.json({ ok: true, id: `org.couchdb.user:${name}`, token }, 201);
}
