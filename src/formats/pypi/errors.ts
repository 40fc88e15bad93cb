/**
 * PyPI error answers: a plain-text body, and the message in the HTTP reason phrase too,
 * because that is what twine prints (`HTTPError: 400 Bad Request from …` followed by
 * `response.reason`), as Warehouse does ("400 File already exists …"). A file that exists
 * is a 400, as on PyPI.
 * A 401 carries a Basic challenge so pip/uv/twine send credentials.
 */
import { basicChallenge } from "../../auth/authorize";
import type { RegistryError } from "../../errors";
import type { ErrorContext } from "../types";

/** The message as a reason phrase: printable ASCII on one line, bounded. */
function reasonPhrase(message: string): string {
  return message.replace(/[^\x20-\x7e]/g, "?").slice(0, 500);
}

export function pypiErrorResponse(error: RegistryError, requestId: string): Response {
  const status = error.code === "exists" ? 400 : error.status;
  const message = error.code === "internal" ? `internal server error (request ${requestId})` : error.message;
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "text/plain; charset=utf-8");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", basicChallenge);
  return new Response(`${status} ${message}\n`, { status, statusText: reasonPhrase(message), headers });
}

/** The writer in the FormatModule contract's shape. */
export function pypiErrorFromContext(error: RegistryError, context: ErrorContext): Response {
  return pypiErrorResponse(error, context.requestId);
}
