/**
 * The "npm-packument" recipe run by the DocumentBuilder Durable Object: reads each
 * source's packument text (a hosted member's is rendered from D1, a remote's is its cached
 * upstream bytes), applies the minimum release age to remote sources, merges in priority
 * order with tarballs re-pointed at the serving repository, and abbreviates if asked.
 * Alongside it stores the version → member map that tarball requests use, so a tarball
 * always comes from the member whose integrity the packument advertises.
 */
import { anonymous } from "../../../auth/principal";
import { findRepository } from "../../../db/repositories";
import type { Database } from "../../../db/client";
import { HostedSource } from "../../../repositories/hosted-source";
import { BlobStore } from "../../../storage/blob-store";
import { registerRecipe, type Companion } from "../../../virtual/derived-document";
import { validateNpmName } from "../names";
import { hostedPackumentText } from "../read";
import { abbreviatePackumentText } from "./abbreviate";
import { mergePackuments, type MemberPackument } from "./packument-merge";
import { applyReleaseAge } from "./release-age";
import { backgroundContext, type PackumentSource } from "./sources";

export const PACKUMENT_RECIPE = "npm-packument";

export interface PackumentParams {
  name: string;
  /** `{origin}/npm/{repo}/`: where tarball URLs point. */
  base: string;
  abbreviated: boolean;
  /** In priority order, each with the release age its versions must reach (0: none). */
  sources: PackumentSource[];
  now: number;
  winnersKey: string;
  winnersFingerprint: string;
  /** Keep `_rev` (a hosted repository serving its own packument). */
  keepRevision: boolean;
}

async function sourceText(db: Database, bucket: R2Bucket, source: PackumentParams["sources"][number], params: PackumentParams): Promise<string | null> {
  if (source.kind === "blob") {
    const object = await bucket.get(source.r2Key);
    return object ? object.text() : null;
  }
  const repository = await findRepository(db, source.member);
  if (!repository) return null;
  const hosted = new HostedSource(repository, backgroundContext({ db, blobs: new BlobStore(db, bucket), bucket }, anonymous));
  return hostedPackumentText(hosted, validateNpmName(params.name, "existing"), params.base);
}

registerRecipe(PACKUMENT_RECIPE, async ({ db, bucket, params: raw }) => {
  const params = raw as PackumentParams;
  const documents: MemberPackument[] = [];
  for (const source of params.sources) {
    const text = await sourceText(db, bucket, source, params);
    if (text === null) continue;
    documents.push({ member: source.member, text: source.minReleaseAgeHours > 0 ? applyReleaseAge(text, source.minReleaseAgeHours, params.now).text : text });
  }
  const merged = mergePackuments(params.name, documents, params.base, { keepRevision: params.keepRevision });
  if (!merged) return null;
  const winners: Companion = {
    key: params.winnersKey,
    fingerprint: params.winnersFingerprint,
    text: JSON.stringify(Object.fromEntries(merged.winners)),
    contentType: "application/json",
  };
  return { text: params.abbreviated ? abbreviatePackumentText(merged.text) : merged.text, companions: [winners] };
});
