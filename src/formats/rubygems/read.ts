/**
 * Reads at `/rubygems/{repo}/` for every repository kind. A hosted repository serves its
 * stored compact index documents directly (./hosted-documents.ts: one D1 query, then R2);
 * remote and virtual repositories go through the engine (./proxy.ts). Compact index files
 * are served with ETag = quoted MD5, `Repr-Digest` and byte ranges. The legacy `specs`
 * indexes are derived from the repository's `/versions` (a remote relays its upstream's).
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { HostedSource } from "../../repositories/hosted-source";
import type { SourceContext } from "../../repositories/source-context";
import { loadRepository } from "../../repositories/loader";
import type { Repository } from "../../repositories/model";
import { documentText } from "../../virtual/documents";
import { engineContext, serveRead, serveTarget } from "../../virtual/serve";
import { hostedInfoBlob } from "./hosted-documents";
import { type LegacyIndex, legacyIndexBytes } from "./legacy-specs";
import { COMPACT_HEADERS, COMPACT_INDEX_CONTENT_TYPE, COMPACT_INDEX_SERVED, infoTarget, rubygemsProxy, wholeIndexTarget } from "./proxy";
import { parseRubygemsPath } from "./paths";

export const challenge = { challengeAnonymousReads: true };
const format = { name: "rubygems", proxy: rubygemsProxy, challengeAnonymousReads: true };

function serveCompact(c: Context<AppEnv>, source: HostedSource, blob: Parameters<HostedSource["serveBlob"]>[1]): Promise<Response> {
  return source.serveBlob(c.req.raw, blob, { contentType: COMPACT_INDEX_CONTENT_TYPE, headers: COMPACT_HEADERS, ...COMPACT_INDEX_SERVED });
}

async function hostedWholeIndex(c: Context<AppEnv>, source: HostedSource, name: "versions" | "names"): Promise<Response> {
  const index = await source.repositoryIndex(name);
  if (!index) throw new RegistryError("internal", `the ${name} index could not be built`);
  return serveCompact(c, source, index.blob);
}

/** The `/versions` text of any repository kind (for the legacy indexes). */
async function versionsText(c: Context<AppEnv>, repository: Repository, context: SourceContext): Promise<string> {
  if (repository.kind === "hosted") {
    const index = await new HostedSource(repository, context).repositoryIndex("versions");
    const object = index ? await context.bucket.get(index.blob.r2Key) : null;
    return object ? object.text() : "";
  }
  return (await documentText(await engineContext(c, repository, context), wholeIndexTarget("versions", repository.settings.shielding))) ?? "";
}

async function legacyIndex(c: Context<AppEnv>, rest: string, index: LegacyIndex): Promise<Response> {
  const { repository, context } = await loadRepository(c, "rubygems", "read", challenge);
  if (repository.kind === "remote") return serveRead(c, format, rest, `${rest} not found`);
  const bytes = legacyIndexBytes(await versionsText(c, repository, context), index);
  return new Response(c.req.method === "HEAD" ? null : bytes, { headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.length), ...COMPACT_HEADERS } });
}

/** Every GET/HEAD under the mount; `rest` is the raw path after `/rubygems/{repo}/`. */
export async function serveRubygemsRead(c: Context<AppEnv>, rest: string): Promise<Response> {
  if (rest === "") {
    // `gem install` probes the source root (HEAD) to choose the compact index over `specs`.
    await loadRepository(c, "rubygems", "read", challenge);
    return c.text("RubyGems repository: compact index at versions, info/{name}, names\n");
  }
  const parsed = parseRubygemsPath(rest);
  if (!parsed) {
    await loadRepository(c, "rubygems", "read", challenge);
    throw new RegistryError("not_found", "This is not a RubyGems repository path.");
  }
  if (parsed.kind === "legacy") return legacyIndex(c, rest, parsed.index);
  if (parsed.kind === "gem" || parsed.kind === "quick-spec") return serveRead(c, format, rest, `${parsed.filename} was not found.`);
  const { repository, context } = await loadRepository(c, "rubygems", "read", challenge);
  const notFound = parsed.kind === "info" ? `This gem could not be found: ${parsed.name}` : `${parsed.kind} not found`;
  if (repository.kind === "hosted") {
    const source = new HostedSource(repository, context);
    if (parsed.kind !== "info") return hostedWholeIndex(c, source, parsed.kind);
    const blob = await hostedInfoBlob(source, parsed.name);
    if (!blob) throw new RegistryError("not_found", notFound);
    return serveCompact(c, source, blob);
  }
  const target = parsed.kind === "info" ? infoTarget(parsed.name) : wholeIndexTarget(parsed.kind, repository.settings.shielding);
  const response = await serveTarget(c, rubygemsProxy, repository, context, target);
  if (!response) throw new RegistryError("not_found", notFound);
  return response;
}
