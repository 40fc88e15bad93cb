/**
 * The remote/virtual engine (DESIGN §5), the same for every format: a target classified by
 * the format is served through the repository's members (src/virtual/members.ts).
 * - Metadata with a document recipe: the members' copies merged (documents.ts).
 * - Artifacts an index decided (npm tarball, PyPI file): from the member the index's
 *   provenance names, at the upstream URL it recorded.
 * - Other artifacts and metadata, cache first: members holding it locally (hosted, or a
 *   remote's cached copy) in priority order, then remote members' upstreams in order.
 * Shielding, include/exclude, release age and "one member down leaves it out" apply to all.
 */
import { RegistryError } from "../errors";
import type { DocumentRecipe, ProxySpec, ProxyTarget } from "../formats/types";
import type { Repository } from "../repositories/model";
import { blobResponse } from "../storage/blob-response";
import { buildDocument, provenanceOf, type EngineContext } from "./documents";
import { findRecipe } from "./derived-document";
import { hostedHasPackage, membersServing, shields, type Member } from "./members";
import { remoteOpen } from "./remote-fetch";
import { remoteResponse } from "./remote-response";
import { labelled } from "./responses";

function mergesHere(kind: Repository["kind"], recipe: DocumentRecipe): boolean {
  return recipe.precomputed || kind === "virtual" || (kind === "remote" && recipe.rewritesRemote === true);
}

/** Serves a target through the repository's members; null when none has it. */
export function resolveTarget(engine: EngineContext, proxy: ProxySpec, target: ProxyTarget, request: Request): Promise<Response | null> {
  if (target.document && mergesHere(engine.repository.kind, findRecipe(target.document.recipe))) return serveDocument(engine, target, request);
  // A plain remote without a release age needs no index when the target's path locates it upstream.
  const plainRemote = engine.repository.kind === "remote" && !engine.repository.settings.minReleaseAgeHours;
  const { indexedBy } = target;
  if (indexedBy && engine.repository.kind !== "hosted" && (indexedBy.upstreamFromIndex || !plainRemote)) return serveIndexed(engine, proxy, target, request);
  return cacheFirst(engine, proxy, target, request);
}

async function serveDocument(engine: EngineContext, target: ProxyTarget, request: Request): Promise<Response | null> {
  const document = target.document;
  const built = document ? await buildDocument(engine, target) : null;
  if (!document || !built) return null;
  const headers = { ...document.headers, "X-Registry-Member": built.members.join(", "), "X-Cache": built.cache };
  if (built.blob) return blobResponse(request, engine.ctx.bucket, built.blob, { contentType: document.contentType, headers, ...document.served });
  const bytes = new TextEncoder().encode(built.text ?? "");
  return new Response(request.method === "HEAD" ? null : bytes, {
    headers: { ...headers, "Content-Type": document.contentType, "Content-Length": String(bytes.byteLength) },
  });
}

async function serveIndexed(engine: EngineContext, proxy: ProxySpec, target: ProxyTarget, request: Request): Promise<Response | null> {
  const { index, entry } = target.indexedBy ?? { index: target, entry: "" };
  const provenance = await provenanceOf(engine, index, entry);
  const member = provenance ? engine.members.find((m) => m.repository.name === provenance.member) : undefined;
  if (!provenance || !member) return null;
  if (member.kind === "hosted") {
    const served = await proxy.readHosted(member.hosted, target, request);
    return served ? labelled(served, member.repository.name, "HIT") : null;
  }
  const upstream = provenance.url === undefined ? undefined : (target.indexedBy?.upstreamFrom?.(provenance.url) ?? provenance.url);
  const hit = await remoteOpen(member.remote, target, "artifact", upstream);
  return hit ? remoteResponse(request, engine.ctx.bucket, hit, member.repository.name) : null;
}

type Local = { member: Member; response?: Response } | null;

/** What a member holds without asking an upstream: a hosted file, or a remote's cached copy. */
async function localCopy(member: Member, proxy: ProxySpec, target: ProxyTarget, request: Request): Promise<Local> {
  if (member.kind === "hosted") {
    const response = await proxy.readHosted(member.hosted, target, request);
    return response ? { member, response } : null;
  }
  return (await member.remote.cachedCopy(target.key ?? target.path, target.kind)) ? { member } : null;
}

async function cacheFirst(engine: EngineContext, proxy: ProxySpec, target: ProxyTarget, request: Request): Promise<Response | null> {
  const eligible = membersServing(engine.members, target.packageKey);
  const only = eligible.length === 1 ? eligible[0] : undefined;
  if (only?.kind === "remote") {
    // A remote repository (or a virtual with one eligible member): its cache decides, no second lookup.
    const hit = await remoteOpen(only.remote, target, target.kind);
    return hit ? remoteResponse(request, engine.ctx.bucket, hit, only.repository.name) : null;
  }
  const mayShield = engine.repository.kind === "virtual" && engine.repository.settings.shielding && eligible.some((m) => m.kind === "remote");
  // The shielding question and every member's local copy, asked at once.
  const [hostedHas, local] = await Promise.all([
    Promise.all(eligible.map((m) => (mayShield ? hostedHasPackage(m, target.packageKey) : Promise.resolve(false)))),
    Promise.all(eligible.map((m) => localCopy(m, proxy, target, request))),
  ]);
  const shielded = shields(engine.repository, target.packageKey, hostedHas);
  const candidates = local.filter((l): l is NonNullable<Local> => l !== null && !(shielded && l.member.kind === "remote"));
  const winner = candidates[0];
  for (const other of local) if (other !== winner) await other?.response?.body?.cancel();
  if (winner?.response) return labelled(winner.response, winner.member.repository.name, "HIT");
  if (winner?.member.kind === "remote") {
    const hit = await remoteOpen(winner.member.remote, target, target.kind).catch(() => null);
    if (hit) return remoteResponse(request, engine.ctx.bucket, hit, winner.member.repository.name);
  }
  // Nobody holds it: ask the remote members' upstreams, in priority order.
  let unavailable: RegistryError | null = null;
  for (const member of eligible) {
    if (member.kind !== "remote" || shielded) continue;
    try {
      const hit = await remoteOpen(member.remote, target, target.kind);
      if (hit) return remoteResponse(request, engine.ctx.bucket, hit, member.repository.name);
    } catch (error) {
      if (!(error instanceof RegistryError) || error.code !== "upstream_unavailable") throw error;
      unavailable = error;
    }
  }
  if (unavailable) throw unavailable;
  return null;
}
