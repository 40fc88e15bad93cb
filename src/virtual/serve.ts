/**
 * Reads through any repository kind: the format classifies the path, the engine
 * (engine.ts) serves it through the repository's members — hosted answers from its own
 * files, remote from its cache/upstream, virtual across its members. Format routes
 * validate what they must, then hand the path (or a target they built) here.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import type { FormatModule, PathClass, ProxySpec, ProxyTarget } from "../formats/types";
import type { SourceContext } from "../repositories/source-context";
import { loadRepository } from "../repositories/loader";
import type { Repository } from "../repositories/model";
import type { EngineContext } from "./documents";
import { rowReadThisRequest } from "../repositories/prefetch";
import { findRepositoryWithMembers } from "../db/repository-with-members";
import { withEdgeCache } from "./edge-cache";
import { cacheableRepository, involvesRemote, readCacheBytes, withReadCache } from "./read-cache";
import { readStamp, stampMembers } from "./read-stamp";
import { resolveTarget } from "./engine";
import { loadMembers } from "./members";

type ProxiedFormat = Pick<FormatModule, "name" | "challengeAnonymousReads"> & { proxy: ProxySpec };

/** The served repository's base URL (`https://host/{format}/{repo}/`): the request URL without `path`. */
export function servedBase(request: Request, path: string): string {
  const url = new URL(request.url);
  const pathname = url.pathname.endsWith(path) ? url.pathname.slice(0, url.pathname.length - path.length) : `${url.pathname}/`;
  return `${url.origin}${pathname}`;
}

export async function engineContext(c: Context<AppEnv>, repository: Repository, ctx: SourceContext): Promise<EngineContext> {
  return { repository, ctx, env: c.env, ...(await loadMembers(repository, ctx, c.env)) };
}

/**
 * Answers through the isolate's warm read cache (read-cache.ts), keyed on the read stamp
 * (read-stamp.ts) and, for remote content (`kind` classifies it), bounded by the freshness of
 * the remote entries it used. Callers have authorized the read. Formats with hosted reads outside `serveTarget` (npm) wrap them here.
 */
export async function cachedRead<R extends Response | null>(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, produce: (ctx: SourceContext) => Promise<R>, kind?: PathClass): Promise<R> {
  const members = await stampMembers(ctx.db, repository);
  if (!cacheableRepository(repository, members, ctx)) return produce(ctx);
  const options = {
    stamp: readStamp(repository, members),
    ...(kind ? { kind } : {}),
    remote: involvesRemote(repository, members),
    maxBytes: readCacheBytes(c.env.READ_CACHE_MIB),
    rowReadNow: await rowReadThisRequest(c, repository),
    confirmStamp: async () => {
      const found = await findRepositoryWithMembers(ctx.db, repository.name);
      return found ? readStamp(found.repository, found.members) : null;
    },
  };
  return (await withReadCache(c.req.raw, repository, ctx, options, produce)) as R;
}

/** Serves a target the format built: warm read cache, then the edge cache for public repositories; null when nobody has it. */
export async function serveTarget(c: Context<AppEnv>, proxy: ProxySpec, repository: Repository, ctx: SourceContext, target: ProxyTarget): Promise<Response | null> {
  const request = c.req.raw;
  const produce = async (ctx: SourceContext) => {
    const engine = await engineContext(c, repository, ctx);
    return { response: await resolveTarget(engine, proxy, target, request), shareable: engine.shareable };
  };
  // Content that changes without a revision bump is kept out of both revision-keyed caches.
  if (target.changesWithoutRevision) return (await produce(ctx)).response;
  const stamp = readStamp(repository, await stampMembers(ctx.db, repository));
  return cachedRead(c, repository, ctx, (ctx) => {
    if (target.noEdgeCache) return produce(ctx).then((p) => p.response);
    return withEdgeCache(request, repository, stamp, target.kind, ctx.waitUntil, () => produce(ctx));
  }, target.kind);
}

/** A whole read: repository, path classification, engine, 404 with `notFoundMessage`. */
export async function serveRead(c: Context<AppEnv>, format: ProxiedFormat, path: string, notFoundMessage: string): Promise<Response> {
  const { repository, context } = await loadRepository(c, format.name, "read", { challengeAnonymousReads: format.challengeAnonymousReads ?? false });
  const target = format.proxy.classify(path, c.req.raw, servedBase(c.req.raw, path));
  if (!target) throw new RegistryError("not_found", notFoundMessage);
  const response = await serveTarget(c, format.proxy, repository, context, target);
  if (!response) throw new RegistryError("not_found", notFoundMessage);
  return response;
}
