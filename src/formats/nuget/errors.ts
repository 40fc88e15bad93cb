/**
 * NuGet error answers. NuGet clients print the status line (and, for pushes, the body's
 * message); NuGet.org and Gitea answer `{"Message": …}` in JSON, which we use for every v3
 * and publish path, while the v2 OData feed gets an OData error document. A 401 carries a
 * Basic challenge: NuGet clients send a source's credentials (`packageSourceCredentials`)
 * only after one.
 */
import type { RegistryError } from "../../errors";
import type { ErrorContext } from "../types";
import { esc } from "./odata";

export function nugetErrorResponse(error: RegistryError, context: ErrorContext): Response {
  const message = error.code === "internal" ? `internal server error (request ${context.requestId})` : error.message;
  const headers = new Headers(error.headers);
  if (error.code === "unauthorized") headers.set("WWW-Authenticate", 'Basic realm="edge-registry NuGet"');
  const v2 = /^\/nuget\/[^/]+\/api\/v2\/(?!package(?:\/|$))/i.test(new URL(context.request.url).pathname);
  if (v2 && context.request.method === "GET") {
    headers.set("Content-Type", "application/xml;charset=utf-8");
    const body = `<?xml version="1.0" encoding="utf-8"?><m:error xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><m:code>${esc(error.code)}</m:code><m:message xml:lang="en-US">${esc(message)}</m:message></m:error>`;
    return new Response(body, { status: error.status, headers });
  }
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(JSON.stringify({ Message: message }), { status: error.status, headers });
}
