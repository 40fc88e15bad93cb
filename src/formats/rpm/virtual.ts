/**
 * A virtual RPM repository's repodata: its hosted members' current generations merged per
 * group and re-signed with the **virtual's own key** (a client trusts the repository it is
 * configured with). For a group, each readable hosted member's `primary`/`filelists`/`other`
 * XML (the stored generation's files, never rebuilt here) is cut into `<package>` blocks;
 * members come in priority order and a package location already listed by a higher member is
 * left out — the engine serves a package path from the first member that has it, so every
 * listed pkgid matches the file served. The merged files are deterministic (gzip without
 * mtime, the newest member build as timestamp), so `repomd.xml` and the hashed files it names
 * agree across requests; the result is memoised per isolate by the members' generations.
 * Remote members' repodata is not merged (their packages stay reachable by path).
 */
import { gunzipSync, gzipSync } from "fflate";
import type { HostedSource } from "../../repositories/hosted-source";
import type { SigningKeyStore } from "../../signing/key-store";
import { detachedSign, openpgpKind } from "../../signing/openpgp";
import { type Generation } from "./generation";
import { groupPrefix } from "./paths";
import { currentGeneration } from "./proxy";
import { locationOf, mergeXml, packageBlocks, pkgidOf, TYPES } from "./merge";
import { renderRepomd, type RepodataFile } from "./repodata";

export interface MergedGroup {
  /** `repodata/{file}` → bytes and content type. */
  files: Map<string, { bytes: Uint8Array; contentType: string }>;
}

const memo = new Map<string, Promise<MergedGroup | null>>();

const sha256Hex = async (bytes: Uint8Array): Promise<string> =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

async function readAsset(member: HostedSource, generation: Generation, path: string): Promise<string | null> {
  const ref = generation.files[path];
  const object = ref ? await member.readBlob(ref.blob) : null;
  return object ? new TextDecoder().decode(gunzipSync(new Uint8Array(await object.arrayBuffer()))) : null;
}

async function build(members: readonly { source: HostedSource; generation: Generation }[], group: string, keys: SigningKeyStore): Promise<MergedGroup | null> {
  const base = `${groupPrefix(group)}repodata/`;
  const texts: Record<(typeof TYPES)[number], string[]> = { primary: [], filelists: [], other: [] };
  for (const { source, generation } of members) {
    if (!generation.groups.includes(group)) continue;
    for (const type of TYPES) texts[type].push((await readAsset(source, generation, `${base}${type}.xml.gz`)) ?? "");
  }
  if (texts.primary.length === 0) return null;
  // First member wins a location (the engine serves that member's file for the path).
  const kept = new Set<string>();
  const locations = new Set<string>();
  for (const block of texts.primary.flatMap(packageBlocks)) {
    const location = locationOf(block);
    if (locations.has(location)) continue;
    locations.add(location);
    kept.add(pkgidOf(block));
  }
  const files = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const listed: RepodataFile[] = [];
  const encoder = new TextEncoder();
  for (const type of TYPES) {
    const open = encoder.encode(mergeXml(type, texts[type], (id) => kept.has(id)));
    const gz = gzipSync(open, { level: 6, mtime: 0 });
    const sha256 = await sha256Hex(gz);
    const href = `repodata/${sha256}-${type}.xml.gz`;
    files.set(href, { bytes: gz, contentType: "application/gzip" });
    files.set(`repodata/${type}.xml.gz`, { bytes: gz, contentType: "application/gzip" });
    listed.push({ type, sha256, size: gz.byteLength, openSha256: await sha256Hex(open), openSize: open.byteLength, href });
  }
  const newest = Math.max(...members.map((m) => m.generation.builtAt));
  const revision = members.reduce((sum, m) => sum + m.generation.revision, 0);
  const repomd = renderRepomd(listed, revision, Math.floor(newest / 1000));
  files.set("repodata/repomd.xml", { bytes: encoder.encode(repomd), contentType: "text/xml; charset=utf-8" });
  const key = await keys.current(openpgpKind);
  files.set("repodata/repomd.xml.asc", { bytes: encoder.encode(await detachedSign(key.privateKey, repomd)), contentType: "application/pgp-signature" });
  return { files };
}

/** The virtual's repodata file `file` (`repomd.xml`, `{sha256}-primary.xml.gz`…) of `group`, or null. */
export async function virtualRepodata(virtualId: number, members: readonly HostedSource[], group: string, file: string, keys: SigningKeyStore): Promise<{ bytes: Uint8Array; contentType: string } | null> {
  const generations = await Promise.all(members.map(async (source) => ({ source, generation: await currentGeneration(source) })));
  const present = generations.filter((m): m is { source: HostedSource; generation: Generation } => m.generation !== null);
  const signer = (await keys.publicKey(openpgpKind)).fingerprint;
  const fingerprint = `${virtualId}|${signer}|${group}|${present.map((m) => `${m.source.repository.id}:${m.generation.revision}:${m.generation.builtAt}`).join(",")}`;
  let merged = memo.get(fingerprint);
  if (!merged) {
    if (memo.size >= 64) memo.clear();
    merged = build(present, group, keys);
    memo.set(fingerprint, merged);
    merged.catch(() => memo.delete(fingerprint));
  }
  return (await merged)?.files.get(`repodata/${file}`) ?? null;
}
