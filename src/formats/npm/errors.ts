/**
 * npm error bodies (DESIGN §7): `{"error": "…"}` with the status, as registry.npmjs.org and
 * Verdaccio answer. npm-registry-fetch prints `{status} {statusText} - {METHOD} {url} - {error}`
 * (lib/errors.js HttpErrorGeneral). A 401 carries a Basic challenge; npm then prints
 * "Unable to authenticate, need: Basic realm=…" (check-response.js).
 */
import { basicChallenge } from "../../auth/authorize";
import type { RegistryError } from "../../errors";

export function npmErrorResponse(error: RegistryError, requestId: string): Response {
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", basicChallenge);
  const message = error.code === "internal" ? `internal server error (request ${requestId})` : error.message;
  return new Response(JSON.stringify({ error: message }), { status: error.status, headers });
}
