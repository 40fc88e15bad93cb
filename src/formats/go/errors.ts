/**
 * Go error answers: plain text, which the go command prints after the status line
 * (`reading http://…/@v/list: 404 Not Found\n\tserver response: <body>`). A 404 or 410 tells
 * the go command to try the next entry of a comma-separated GOPROXY list. A 401 carries a
 * Basic challenge (credentials come from `.netrc` or GOAUTH).
 */
import { basicChallenge } from "../../auth/authorize";
import type { RegistryError } from "../../errors";
import type { ErrorContext } from "../types";

export function goErrorResponse(error: RegistryError, { requestId }: ErrorContext): Response {
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "text/plain; charset=utf-8");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", basicChallenge);
  const message = error.code === "internal" ? `internal server error (request ${requestId})` : error.message;
  return new Response(`${message}\n`, { status: error.status, headers });
}
