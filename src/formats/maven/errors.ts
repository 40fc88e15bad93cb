/**
 * Maven error bodies (DESIGN §7). Maven (wagon or the native resolver transport) prints only
 * the status code and reason phrase, so the body is one short `text/plain` line for people
 * using curl. A 401 carries the Basic challenge: Maven sends credentials on reads only after
 * it has been challenged.
 */
import { basicChallenge } from "../../auth/authorize";
import type { RegistryError } from "../../errors";

export function mavenErrorResponse(error: RegistryError, requestId: string): Response {
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "text/plain; charset=utf-8");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", basicChallenge);
  const message = error.code === "internal" ? `internal server error (request ${requestId})` : error.message;
  return new Response(`${error.status} ${message}\n`, { status: error.status, headers });
}
