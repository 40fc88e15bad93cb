/**
 * Composer error answers, JSON as packagist's API writes them (`{"status":"error","message"}`)
 * with Gitea's `errors` list beside it (`[{"status","message"}]`), for scripts written
 * against either. The content type is exactly `application/json`: for such a 4xx/5xx answer
 * Composer (with PHP's curl extension) prints the body's `warning` ("Warning from http://…:
 * …"), so every error but a
 * 404 carries one (a 404 is how a repository says "not here", which Composer asks of every
 * repository for every package, and must stay quiet). A 401 carries a Basic challenge:
 * Composer then uses `http-basic` credentials from auth.json, or asks for them.
 */
import { basicChallenge } from "../../auth/authorize";
import type { RegistryError } from "../../errors";
import type { ErrorContext } from "../types";

export function composerErrorResponse(error: RegistryError, { requestId }: ErrorContext): Response {
  const message = error.code === "internal" ? `internal server error (request ${requestId})` : error.message;
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "application/json");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", basicChallenge);
  const body = { status: "error", message, errors: [{ status: error.status, message }], ...(error.status === 404 ? {} : { warning: message }) };
  return new Response(JSON.stringify(body), { status: error.status, headers });
}
