/**
 * Metadata through the engine: the members' copies of a document, merged by the format's
 * recipe. Precomputed recipes: the sources are identified (hosted package revision, remote
 * copy's sha256, release-age bucket) and the merged document for that fingerprint is read
 * from R2 or built once by the DocumentBuilder. Other recipes merge the copies per request.
 * Hosted members are asked first (in parallel); when one has the package and the virtual
 * repository shields, remote members are not asked at all. A remote member whose upstream is
 * down with nothing cached is left out; only when nobody answered does the error surface.
 */
import { findCacheEntry } from "../db/cache-entries";
import type { BlobRow } from "../db/packages";
import type { Bindings } from "../env";
import { RegistryError } from "../errors";
import type { DocumentRecipe, DocumentTarget, ProxyTarget, Provenance, SourceDocument } from "../formats/types";
import type { SourceContext } from "../repositories/source-context";
import type { Repository } from "../repositories/model";
import { derivedDocument, findRecipe, fingerprintOf, provenanceKey, type SourceRef } from "./derived-document";
import { hostedRepositoryRevision, hostedRevision, membersServing, shields, type Member } from "./members";
import type { CacheStatus, RemoteHit } from "./remote-source";
import { remoteGet } from "./remote-fetch";

/** Release-age filters are re-evaluated at most every 10 minutes (part of the fingerprint). */
const RELEASE_AGE_BUCKET_MS = 600_000;

export interface EngineContext {
  repository: Repository;
  ctx: SourceContext;
  env: Pick<Bindings, "FILLS" | "BUILDERS">;
  members: Member[];
  /** "" when every member is readable by the caller; else names the subset (suffix of document keys). */
  scope: string;
  /** Every caller gets the same answer (edge-cacheable). */
  shareable: boolean;
}

type Source<T> = { member: Member; value: T; cache: CacheStatus };

const severity: Record<CacheStatus, number> = { HIT: 0, REVALIDATED: 1, MISS: 2, STALE: 3 };

export function worstCache(statuses: readonly CacheStatus[]): CacheStatus {
  return statuses.reduce<CacheStatus>((worst, s) => (severity[s] > severity[worst] ? s : worst), "HIT");
}

function sourceTarget(target: ProxyTarget): Pick<ProxyTarget, "path" | "key" | "upstream" | "accept" | "locate"> {
  return target.document?.source ?? target;
}

/**
 * Every eligible member's contribution, in priority order: `hosted(member)` for hosted
 * members (null: it has none), the remote copy for remote members unless shielded.
 */
async function collect<T>(
  engine: EngineContext,
  target: ProxyTarget,
  hosted: (member: Extract<Member, { kind: "hosted" }>) => Promise<T | null>,
): Promise<{ hosted: Source<T>[]; remote: Source<RemoteHit>[]; all: Member[] }> {
  const eligible = membersServing(engine.members, target.packageKey);
  const source = sourceTarget(target);
  let unavailable: unknown = null;
  const remote = (m: Member): Promise<RemoteHit | null> =>
    m.kind !== "remote"
      ? Promise.resolve(null)
      : remoteGet(m.remote, source, "metadata").catch((error: unknown) => {
          // One member's upstream down with nothing cached leaves it out.
          if (!(error instanceof RegistryError) || error.code !== "upstream_unavailable") throw error;
          unavailable = error;
          return null;
        });
  const hostedAll = () => Promise.all(eligible.map((m) => (m.kind === "hosted" ? hosted(m) : Promise.resolve(null))));
  // Remote members are asked only once the hosted ones said the name is not theirs, when shielding could apply.
  const mayShield = shields(engine.repository, target.packageKey, [true]) && eligible.some((m) => m.kind === "hosted") && eligible.some((m) => m.kind === "remote");
  let hostedValues: (T | null)[];
  let remoteHits: (RemoteHit | null)[];
  if (mayShield) {
    hostedValues = await hostedAll();
    const shielded = shields(engine.repository, target.packageKey, hostedValues.map((v) => v !== null));
    remoteHits = await Promise.all(eligible.map((m) => (shielded ? Promise.resolve(null) : remote(m))));
  } else {
    [hostedValues, remoteHits] = await Promise.all([hostedAll(), Promise.all(eligible.map(remote))]);
  }
  const out = { hosted: [] as Source<T>[], remote: [] as Source<RemoteHit>[], all: [] as Member[] };
  eligible.forEach((member, i) => {
    const h = hostedValues[i];
    const r = remoteHits[i];
    if (h !== null && h !== undefined) out.hosted.push({ member, value: h, cache: "HIT" });
    else if (r) out.remote.push({ member, value: r, cache: r.cache });
    else return;
    out.all.push(member);
  });
  if (out.all.length === 0 && unavailable) throw unavailable;
  return out;
}

