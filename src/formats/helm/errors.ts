/**
 * Helm error answers: ChartMuseum's JSON `{"error": "…"}`, which `helm cm-push` and curl
 * print; helm itself prints the status of a failed index or chart download. A 401 carries a
 * Basic challenge (helm sends `--username/--password` as Basic).
 */
import { basicChallenge } from "../../auth/authorize";
import type { RegistryError } from "../../errors";
import type { ErrorContext } from "../types";

export function helmErrorResponse(error: RegistryError, { requestId }: ErrorContext): Response {
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", basicChallenge);
  const message = error.code === "internal" ? `internal server error (request ${requestId})` : error.message;
  return new Response(JSON.stringify({ error: message }), { status: error.status, headers });
}
