/**
 * NuGet at `/nuget/{repo}/`: the v3 service index, push, unlist/relist, the flat container,
 * registration documents (stored on write, ./documents.ts), search and autocomplete, and
 * the v2 OData feed for older clients. Remote/virtual: ./proxy.ts. Credentials: NuGet's
 * `X-NuGet-ApiKey` (a token) besides the default Basic/Bearer.
 */
import { readCredentials, type Credentials } from "../../auth/authenticate";
import type { FormatModule } from "../types";
import { nugetHooks } from "./documents";
import { nugetErrorResponse } from "./errors";
import { nugetProxy } from "./proxy";
import { nugetRoutes } from "./routes";

/** `X-NuGet-ApiKey: <token>` (push/delete), else the default readers (Basic from packageSourceCredentials). */
export function readNuGetCredentials(headers: Headers): Credentials | null {
  const apiKey = headers.get("X-NuGet-ApiKey")?.trim();
  return apiKey ? { secret: apiKey } : readCredentials(headers);
}

export const nugetFormat: FormatModule = {
  name: "nuget",
  routes: nugetRoutes,
  readCredentials: readNuGetCredentials,
  errorResponse: nugetErrorResponse,
  challengeAnonymousReads: true,
  proxy: nugetProxy,
  hooks: nugetHooks,
};