export interface BuiltDocument {
  /** Stored document (precomputed) or merged text (per request). */
  blob?: BlobRow;
  text?: string;
  fingerprint?: string;
  members: string[];
  cache: CacheStatus;
}

interface Plan {
  sources: SourceRef[];
  fingerprint: string;
  members: string[];
  cache: CacheStatus;
}

async function plan(engine: EngineContext, target: ProxyTarget): Promise<Plan | null> {
  const document = target.document;
  if (!document) throw new RegistryError("internal", "target has no document");
  const packageKey = target.packageKey ?? "";
  // A whole-repository document (no package) is keyed on each hosted member's repository revision.
  const found = await collect(engine, target, (m) => (target.packageKey === null ? hostedRepositoryRevision(m.hosted) : hostedRevision(m.hosted, packageKey)));
  if (found.all.length === 0) return null;
  const companions = await Promise.all(found.remote.map((r) => companionOf(r.member, document.companion)));
  const byMember = new Map<string, { ref: SourceRef; id: string; cache: CacheStatus }>();
  for (const h of found.hosted) byMember.set(h.member.repository.name, { ref: { member: h.member.repository.name, kind: "hosted", minReleaseAgeHours: 0 }, id: h.value, cache: "HIT" });
  found.remote.forEach((r, i) => {
    const { member, value } = r;
    const companion = companions[i];
    const ref: SourceRef = {
      member: member.repository.name,
      kind: "blob",
      r2Key: value.blob.r2Key,
      contentType: value.contentType,
      repositoryId: member.repository.id,
      minReleaseAgeHours: member.minReleaseAgeHours,
      ...(companion ? { companionR2Key: companion.blob.r2Key } : {}),
    };
    byMember.set(member.repository.name, { ref, id: companion ? `${value.blob.sha256}+${companion.blob.sha256}` : value.blob.sha256, cache: value.cache });
  });
  const ordered = found.all.map((m) => byMember.get(m.repository.name)).filter((s) => s !== undefined);
  const now = Date.now();
  const bucket = ordered.some((s) => s.ref.minReleaseAgeHours > 0) ? Math.floor(now / RELEASE_AGE_BUCKET_MS) : 0;
  // The release-age filter moves with the bucket: the document is the same until it ends.
  if (bucket > 0) engine.ctx.servedRemote?.push({ kind: "metadata", sameUntil: (bucket + 1) * RELEASE_AGE_BUCKET_MS, entry: null });
  const fingerprint = await fingerprintOf([
    document.recipe,
    documentKey(engine, target),
    JSON.stringify(document.params),
    bucket,
    ...ordered.map((s) => `${s.ref.member}:${s.id}:${s.ref.minReleaseAgeHours}`),
  ]);
  return { sources: ordered.map((s) => s.ref), fingerprint, members: ordered.map((s) => s.ref.member), cache: worstCache(ordered.map((s) => s.cache)) };
}

/** A remote member's copy of the document's companion (Cargo's config.json); null when it has none or its upstream is down. */
function companionOf(member: Member, companion: DocumentTarget["companion"]): Promise<RemoteHit | null> {
  if (!companion || member.kind !== "remote") return Promise.resolve(null);
  return remoteGet(member.remote, companion, "metadata").catch((error: unknown) => {
    if (error instanceof RegistryError && error.code === "upstream_unavailable") return null;
    throw error;
  });
}

const documentKey = (engine: EngineContext, target: ProxyTarget): string => `${target.document?.key ?? target.path}${engine.scope}`;

