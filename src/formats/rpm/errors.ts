/**
 * RPM error answers: one plain-text line. dnf and zypper print the status of a failed fetch;
 * curl uploads print the body. A 401 carries a Basic challenge (dnf sends `username`/`password`
 * from the .repo file after one).
 */
import { basicChallenge } from "../../auth/authorize";
import type { RegistryError } from "../../errors";
import type { ErrorContext } from "../types";

export function rpmErrorResponse(error: RegistryError, { requestId }: ErrorContext): Response {
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "text/plain; charset=utf-8");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", basicChallenge);
  const message = error.code === "internal" ? `internal server error (request ${requestId})` : error.message;
  return new Response(`${message}\n`, { status: error.status, headers });
}
