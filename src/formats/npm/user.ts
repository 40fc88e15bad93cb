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
import { userPrincipal } from "../../auth/authenticate";
import { generateToken, sha256Hex } from "../../auth/crypto";
import { checkUserPassword } from "../../auth/passwords";
import { canRead } from "../../auth/permissions";
import { recordAudit } from "../../db/audit";
import { insertToken } from "../../db/tokens";
import { findUserByName } from "../../db/users";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { findRepository } from "../../db/repositories";
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

  const user = await findUserByName(context.db, username);
  const valid = await checkUserPassword(user, parsed.data.password);
  if (!user || !valid) throw new RegistryError("unauthorized", "incorrect username or password");
  // Checked after the password, so an anonymous caller cannot probe private repository names;
  // a repository the user may not read is missing to them too.
  const repository = await findRepository(context.db, c.req.param("repo") ?? "");
  const readable = repository !== null && canRead(await userPrincipal(context.db, user, "password", null), repository);
  if (!repository || repository.format !== "npm" || !readable) throw new RegistryError("not_found", `repository ${c.req.param("repo") ?? ""} not found`);

  const token = generateToken();
  const row = await insertToken(context.db, {
    userId: user.id,
    name: `npm login (${repository.name})`,
    hash: await sha256Hex(token),
    scopes: ["read", "write"],
    repositories: [repository.name],
    expiresAt: null,
  });
  await recordAudit(context.db, {
    actor: user.name,
    action: "token.create",
    repository: repository.name,
    target: String(row.id),
    detail: { via: "npm login", scopes: ["read", "write"] },
    requestId: c.var.requestId,
  });
  return c.json({ ok: true, id: `org.couchdb.user:${user.name}`, token }, 201);
}
