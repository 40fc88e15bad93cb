/**
 * The one error type of the registry. A closed set of codes, each with its HTTP status;
 * formats turn a RegistryError into their client's wire body (see src/formats/*\/errors.ts),
 * so nothing here knows about JSON, XML or plain text.
 */

export const errorStatus = {
  bad_request: 400,
  name_invalid: 400,
  version_invalid: 400,
  filename_invalid: 400,
  digest_mismatch: 400,
  body_empty: 400,
  unauthorized: 401,
  denied: 403,
  not_found: 404,
  method_not_allowed: 405,
  exists: 409,
  conflict: 409,
  too_large: 413,
  range_not_satisfiable: 416,
  upstream_unavailable: 502,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class RegistryError extends Error {
  readonly code: ErrorCode;
  /** The request field or header at fault, when there is one (API clients show it). */
  readonly field: string | undefined;
  /** Extra response headers, e.g. Content-Range on a 416. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: { field?: string; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "RegistryError";
    this.code = code;
    this.field = options.field;
    this.headers = options.headers ?? {};
  }

  get status(): (typeof errorStatus)[ErrorCode] {
    return errorStatus[this.code];
  }
}

/** Anything thrown that is not a RegistryError becomes an opaque internal error. */
export function toRegistryError(error: unknown): RegistryError {
  if (error instanceof RegistryError) return error;
  return new RegistryError("internal", "internal server error", { cause: error });
}

export const notFound = (what: string): RegistryError => new RegistryError("not_found", `${what} not found`);
