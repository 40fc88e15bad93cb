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
  return { repository, context };
}

/** The hosted source of a repository; remote and virtual kinds cannot be written directly. */
export async function loadHostedSource(c: Context<AppEnv>, format: string, access: Access): Promise<HostedSource> {
  const { repository, context } = await loadRepository(c, format, access);
  if (repository.kind !== "hosted") {
    if (access === "write") throw new RegistryError("method_not_allowed", `${repository.kind} repository ${repository.name} does not accept uploads`);
    throw new RegistryError("not_found", `${repository.kind} repositories of format ${format} are not served yet`);
  }
  return new HostedSource(repository, context);
}
