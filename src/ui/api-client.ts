/**
 * The UI's forms are clients of the management API, dispatched in-process: a form post
 * becomes the API request it stands for, run by the same routes with the signed-in
 * principal, so validation, permission checks and audit events are the API's own (one
 * implementation). Answers come back as data, or as the API's error message and field.
 */
import { Hono, type Context } from "hono";
import { apiRoutes } from "../api";
import type { Principal } from "../auth/principal";
import type { AppEnv } from "../env";
import { toRegistryError } from "../errors";
import { jsonErrorResponse } from "../formats/generic/errors";

interface Caller {
  principal: Principal;
  requestId: string;
}

const callers = new WeakMap<Request, Caller>();

const inProcess = new Hono<AppEnv>();
inProcess.use(async (c, next) => {
  const caller = callers.get(c.req.raw);
  if (!caller) return c.json({ error: { code: "denied", message: "not an in-process call" } }, 403);
  c.set("principal", caller.principal);
  c.set("requestId", caller.requestId);
  c.set("requestStartedAt", Date.now());
  await next();
});
inProcess.route("/api/v1", apiRoutes);
inProcess.onError((err, c) => jsonErrorResponse(toRegistryError(err), c.var.requestId ?? "unknown"));

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; message: string; field: string | null };

/** Calls `/api/v1{path}` as `principal` (the UI's signed-in user) inside this request. */
export async function callApi<T>(
  c: Context<{ Bindings: AppEnv["Bindings"]; Variables: AppEnv["Variables"] }>,
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<ApiResult<T>> {
  const request = new Request(new URL(`/api/v1${path}`, c.req.url), {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
  });
  callers.set(request, { principal: c.var.principal, requestId: c.var.requestId });
  const response = await inProcess.fetch(request, c.env, c.executionCtx);
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : null;
  if (response.ok) return { ok: true, status: response.status, data: parsed as T };
  const error = (parsed as { error?: { message?: string; field?: string } } | null)?.error;
  return { ok: false, status: response.status, message: error?.message ?? `HTTP ${response.status}`, field: error?.field ?? null };
}
