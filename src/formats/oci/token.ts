/**
 * `GET /v2/token` (Docker token authentication,
 * https://distribution.github.io/distribution/spec/auth/token/): the caller authenticates
 * the usual way (Basic with a registry token and any username, or with a user's password;
 * none for anonymous) and receives a short-lived JWT (src/auth/registry-token.ts) for the
 * requested scopes — only the actions the permission model allows; a scope it allows nothing
 * of is left out (the client then gets a 401/404 at the registry, as docker-distribution).
 * `POST /v2/token` (OAuth2) is not offered: containerd and docker fall back to GET on its 404.
 */
import type { Context } from "hono";
import { can } from "../../auth/permissions";
import { REGISTRY_TOKEN_TTL_SECONDS, signRegistryToken, type AccessEntry } from "../../auth/registry-token";
import type { AppEnv } from "../../env";
import { loadRepository, listReadableRepositories, sourceContext } from "../../repositories/loader";
import type { Repository } from "../../repositories/model";
import { loadMembers } from "../../virtual/members";
import { RegistryError } from "../../errors";
import { parseScope, serviceOf, type RequestedScope } from "./challenge";
import { isValidImageName } from "./names";

async function grantedActions(c: Context<AppEnv>, scope: RequestedScope): Promise<AccessEntry[]> {
  if (scope.type === "registry" && scope.name === "catalog") return [{ type: "registry", name: "catalog", actions: ["*"] }];
  if (scope.type !== "repository") return [];
  const [repo = "", ...rest] = scope.name.split("/");
  if (!isValidImageName(rest.join("/"))) return [];
  let repository;
  try {
    ({ repository } = await loadRepository(c, "oci", "read", { name: repo }));
  } catch (error) {
    if (error instanceof RegistryError && (error.status === 404 || error.status === 401 || error.status === 403)) return [];
    throw error;
  }
  const mayWrite = repository.kind !== "remote" && can(c.var.principal, "write", repository);
  const actions = [...new Set(scope.actions.flatMap((a) => (a === "*" ? ["pull", "push", "delete"] : [a])))].filter((a) => a === "pull" || ((a === "push" || a === "delete") && mayWrite));
  if (actions.length === 0) return [];
  const entry: AccessEntry = { type: "repository", name: scope.name, actions };
  return repository.kind === "virtual" ? [entry, ...(await memberAccess(c, repository, rest.join("/"), actions))] : [entry];
}

/**
 * A virtual repository reads through its members and writes to its deploy member, each
 * checked against the token's holder: the token also carries the same image name in the
 * members the caller can read (pull), and push/delete in the deploy member it can write.
 */
async function memberAccess(c: Context<AppEnv>, virtual: Repository, name: string, actions: readonly string[]): Promise<AccessEntry[]> {
  const { members } = await loadMembers(virtual, sourceContext(c), c.env);
  return members.map((member): AccessEntry => {
    const deploy = member.repository.name === virtual.settings.deployMember && can(c.var.principal, "write", member.repository);
    return { type: "repository", name: `${member.repository.name}/${name}`, actions: deploy ? [...actions] : ["pull"] };
  });
}

/** Catalog tokens also carry read on every private repository the caller can read, so the listing is theirs. */
async function catalogAccess(c: Context<AppEnv>): Promise<AccessEntry[]> {
  const readable = await listReadableRepositories(c, "oci");
  return readable.filter((r) => r.visibility === "private").map((r) => ({ type: "repository", name: `${r.name}/*`, actions: ["pull"] }));
}

async function issue(c: Context<AppEnv>, scopes: readonly string[], service: string): Promise<Response> {
  const access: AccessEntry[] = [];
  for (const text of scopes.flatMap((s) => s.split(" ")).filter(Boolean)) {
    const scope = parseScope(text);
    const granted = scope ? await grantedActions(c, scope) : [];
    access.push(...granted);
    if (granted[0]?.type === "registry") access.push(...(await catalogAccess(c)));
  }
  const principal = c.var.principal;
  const now = Math.floor(Date.now() / 1000);
  const token = await signRegistryToken(
    { iss: serviceOf(c.req.raw), sub: principal.name, aud: service, iat: now, nbf: now - 5, exp: now + REGISTRY_TOKEN_TTL_SECONDS, jti: crypto.randomUUID(), access, uid: principal.userId },
    c.env.CREDENTIALS_KEY,
  );
  const issuedAt = new Date(now * 1000).toISOString();
  return c.json({ token, access_token: token, expires_in: REGISTRY_TOKEN_TTL_SECONDS, issued_at: issuedAt }, 200, { "Cache-Control": "no-store" });
}

export async function tokenGet(c: Context<AppEnv>): Promise<Response> {
  const service = c.req.query("service") ?? serviceOf(c.req.raw);
  return issue(c, c.req.queries("scope") ?? [], service);
}
