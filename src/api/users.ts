/** `/api/v1/users` (instance admin): create, list, disable/enable, admin flag, password. */
import { Hono } from "hono";
import { z } from "zod";
import { auditActor } from "../auth/audit-actor";
import { hashPassword } from "../auth/crypto";
import { recordAudit } from "../db/audit";
import { isUniqueViolation, openDatabase, type Database } from "../db/client";
import { findUserByName, insertUser, listUsers, updateUser, type UserRow } from "../db/users";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { requireInstanceAdmin } from "./guards";
import { declareRoute, pathParams } from "./openapi";
import { userNameParam } from "./params";
import { parseJsonBody } from "./validation";

export const userRoutes = new Hono<AppEnv>();

const password = z.string().min(8, "must be at least 8 characters").max(1024);
const createUserSchema = z.strictObject({
  name: userNameParam,
  email: z.email().optional(),
  password: password.optional(),
  admin: z.boolean().default(false),
});
const updateUserSchema = z.strictObject({ disabled: z.boolean().optional(), admin: z.boolean().optional(), email: z.email().optional() });
const setPasswordSchema = z.strictObject({ password });
const userOutputSchema = z.object({ id: z.int(), name: z.string(), email: z.string().nullable(), admin: z.boolean(), disabled: z.boolean(), hasPassword: z.boolean(), createdAt: z.int() });
const byName = { name: userNameParam };

const describeUser = (u: UserRow): z.output<typeof userOutputSchema> => ({
  id: u.id, name: u.name, email: u.email, admin: u.isAdmin, disabled: u.disabled, hasPassword: u.passwordHash !== null, createdAt: u.createdAt,
});

export async function loadUser(db: Database, name: string): Promise<UserRow> {
  const user = await findUserByName(db, name);
  if (!user) throw new RegistryError("not_found", `user ${name} not found`);
  return user;
}

const createRoute = declareRoute({ method: "post", path: "/users", tag: "users", auth: "instance admin", summary: "Create a user", body: createUserSchema, responses: { 201: { description: "Created", schema: userOutputSchema }, 409: { description: "Name taken (`admin` is the built-in admin)" } } });
userRoutes.post("/", async (c) => {
  const principal = requireInstanceAdmin(c);
  const input = await parseJsonBody(c, createRoute.body);
  const db = openDatabase(c.env.DB);
  try {
    const user = await insertUser(db, { name: input.name, ...(input.email ? { email: input.email } : {}), isAdmin: input.admin, passwordHash: input.password ? await hashPassword(input.password) : null });
    await recordAudit(db, { ...auditActor(principal), action: "user.create", target: `user:${user.name}`, detail: { admin: input.admin }, requestId: c.var.requestId });
    return c.json(describeUser(user), 201);
  } catch (error) {
    if (isUniqueViolation(error)) throw new RegistryError("exists", `user ${input.name} already exists`, { field: "name" });
    throw error;
  }
});

declareRoute({ method: "get", path: "/users", tag: "users", auth: "instance admin", summary: "List users", responses: { 200: { description: "Users", schema: z.object({ users: z.array(userOutputSchema) }) } } });
userRoutes.get("/", async (c) => {
  requireInstanceAdmin(c);
  return c.json({ users: (await listUsers(openDatabase(c.env.DB))).map(describeUser) });
});

const patchRoute = declareRoute({
  method: "patch", path: "/users/{name}", tag: "users", auth: "instance admin", summary: "Disable/enable a user, change admin or email (an empty object changes nothing)",
  params: byName, body: updateUserSchema, responses: { 200: { description: "The user, changed", schema: userOutputSchema }, 404: { description: "No such user" } },
});
userRoutes.patch("/:name", async (c) => {
  const principal = requireInstanceAdmin(c);
  const db = openDatabase(c.env.DB);
  const user = await loadUser(db, pathParams(c, patchRoute).name);
  const input = await parseJsonBody(c, patchRoute.body);
  const changes = {
    ...(input.disabled === undefined ? {} : { disabled: input.disabled }),
    ...(input.admin === undefined ? {} : { isAdmin: input.admin }),
    ...(input.email === undefined ? {} : { email: input.email }),
  };
  if (Object.keys(changes).length === 0) return c.json(describeUser(user));
  await updateUser(db, user.id, changes);
  await recordAudit(db, { ...auditActor(principal), action: "user.update", target: `user:${user.name}`, detail: input, requestId: c.var.requestId });
  return c.json(describeUser(await loadUser(db, user.name)));
});

const passwordRoute = declareRoute({ method: "put", path: "/users/{name}/password", tag: "users", auth: "instance admin", summary: "Set a user's password", params: byName, body: setPasswordSchema, responses: { 204: { description: "Set" }, 404: { description: "No such user" } } });
userRoutes.put("/:name/password", async (c) => {
  const principal = requireInstanceAdmin(c);
  const db = openDatabase(c.env.DB);
  const user = await loadUser(db, pathParams(c, passwordRoute).name);
  const input = await parseJsonBody(c, passwordRoute.body);
  await updateUser(db, user.id, { passwordHash: await hashPassword(input.password) });
  await recordAudit(db, { ...auditActor(principal), action: "user.password", target: `user:${user.name}`, requestId: c.var.requestId });
  return c.body(null, 204);
});
