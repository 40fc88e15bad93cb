/**
 * Read-path budget (docs/architecture.md): the repository a `/{format}/{repo}/…`
 * request names — with a virtual repository's members — is looked up while the request is
 * authenticated, so token lookup and repository lookup share one D1 round trip. The
 * middleware only starts the query; `loadRepository` awaits it and still authorizes.
 */
import type { MiddlewareHandler } from "hono";
import { openDatabase } from "../db/client";
import type { MemberRef } from "../db/repositories";
import { findRepositoryWithMembers } from "../db/repository-with-members";
import type { AppEnv } from "../env";
import { formatForPath } from "../formats";
import type { Repository } from "./model";

export interface PrefetchedRepository {
  repository: Repository;
  members: MemberRef[];
}

export function repositoryPrefetch(): MiddlewareHandler<AppEnv> {
  return async function repositoryPrefetchMiddleware(c, next) {
    const pathname = new URL(c.req.url).pathname;
    const [, , repo = ""] = pathname.split("/");
    // Default mounts (`/{format}/{repo}/…`) and OCI's `/v2/{repo}/…` name the repository in
    // the second segment (OCI's own `/v2/token` and `/v2/_catalog` are not repositories).
    const format = formatForPath(pathname);
    const named = format && (format.mount === undefined || (format.mount === "/v2" && pathname.split("/").length > 3));
    if (repo !== "" && named) {
      let name = repo;
      try {
        name = decodeURIComponent(repo);
      } catch {
        // Not a valid repository name either way; the loader answers 404.
      }
      // Failures surface in the loader's own lookup; never as an unhandled rejection here.
      c.set("repositoryPrefetch", findRepositoryWithMembers(openDatabase(c.env.DB), name).catch(() => null));
    }
    await next();
  };
}
