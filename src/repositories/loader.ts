/**
 * Resolves `/{format}/{repo}/…` to a repository the caller may use: unknown names, a
 * format mismatch and unreadable private repositories are all the same 404.
 */
import type { Context } from "hono";
import { authorize, type Access } from "../auth/authorize";
import { openDatabase } from "../db/client";
import { findRepository } from "../db/repositories";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import { BlobStore } from "../storage/blob-store";
import { HostedSource, type SourceContext } from "./hosted-source";
import type { Repository } from "./model";

export function sourceContext(c: Context<AppEnv>): SourceContext {
  const db = openDatabase(c.env.DB);
  const threshold = Number(c.env.MULTIPART_THRESHOLD_BYTES ?? "") || undefined;
  return {
    db,
    blobs: new BlobStore(db, c.env.BLOBS, threshold),
    bucket: c.env.BLOBS,
    principal: c.var.principal,
    requestId: c.var.requestId,
    requestStartedAt: c.var.requestStartedAt,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise.catch((error: unknown) => console.error(error))),
  };
}

export async function loadRepository(
  c: Context<AppEnv>,
  format: string,
  access: Access,
  options: { challengeAnonymousReads?: boolean } = {},
): Promise<{ repository: Repository; context: SourceContext }> {
  const name = c.req.param("repo") ?? "";
  const context = sourceContext(c);
  const repository = await findRepository(context.db, name);
  if (!repository || repository.format !== format) throw new RegistryError("not_found", `repository ${name} not found`);
  c.set("repositoryName", repository.name);
  authorize(c.var.principal, repository, access, options);
  c.set("repository", repository);
  return { repository, context };
}

/**
 * The hosted source a request writes to (or reads hosted-only data from). A virtual
 * repository writes go to its deploy member; a remote repository takes no writes (405).
 */
export async function loadHostedSource(c: Context<AppEnv>, format: string, access: Access): Promise<HostedSource> {
  const { repository, context } = await loadRepository(c, format, access);
  if (repository.kind === "hosted") return new HostedSource(repository, context);
  if (access === "write" && repository.kind === "virtual" && repository.settings.deployMember) {
    const target = await findRepository(context.db, repository.settings.deployMember);
    if (target?.kind === "hosted" && target.format === format) return new HostedSource(target, context);
  }
  if (access === "write") throw new RegistryError("method_not_allowed", `${repository.kind} repository ${repository.name} does not accept uploads`);
  throw new RegistryError("not_found", `${repository.kind} repository ${repository.name} has no hosted files`);
}