/** The precomputed document for `target`, built if its sources changed; null when no member has it. */
async function precomputed(engine: EngineContext, target: ProxyTarget, recipe: string, knownPlan?: Plan): Promise<BuiltDocument | null> {
  const { repository, ctx, env } = engine;
  const key = documentKey(engine, target);
  // The stored document is looked up while the sources are identified: one round trip fewer.
  const [planned, stored] = await Promise.all([knownPlan ?? plan(engine, target), findCacheEntry(ctx.db, repository.id, key)]);
  if (!planned || !target.document) return null;
  const blob = await derivedDocument(
    ctx.db,
    env.BUILDERS,
    { repositoryId: repository.id, key, fingerprint: planned.fingerprint, contentType: target.document.contentType, recipe, target, sources: planned.sources, now: Date.now() },
    stored,
  );
  return blob ? { blob, fingerprint: planned.fingerprint, members: planned.members, cache: planned.cache } : null;
}

/** Merges members' copies in this request (recipes that are cheap and have no hosted revision to key on). */
async function perRequest(engine: EngineContext, target: ProxyTarget, recipe: DocumentRecipe): Promise<BuiltDocument | null> {
  const params = target.document?.params ?? {};
  const found = await collect(engine, target, (m) => recipe.hostedText(m.hosted, target, params));
  const texts = new Map<string, SourceDocument>();
  for (const h of found.hosted) texts.set(h.member.repository.name, { member: h.member.repository.name, text: h.value, contentType: null, baseUrl: "", minReleaseAgeHours: 0 });
  const companion = target.document?.companion;
  await Promise.all(
    found.remote.map(async ({ member, value }) => {
      const [object, extra] = await Promise.all([engine.ctx.bucket.get(value.blob.r2Key), companionOf(member, companion)]);
      const extraObject = extra ? await engine.ctx.bucket.get(extra.blob.r2Key) : null;
      const companionText = companion ? { companion: extraObject ? await extraObject.text() : null } : {};
      if (object) texts.set(member.repository.name, { member: member.repository.name, text: await object.text(), contentType: value.contentType, baseUrl: "", minReleaseAgeHours: member.minReleaseAgeHours, ...companionText });
    }),
  );
  const documents = found.all.map((m) => texts.get(m.repository.name)).filter((d) => d !== undefined);
  if (documents.length === 0) return null;
  // A release-age filter applied now changes the merge at any moment.
  if (documents.some((d) => d.minReleaseAgeHours > 0)) engine.ctx.servedRemote?.push({ kind: "metadata", sameUntil: 0, entry: null });
  const merged = await recipe.merge(documents, params, Date.now());
  if (!merged) return null;
  return { text: merged.text, members: documents.map((d) => d.member), cache: worstCache(found.remote.map((r) => r.cache)) };
}

/** The merged document a metadata target names; null when no member has it. */
export function buildDocument(engine: EngineContext, target: ProxyTarget): Promise<BuiltDocument | null> {
  const name = target.document?.recipe;
  if (!name) throw new RegistryError("internal", "target has no document");
  const recipe = findRecipe(name);
  return recipe.precomputed ? precomputed(engine, target, name) : perRequest(engine, target, recipe);
}

/** The merged document's text (npm cuts version documents and dist-tags from it). */
export async function documentText(engine: EngineContext, target: ProxyTarget): Promise<string | null> {
  const built = await buildDocument(engine, target);
  if (!built) return null;
  if (built.text !== undefined) return built.text;
  const object = built.blob ? await engine.ctx.bucket.get(built.blob.r2Key) : null;
  return object ? object.text() : null;
}

/**
 * Where an index entry is served from: the provenance recorded when the index document was
 * built, so the file served always matches what the index advertised. Null: the index does
 * not list it (or the release age hides it).
 */
export async function provenanceOf(engine: EngineContext, index: ProxyTarget, entry: string): Promise<Provenance | null> {
  if (!index.document) throw new RegistryError("internal", "index target has no document");
  const { ctx, repository } = engine;
  const key = provenanceKey(documentKey(engine, index));
  const [planned, stored] = await Promise.all([plan(engine, index), findCacheEntry(ctx.db, repository.id, key)]);
  if (!planned) return null;
  let current = stored?.entry.etag === planned.fingerprint ? stored.blob : null;
  if (!current) {
    // Built with the index document; build it now if it is not current.
    await precomputed(engine, index, index.document.recipe, planned);
    const built = await findCacheEntry(ctx.db, repository.id, key);
    current = built?.entry.etag === planned.fingerprint ? built.blob : null;
  }
  const object = current ? await ctx.bucket.get(current.r2Key) : null;
  if (!object) return null;
  return (JSON.parse(await object.text()) as Record<string, Provenance>)[entry] ?? null;
}
