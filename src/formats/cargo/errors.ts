/**
 * Cargo error answers: cargo prints `errors[].detail` of a JSON body for any non-2xx answer
 * of the web API ("the remote server responded with an error (status 400 Bad Request): …"),
 * and the status line for index and download failures. A 401 carries a `Cargo` challenge
 * (cargo's `WWW-Authenticate` scheme, RFC 3494): cargo then retries a sparse-index read with
 * the registry's token (`auth-required`).
 */
import type { RegistryError } from "../../errors";
import type { ErrorContext } from "../types";

export function cargoErrorResponse(error: RegistryError, requestId: string): Response {
  const detail = error.code === "internal" ? `internal server error (request ${requestId})` : error.message;
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", 'Cargo realm="edge-registry"');
  return new Response(JSON.stringify({ errors: [{ detail }] }), { status: error.status, headers });
}

export function cargoErrorFromContext(error: RegistryError, context: ErrorContext): Response {
  return cargoErrorResponse(error, context.requestId);
}
