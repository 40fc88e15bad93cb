/** Sources for work done outside a client request: cron cleanup, the IndexBuilder. */
import type { Principal } from "../auth/principal";
import { openDatabase, type Database } from "../db/client";
import type { Bindings } from "../env";
import { BlobStore } from "../storage/blob-store";
import { HostedSource } from "./hosted-source";
import type { SourceContext } from "./source-context";
import type { Repository } from "./model";
import type { WriteOrigin } from "./write-hooks";

/** A system principal named after the job (it appears as the audit actor); it acts on every repository. */
export const systemPrincipal = (name: string): Principal => ({ kind: "bootstrap", userId: null, name, userIsAdmin: true, grants: [], token: null });

export function backgroundSourceContext(env: Bindings, actor: string, origin: WriteOrigin, db: Database = openDatabase(env.DB)): SourceContext {
  const threshold = Number(env.MULTIPART_THRESHOLD_BYTES ?? "") || undefined;
  return {
    db,
    blobs: new BlobStore(db, env.BLOBS, threshold),
    bucket: env.BLOBS,
    principal: systemPrincipal(actor),
    requestId: actor,
    requestStartedAt: Date.now(),
    // Background work awaits everything it starts.
    waitUntil: (promise) => void promise.catch((error: unknown) => console.error(error)),
    env: { LOCKS: env.LOCKS, INDEXES: env.INDEXES, CREDENTIALS_KEY: env.CREDENTIALS_KEY },
    origin,
  };
}

export function backgroundSource(env: Bindings, repository: Repository, actor: string, origin: WriteOrigin, db?: Database): HostedSource {
  return new HostedSource(repository, backgroundSourceContext(env, actor, origin, db));
}
