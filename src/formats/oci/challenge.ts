/**
 * The Bearer challenge of the Docker token flow
 * (https://distribution.github.io/distribution/spec/auth/token/): a 401 names our token
 * endpoint (`realm`), the service, and the scope the refused request needs.
 */
import { parseOciPath } from "./names";

export const TOKEN_PATH = "/v2/token";

/** The `service` value: the registry's host, as docker-distribution uses it. */
export const serviceOf = (request: Request): string => new URL(request.url).host;

export function bearerChallenge(request: Request, scope: string | null): string {
  const url = new URL(request.url);
  const parts = [`realm="${url.origin}${TOKEN_PATH}"`, `service="${serviceOf(request)}"`];
  if (scope) parts.push(`scope="${scope}"`);
  return `Bearer ${parts.join(",")}`;
}

/** The scope a request needs (`repository:{repo}/{name}:pull,push`), or null for `/v2/` itself. */
export function scopeForRequest(request: Request): string | null {
  const pathname = new URL(request.url).pathname;
  if (!pathname.startsWith("/v2/")) return null;
  let path;
  try {
    path = parseOciPath(pathname.slice("/v2/".length));
  } catch {
    return null;
  }
  if (!path || path.kind === "base" || path.kind === "token") return null;
  if (path.kind === "catalog") return "registry:catalog:*";
  const method = request.method.toUpperCase();
  // Upload sessions are writes whatever the method (a GET asks for an upload's status).
  const upload = path.kind === "uploads" || path.kind === "upload";
  const actions = upload ? "pull,push" : method === "GET" || method === "HEAD" ? "pull" : method === "DELETE" ? "delete" : "pull,push";
  return `repository:${path.repo}/${path.name}:${actions}`;
}

export interface RequestedScope {
  type: string;
  name: string;
  actions: string[];
}

/** `repository:team/app:pull,push` → parts; names may contain `:` only in a port-less form we never issue. */
export function parseScope(text: string): RequestedScope | null {
  const first = text.indexOf(":");
  const last = text.lastIndexOf(":");
  if (first < 0 || last === first) return null;
  return { type: text.slice(0, first), name: text.slice(first + 1, last), actions: text.slice(last + 1).split(",").filter(Boolean) };
}
