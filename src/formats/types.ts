/**
 * The FormatModule contract (DESIGN §8): what every package format provides. A format's
 * routes speak its wire protocol and reach storage only through a PackageSource.
 */
import type { Hono } from "hono";
import type { AppEnv } from "../env";
import type { RegistryError } from "../errors";

export interface FormatModule {
  /** URL segment and `repository.format` value, e.g. "generic". */
  readonly name: string;
  /** Wire-protocol routes, mounted at `/{name}/:repo`. */
  readonly routes: Hono<AppEnv>;
  /** The error body this format's client prints, with the right status and headers. */
  errorResponse(error: RegistryError, requestId: string): Response;
  /** Clients that only send credentials after a 401 (Maven) set this. */
  readonly challengeAnonymousReads?: boolean;
}
