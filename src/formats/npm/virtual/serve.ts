/**
 * npm reads through the engine (src/virtual/engine.ts) for every repository kind whose
 * answer is a derived document: packuments (precomputed per fingerprint of their sources),
 * version documents and dist-tags cut from the full packument, and tarballs of remote and
 * virtual repositories from the member the packument's provenance names. Versions hidden by
 * the minimum release age are absent from packuments and 404 as tarballs.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../../env";
import { notFound } from "../../../errors";
import type { SourceContext } from "../../../repositories/source-context";
import type { Repository } from "../../../repositories/model";
import { documentText } from "../../../virtual/documents";
import { engineContext, serveTarget } from "../../../virtual/serve";
import { versionFromFilename, type NpmName } from "../names";
import { npmProxy, packumentTarget, tarballTarget } from "../proxy";
import { registryBase, wantsAbbreviated } from "../read";
import { objectMembers } from "./json-scan";

export async function serveProxiedPackument(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName): Promise<Response> {
  const target = packumentTarget(name, registryBase(c), wantsAbbreviated(c.req.header("Accept")), repository.kind === "hosted");
  const response = await serveTarget(c, npmProxy, repository, ctx, target);
  if (!response) throw notFound(`package ${name.name}`);
  return response;
}

/** The top-level members of the full packument a remote or virtual repository serves. */
async function packumentMembers(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName): Promise<Map<string, string>> {
  const text = await documentText(await engineContext(c, repository, ctx), packumentTarget(name, registryBase(c), false, false));
  if (text === null) throw notFound(`package ${name.name}`);
  return new Map(objectMembers(text));
}

/** `npm dist-tag ls` through a remote or virtual repository: the merged packument's tags. */
export async function serveProxiedDistTags(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName): Promise<Response> {
  const members = await packumentMembers(c, repository, ctx, name);
  return new Response(members.get("dist-tags") ?? "{}", { headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" } });
}

/** One version document (by version or dist-tag), cut from the full packument. */
export async function serveProxiedVersion(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName, spec: string): Promise<Response> {
  const members = await packumentMembers(c, repository, ctx, name);
  const tags = JSON.parse(members.get("dist-tags") ?? "{}") as Record<string, string>;
  const version = tags[spec] ?? spec;
  const raw = new Map(objectMembers(members.get("versions") ?? "{}")).get(version);
  if (!raw) throw notFound(`version ${spec} of ${name.name}`);
  return new Response(raw, { headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" } });
}

export async function serveProxiedTarball(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName, filename: string): Promise<Response> {
  const version = versionFromFilename(name, filename);
  const response = version === null ? null : await serveTarget(c, npmProxy, repository, ctx, tarballTarget(name, filename, registryBase(c), version));
  if (!response) throw notFound(`tarball ${filename} of ${name.name}`);
  return response;
}
