/**
 * Reads through any repository kind for formats with a ProxySpec: hosted answers from its
 * own files, remote from its cache/upstream, virtual by resolving across members. Format
 * routes validate the path, then hand it here.
 */
import type { Context } from "hono";
import { listMembers } from "../db/repositories";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";
import type { FormatModule, PathClass, ProxySpec } from "../formats/types";
import { HostedSource } from "../repositories/hosted-source";
import { loadRepository } from "../repositories/loader";
import { withEdgeCache } from "./edge-cache";
import { RemoteSource } from "./remote-source";
import { remoteResponse } from "./remote-response";
import { VirtualSource } from "./virtual-source";

type ProxiedFormat = Pick<FormatModule, "name" | "challengeAnonymousReads"> & { proxy: ProxySpec };

export async function serveRead(c: Context<AppEnv>, format: ProxiedFormat, path: string, notFoundMessage: string): Promise<Response> {
  const { repository, context } = await loadRepository(c, format.name, "read", { challengeAnonymousReads: format.challengeAnonymousReads ?? false });
  const kind: PathClass | null = format.proxy.classifyPath(path);
  if (!kind) throw new RegistryError("not_found", notFoundMessage);
  const request = c.req.raw;
  const response = await withEdgeCache(request, repository, kind, context.waitUntil, async () => {
    switch (repository.kind) {
      case "hosted":
        return format.proxy.readHosted(new HostedSource(repository, context), path, request);
      case "remote": {
        // The cache is keyed by path alone, so the client's Accept is not forwarded upstream.
        const hit = await new RemoteSource(repository, context, c.env).open(path, kind);
        return hit ? remoteResponse(request, context.bucket, hit, repository.name) : null;
      }
      case "virtual": {
        const members = await listMembers(context.db, repository.id);
        return new VirtualSource(repository, members, context, c.env, format.proxy).resolve(path, kind, request);
      }
    }
  });
  if (!response) throw new RegistryError("not_found", notFoundMessage);
  return response;
}
