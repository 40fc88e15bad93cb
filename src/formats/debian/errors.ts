/**
 * Debian error answers: one plain-text line. apt prints the status line of a failed fetch
 * ("404  Not Found"); curl uploads print the body. A 401 carries a Basic challenge (apt sends
 * credentials from auth.conf or the URL after one).
 */
import { basicChallenge } from "../../auth/authorize";
import type { RegistryError } from "../../errors";
import type { ErrorContext } from "../types";

export function debianErrorResponse(error: RegistryError, { requestId }: ErrorContext): Response {
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "text/plain; charset=utf-8");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", basicChallenge);
  const message = error.code === "internal" ? `internal server error (request ${requestId})` : error.message;
  return new Response(`${message}\n`, { status: error.status, headers });
}
