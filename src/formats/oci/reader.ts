/**
 * The read seam shared by every OCI repository kind. Routes validate the path and the
 * caller, then ask an `OciReader` — hosted (hosted/reader.ts), remote or virtual (their own
 * folders, added by one line each in `readerFactories`) — so the wire protocol is written
 * once. Answers are full HTTP responses so a remote reader can stream an upstream body; the
 * route adds the spec's headers (Docker-Content-Digest, …).
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { SourceContext } from "../../repositories/source-context";
import { loadRepository } from "../../repositories/loader";
import type { Repository, RepositoryKind } from "../../repositories/model";
import { HostedOciReader } from "./hosted/reader";
import type { Descriptor } from "./manifest";
import type { Reference } from "./names";
import { ProxiedOciReader } from "./remote/reader";

/** A manifest as found: its digest and media type, and the response serving it. */
export interface ManifestAnswer {
  digest: string;
  mediaType: string;
  size: number;
  response: Response;
}

export interface OciReader {
  /** The manifest by tag or digest (GET/HEAD per `request`), or null when unknown. */
  manifest(name: string, reference: Reference, request: Request): Promise<ManifestAnswer | null>;
  /** The blob's bytes (ranges honoured), or null when this name has no such blob. */
  blob(name: string, digest: string, request: Request): Promise<Response | null>;
  /** Every tag of the name in lexical order, or null when the name is unknown. */
  tags(name: string): Promise<string[] | null>;
  /** Manifests whose `subject` is `digest` (OCI 1.1 referrers API). */
  referrers(name: string, digest: string): Promise<Descriptor[]>;
}

export type ReaderFactory = (c: Context<AppEnv>, repository: Repository, context: SourceContext) => OciReader;

/** One factory per repository kind: remote and virtual ones read through the engine (./remote/reader.ts). */
const readerFactories: Record<RepositoryKind, ReaderFactory> = {
  hosted: (_c, repository, context) => HostedOciReader.open(repository, context),
  remote: (c, repository, context) => new ProxiedOciReader(c, repository, context),
  virtual: (c, repository, context) => new ProxiedOciReader(c, repository, context),
};

/** The reader of an OCI repository the caller may read (else its 401 challenge / 404). */
export async function openReader(c: Context<AppEnv>, repo: string): Promise<{ repository: Repository; reader: OciReader }> {
  const { repository, context } = await loadRepository(c, "oci", "read", { name: repo, challengeAnonymousReads: true });
  return { repository, reader: readerFactories[repository.kind](c, repository, context) };
}
