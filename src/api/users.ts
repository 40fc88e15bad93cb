/** `/api/v1/users` (admin): create, list, disable/enable, set password. */
import { Hono } from "hono";
import { z } from "zod";
import { hashPassword } from "../auth/crypto";
import { recordAudit } from "../db/audit";
import { isUniqueViolation, openDatabase } from "../db/client";
import { findUserByName, insertUser, listUsers, updateUser, type UserRow } from "../db/users";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { requireAdmin } from "./guards";
import { declareRoute } from "./openapi";
import { parseJsonBody } from "./validation";

export const userRoutes = new Hono<AppEnv>();

const password = z.string().min(8, "must be at least 8 characters").max(1024);
const createUserSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/, "must be 1-64 of a-z A-Z 0-9 . _ -"),
  email: z.email().optional(),
  password: password.optional(),
  admin: z.boolean().default(false),
});
const updateUserSchema = z.strictObject({ disabled: z.boolean().optional(), admin: z.boolean().optional(), email: z.email().optional() });
const setPasswordSchema = z.strictObject({ password });
const userOutputSchema = z.object({ id: z.int(), name: z.string(), email: z.string().nullable(), admin: z.boolean(), disabled: z.boolean(), hasPassword: z.boolean(), createdAt: z.int() });

const describeUser = (u: UserRow): z.output<typeof userOutputSchema> => ({
  id: u.id, name: u.name, email: u.email, admin: u.isAdmin, disabled: u.disabled, hasPassword: u.passwordHash !== null, createdAt: u.createdAt,
});

declareRoute({ method: "post", path: "/users", tag: "users", auth: "admin", summary: "Create a user", body: createUserSchema, responses: { 201: { description: "Created", schema: userOutputSchema }, 409: { description: "Name taken" } } });
userRoutes.post("/", async (c) => {
  const principal = requireAdmin(c);
  const input = await parseJsonBody(c, createUserSchema);
  const db = openDatabase(c.env.DB);
  try {
    const user = await insertUser(db, { name: input.name, ...(input.email ? { email: input.email } : {}), isAdmin: input.admin, passwordHash: input.password ? await hashPassword(input.password) : null });
    await recordAudit(db, { actor: principal.name, action: "user.create", target: `user:${user.name}`, detail: { admin: input.admin }, requestId: c.var.requestId });
    return c.json(describeUser(user), 201);
  } catch (error) {
    if (isUniqueViolation(error)) throw new RegistryError("exists", `user ${input.name} already exists`, { field: "name" });
    throw error;
  }
});

declareRoute({ method: "get", path: "/users", tag: "users", auth: "admin", summary: "List users", responses: { 200: { description: "Users", schema: z.object({ users: z.array(userOutputSchema) }) } } });
userRoutes.get("/", async (c) => {
  requireAdmin(c);
  return c.json({ users: (await listUsers(openDatabase(c.env.DB))).map(describeUser) });
});

async function loadUser(db: ReturnType<typeof openDatabase>, name: string): Promise<UserRow> {
  const user = await findUserByName(db, name);
  if (!user) throw new RegistryError("not_found", `user ${name} not found`);
  return user;
}

declareRoute({ method: "patch", path: "/users/{name}", tag: "users", auth: "admin", summary: "Disable/enable a user, change admin or email", body: updateUserSchema, responses: { 200: { description: "Changed", schema: userOutputSchema } } });
userRoutes.patch("/:name", async (c) => {
  const principal = requireAdmin(c);
  const db = openDatabase(c.env.DB);
  const user = await loadUser(db, c.req.param("name"));
  const input = await parseJsonBody(c, updateUserSchema);
  const changes = {
    ...(input.disabled === undefined ? {} : { disabled: input.disabled }),
    ...(input.admin === undefined ? {} : { isAdmin: input.admin }),
    ...(input.email === undefined ? {} : { email: input.email }),
  };
  // An empty patch changes nothing (an UPDATE without columns is an SQL error, i.e. a 500).
  if (Object.keys(changes).length > 0) await updateUser(db, user.id, changes);
  await recordAudit(db, { actor: principal.name, action: "user.update", target: `user:${user.name}`, detail: input, requestId: c.var.requestId });
  return c.json(describeUser(await loadUser(db, user.name)));
});

declareRoute({ method: "put", path: "/users/{name}/password", tag: "users", auth: "admin", summary: "Set a user's password", body: setPasswordSchema, responses: { 204: { description: "Set" } } });
userRoutes.put("/:name/password", async (c) => {
  const principal = requireAdmin(c);
  const db = openDatabase(c.env.DB);
  const user = await loadUser(db, c.req.param("name"));
  const input = await parseJsonBody(c, setPasswordSchema);
  await updateUser(db, user.id, { passwordHash: await hashPassword(input.password) });
  await recordAudit(db, { actor: principal.name, action: "user.password", target: `user:${user.name}`, requestId: c.var.requestId });
  return c.body(null, 204);
});
