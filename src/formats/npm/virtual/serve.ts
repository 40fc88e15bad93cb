/**
 * npm reads through remote and virtual repositories: packuments are precomputed documents
 * (built once per fingerprint of their sources, then streamed from R2; hosted repositories
 * serve theirs the same way, keyed by package revision), version documents are cut from the
 * full one, and tarballs come from the member whose version won the merge.
 * Versions hidden by the minimum release age are absent from packuments and 404 as tarballs.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../../env";
import { RegistryError, notFound } from "../../../errors";
import { HostedSource, type SourceContext } from "../../../repositories/hosted-source";
import type { Repository } from "../../../repositories/model";
import { findRepository } from "../../../db/repositories";
import { blobResponse } from "../../../storage/blob-response";
import { currentDocument, derivedDocument, fingerprintOf } from "../../../virtual/derived-document";
import { withEdgeCache } from "../../../virtual/edge-cache";
import { RemoteSource } from "../../../virtual/remote-source";
import { labelled, remoteHitResponse } from "../../../virtual/responses";
import { versionFromFilename, type NpmName } from "../names";
import { ABBREVIATED_MEDIA_TYPE } from "../packument";
import { tarballResponse, wantsAbbreviated } from "../read";
import { objectMembers } from "./json-scan";
import { PACKUMENT_RECIPE, type PackumentParams } from "./recipe";
import { collectSources, type CollectedSources } from "./sources";

/** Release-age filters are re-evaluated at most every 10 minutes (part of the fingerprint). */
const RELEASE_AGE_BUCKET_MS = 600_000;

interface Plan {
  params: PackumentParams;
  fingerprint: string;
  cache: CollectedSources["cache"];
}

async function plan(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName, abbreviated: boolean): Promise<Plan | null> {
  const collected = await collectSources(repository, ctx, c.env, name);
  if (collected.sources.length === 0) return null;
  const now = Date.now();
  const bucket = collected.sources.some((s) => s.minReleaseAgeHours > 0) ? Math.floor(now / RELEASE_AGE_BUCKET_MS) : 0;
  const sourceIds = collected.sources.map((s) => `${s.member}:${s.kind === "hosted" ? s.rev : s.sha256}:${s.minReleaseAgeHours}`);
  const winnersFingerprint = await fingerprintOf(["winners", bucket, ...sourceIds]);
  const base = `${new URL(c.req.url).origin}/npm/${repository.name}/`;
  const params: PackumentParams = {
    name: name.name,
    base,
    abbreviated,
    sources: collected.sources,
    now,
    winnersKey: `npm:winners:${name.name}`,
    winnersFingerprint,
    keepRevision: repository.kind === "hosted",
  };
  return { params, fingerprint: await fingerprintOf([abbreviated ? "abbreviated" : "full", base, winnersFingerprint]), cache: collected.cache };
}

async function packumentBlob(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName, abbreviated: boolean) {
  const planned = await plan(c, repository, ctx, name, abbreviated);
  if (!planned) return null;
  const blob = await derivedDocument(ctx.db, c.env.BUILDERS, {
    repositoryId: repository.id,
    key: `npm:packument:${abbreviated ? "abbreviated" : "full"}:${planned.params.base}:${name.name}`,
    fingerprint: planned.fingerprint,
    contentType: abbreviated ? ABBREVIATED_MEDIA_TYPE : "application/json",
    recipe: PACKUMENT_RECIPE,
    params: planned.params,
  });
  return blob ? { blob, planned } : null;
}

export async function serveProxiedPackument(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName): Promise<Response> {
  const abbreviated = wantsAbbreviated(c.req.header("Accept"));
  const response = await withEdgeCache(c.req.raw, repository, "metadata", ctx.waitUntil, async () => {
    const found = await packumentBlob(c, repository, ctx, name, abbreviated);
    if (!found) return null;
    const served = await blobResponse(c.req.raw, ctx.bucket, found.blob, {
      contentType: abbreviated ? `${ABBREVIATED_MEDIA_TYPE}; charset=utf-8` : "application/json; charset=utf-8",
      headers: { "Cache-Control": "no-cache", Vary: "Accept, Authorization" },
    });
    return labelled(served, found.planned.params.sources.map((s) => s.member).join(", "), found.planned.cache);
  });
  if (!response) throw notFound(`package ${name.name}`);
  return response;
}

/** The top-level members of the full packument a remote or virtual repository serves. */
async function packumentMembers(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName): Promise<Map<string, string>> {
  const found = await packumentBlob(c, repository, ctx, name, false);
  const object = found ? await ctx.bucket.get(found.blob.r2Key) : null;
  if (!object) throw notFound(`package ${name.name}`);
  return new Map(objectMembers(await object.text()));
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

/** The member that serves a version's tarball: the one whose version object won the merge. */
async function tarballMember(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName, version: string): Promise<string | null> {
  const planned = await plan(c, repository, ctx, name, false);
  if (!planned) return null;
  let winners = await currentDocument(ctx.db, repository.id, planned.params.winnersKey, planned.params.winnersFingerprint);
  if (!winners) {
    await packumentBlob(c, repository, ctx, name, false);
    winners = await currentDocument(ctx.db, repository.id, planned.params.winnersKey, planned.params.winnersFingerprint);
  }
  const object = winners ? await ctx.bucket.get(winners.r2Key) : null;
  if (!object) return null;
  return (JSON.parse(await object.text()) as Record<string, string>)[version] ?? null;
}

export async function serveProxiedTarball(c: Context<AppEnv>, repository: Repository, ctx: SourceContext, name: NpmName, filename: string): Promise<Response> {
  const version = versionFromFilename(name, filename);
  if (version === null) throw notFound(`tarball ${filename} of ${name.name}`);
  const response = await withEdgeCache(c.req.raw, repository, "artifact", ctx.waitUntil, async () => {
    // A plain remote with no release age needs no packument: the upstream answers for itself.
    const simple = repository.kind === "remote" && !repository.settings.minReleaseAgeHours;
    const memberName = simple ? repository.name : await tarballMember(c, repository, ctx, name, version);
    if (!memberName) return null;
    const member = memberName === repository.name ? repository : await findRepository(ctx.db, memberName);
    if (!member) return null;
    if (member.kind === "hosted") {
      const served = await tarballResponse(new HostedSource(member, ctx), name, filename, c.req.raw);
      return served ? labelled(served, member.name, "HIT") : null;
    }
    if (member.kind !== "remote") throw new RegistryError("internal", `member ${member.name} is ${member.kind}`);
    const path = `${name.name}/-/${filename}`;
    const hit = await new RemoteSource(member, ctx, c.env).get(path, "artifact");
    return hit ? remoteHitResponse(c.req.raw, ctx.bucket, hit, member.name) : null;
  });
  if (!response) throw notFound(`tarball ${filename} of ${name.name}`);
  return response;
}
