/**
 * Resolves `/{format}/{repo}/…` to a repository the caller may use: unknown names, a
 * format mismatch and repositories the caller may not read all get the same answer
 * (`repositoryHidden`: 404, or a 401 challenge where the client needs one first).
 */
import type { Context } from "hono";
import { authorize, repositoryHidden, type Access } from "../auth/authorize";
import { can, readableMembers } from "../auth/permissions";
import { openDatabase } from "../db/client";
import { findRepository, listMembers, listRepositories } from "../db/repositories";
import { rememberMembers } from "../db/repository-with-members";
import type { AppEnv, Bindings } from "../env";
import type { Principal } from "../auth/principal";
import { RegistryError } from "../errors";
import { BlobStore } from "../storage/blob-store";
import { HostedSource } from "./hosted-source";
import type { SourceContext } from "./source-context";
import type { Repository } from "./model";

export function sourceContext(c: Context<AppEnv>): SourceContext {
  return requestSourceContext(c.env, c.executionCtx, c.get("principal"), c.get("requestId"), c.get("requestStartedAt"));
}

/** The same from the bindings themselves, for work that runs before the app (warm hits). */
export function requestSourceContext(env: Bindings, executionCtx: { waitUntil(promise: Promise<unknown>): void }, principal: Principal, requestId: string, requestStartedAt: number): SourceContext {
  const db = openDatabase(env.DB);
  const threshold = Number(env.MULTIPART_THRESHOLD_BYTES ?? "") || undefined;
  return {
    db,
    blobs: new BlobStore(db, env.BLOBS, threshold),
    bucket: env.BLOBS,
    principal,
    requestId,
    requestStartedAt,
    waitUntil: (promise) => executionCtx.waitUntil(promise.catch((error: unknown) => console.error(error))),
    env: { LOCKS: env.LOCKS, INDEXES: env.INDEXES, CREDENTIALS_KEY: env.CREDENTIALS_KEY },
  };
}

/** The named repository: from the lookup started beside authentication when there is one (prefetch.ts). */
async function lookUp(c: Context<AppEnv>, context: SourceContext, name: string): Promise<Repository | null> {
  const prefetch = c.get("repositoryPrefetch");
  const prefetched = prefetch ? await prefetch : null;
  if (prefetched?.repository.name === name) {
    if (prefetched.repository.kind === "virtual") rememberMembers(context.db, prefetched.repository.id, prefetched.members);
    return prefetched.repository;
  }
  return findRepository(context.db, name);
}

export async function loadRepository(
  c: Context<AppEnv>,
  format: string,
  access: Access,
  options: { challengeAnonymousReads?: boolean; name?: string } = {},
): Promise<{ repository: Repository; context: SourceContext }> {
  // Formats mounted elsewhere than `/{format}/:repo` (OCI's `/v2`) name the repository themselves.
  const name = options.name ?? c.req.param("repo") ?? "";
  const context = sourceContext(c);
  const repository = await lookUp(c, context, name);
  const principal = c.get("principal");
  if (!repository || repository.format !== format) throw repositoryHidden(principal, name, access, options);
  c.set("repositoryName", repository.name);
  authorize(principal, repository, access, options);
  c.set("repository", repository);
  return { repository, context };
}

/**
 * The hosted source a request writes to (or reads hosted-only data from). A virtual
 * repository writes go to its deploy member, which needs `write` on the deploy member as
 * well as on the virtual (refused as 403 naming only the virtual); a remote repository
 * takes no writes (405).
 */
export async function loadHostedSource(c: Context<AppEnv>, format: string, access: Access, options: { challengeAnonymousReads?: boolean; name?: string } = {}): Promise<HostedSource> {
  const { repository, context } = await loadRepository(c, format, access, options);
  if (repository.kind === "hosted") return new HostedSource(repository, context);
  if (access === "write" && repository.kind === "virtual" && repository.settings.deployMember) {
    const target = await findRepository(context.db, repository.settings.deployMember);
    if (target?.kind === "hosted" && target.format === format) {
      if (!can(c.var.principal, "write", target)) throw new RegistryError("denied", `may not write to repository ${repository.name}`);
      return new HostedSource(target, context);
    }
  }
  if (access === "write") throw new RegistryError("method_not_allowed", `${repository.kind} repository ${repository.name} does not accept uploads`);
  throw new RegistryError("not_found", `${repository.kind} repository ${repository.name} has no hosted files`);
}

/**
 * The hosted sources a read covering a whole repository looks at (npm search): the
 * repository itself, or a virtual repository's hosted members in priority order; a remote
 * repository has none.
 */
export async function loadHostedReaders(c: Context<AppEnv>, format: string): Promise<HostedSource[]> {
  const { repository, context } = await loadRepository(c, format, "read");
  if (repository.kind === "hosted") return [new HostedSource(repository, context)];
  if (repository.kind === "remote") return [];
  const members = readableMembers(c.var.principal, await listMembers(context.db, repository.id));
  return members.filter((m) => m.repository.kind === "hosted").map((m) => new HostedSource(m.repository, context));
}

/**
 * A virtual repository's own source (its indexes, its signing key) and its hosted members of
 * the format in priority order, with how many of those the caller may not read.
 */
export async function loadVirtualHostedMembers(c: Context<AppEnv>, format: string): Promise<{ virtual: HostedSource; members: HostedSource[]; hidden: number }> {
  const { repository, context } = await loadRepository(c, format, "read");
  const hosted = repository.kind === "virtual" ? (await listMembers(context.db, repository.id)).filter((m) => m.repository.kind === "hosted" && m.repository.format === format) : [];
  const readable = readableMembers(c.var.principal, hosted);
  return { virtual: new HostedSource(repository, context), members: readable.map((m) => new HostedSource(m.repository, context)), hidden: hosted.length - readable.length };
}

/** Every repository of the format the caller may read, by name (OCI `_catalog`, token scopes). */
export async function listReadableRepositories(c: Context<AppEnv>, format: string): Promise<Repository[]> {
  const all = await listRepositories(sourceContext(c).db);
  return all.filter((r) => r.format === format && can(c.var.principal, "read", r));
}
