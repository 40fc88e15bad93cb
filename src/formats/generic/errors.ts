/**
 * Generic-format error bodies: `{"error": {"code", "message"}, "requestId"}` — the same
 * shape as the management API, readable in `curl` output. 401s carry a Basic challenge.
 */
import { basicChallenge } from "../../auth/authorize";
import type { RegistryError } from "../../errors";

export function jsonErrorResponse(error: RegistryError, requestId: string): Response {
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", basicChallenge);
  const message = error.code === "internal" ? "internal server error" : error.message;
  const body = { error: { code: error.code, message, ...(error.field ? { field: error.field } : {}) }, requestId };
  return new Response(JSON.stringify(body), { status: error.status, headers });
}
