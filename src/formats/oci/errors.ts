/**
 * OCI error answers (distribution-spec v1.1 "Error Codes"): a JSON body
 * `{"errors":[{"code","message","detail"}]}` with the spec's code, and on a 401 a Bearer
 * challenge naming our token endpoint and the scope the request needs, so docker, podman,
 * skopeo, crane, oras and helm fetch a token and retry.
 */
import { RegistryError, type ErrorCode } from "../../errors";
import type { ErrorContext } from "../types";
import { basicChallenge } from "../../auth/authorize";
import { bearerChallenge, scopeForRequest, TOKEN_PATH } from "./challenge";

/** The spec's error codes. */
export type OciErrorCode =
  | "BLOB_UNKNOWN"
  | "BLOB_UPLOAD_INVALID"
  | "BLOB_UPLOAD_UNKNOWN"
  | "DIGEST_INVALID"
  | "MANIFEST_BLOB_UNKNOWN"
  | "MANIFEST_INVALID"
  | "MANIFEST_UNKNOWN"
  | "NAME_INVALID"
  | "NAME_UNKNOWN"
  | "SIZE_INVALID"
  | "TAG_INVALID"
  | "UNAUTHORIZED"
  | "DENIED"
  | "UNSUPPORTED"
  | "TOOMANYREQUESTS"
  | "UNKNOWN";

/** The registry error each spec code travels as (its HTTP status). */
const registryCode: Record<OciErrorCode, ErrorCode> = {
  BLOB_UNKNOWN: "not_found",
  BLOB_UPLOAD_INVALID: "bad_request",
  BLOB_UPLOAD_UNKNOWN: "not_found",
  DIGEST_INVALID: "digest_mismatch",
  MANIFEST_BLOB_UNKNOWN: "bad_request",
  MANIFEST_INVALID: "bad_request",
  MANIFEST_UNKNOWN: "not_found",
  NAME_INVALID: "name_invalid",
  NAME_UNKNOWN: "not_found",
  SIZE_INVALID: "bad_request",
  TAG_INVALID: "bad_request",
  UNAUTHORIZED: "unauthorized",
  DENIED: "denied",
  UNSUPPORTED: "method_not_allowed",
  TOOMANYREQUESTS: "conflict",
  UNKNOWN: "internal",
};

/** A RegistryError that knows its OCI code (the engine's errors get one in `ociCodeOf`). */
export class OciError extends RegistryError {
  readonly ociCode: OciErrorCode;
  readonly detail: unknown;

  constructor(code: OciErrorCode, message: string, options: { headers?: Record<string, string>; detail?: unknown; cause?: unknown; status?: ErrorCode } = {}) {
    super(options.status ?? registryCode[code], message, { ...(options.headers ? { headers: options.headers } : {}), cause: options.cause });
    this.name = "OciError";
    this.ociCode = code;
    this.detail = options.detail;
  }
}

/** The spec code for an engine error (a failed upload, a missing repository, a lock timeout). */
function ociCodeOf(error: RegistryError): OciErrorCode {
  if (error instanceof OciError) return error.ociCode;
  switch (error.code) {
    case "unauthorized":
      return "UNAUTHORIZED";
    case "denied":
      return "DENIED";
    case "not_found":
      return "NAME_UNKNOWN";
    case "name_invalid":
      return "NAME_INVALID";
    case "digest_mismatch":
      return "DIGEST_INVALID";
    case "too_large":
      return "SIZE_INVALID";
    case "range_not_satisfiable":
      return "BLOB_UPLOAD_INVALID";
    case "method_not_allowed":
      return "UNSUPPORTED";
    case "conflict":
    case "exists":
      return "DENIED";
    case "bad_request":
    case "body_empty":
    case "version_invalid":
    case "filename_invalid":
      return "BLOB_UPLOAD_INVALID";
    case "upstream_unavailable":
    case "internal":
      return "UNKNOWN";
  }
}

export function ociErrorResponse(error: RegistryError, context: Pick<ErrorContext, "request" | "requestId">): Response {
  const code = ociCodeOf(error);
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Docker-Distribution-API-Version", "registry/2.0");
  if (error.code === "unauthorized") {
    // The token endpoint itself asks for Basic credentials; everything else for a token.
    const tokenEndpoint = new URL(context.request.url).pathname === TOKEN_PATH;
    headers.set("WWW-Authenticate", tokenEndpoint ? basicChallenge : bearerChallenge(context.request, scopeForRequest(context.request)));
  }
  const message = error.code === "internal" ? `internal server error (request ${context.requestId})` : error.message;
  const detail = error instanceof OciError && error.detail !== undefined ? error.detail : {};
  return new Response(JSON.stringify({ errors: [{ code, message, detail }] }), { status: error.status, headers });
}
