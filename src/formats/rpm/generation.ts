/**
 * An RPM repository's repodata, built by the IndexBuilder after writes settle
 * (docs/formats/rpm.md); a virtual repository's is merged from its members' (./virtual.ts). One build is one **generation** for every group: per group
 * `repodata/{sha256}-primary.xml.gz`, `-filelists.xml.gz`, `-other.xml.gz` (content-addressed
 * names, as createrepo's unique-md-filenames), `repomd.xml` and `repomd.xml.asc`, each stored
 * as an index asset and named by one JSON document — the IndexSpec's output. Storing it
 * switches every file of every group at once: a `repomd.xml` is only served with the files
 * it lists. The previous generation's hashed files stay reachable (a dnf that read the
 * previous `repomd.xml` still gets matching files), and a package deleted after the build
 * stays downloadable while the current generation lists it (`pool`).
 */
import { gzipSync } from "fflate";
import { indexKey } from "../../repositories/index-builder";
import type { BlobRow, PackageReader } from "../../repositories/package-source";
import type { SigningKey } from "../../signing/key-store";
import { detachedSign, openpgpKind } from "../../signing/openpgp";
import type { IndexBuildContext } from "../types";
import { TYPES } from "./merge";
import { groupPrefix, packageHref } from "./paths";
import { type RepodataEntry, type RepodataFile, renderFilelists, renderOther, renderPrimary, renderRepomd } from "./repodata";
import { parseVersionMetadata } from "./upload";

export const GENERATION_INDEX = "generation.json";
export const GENERATION_KEY = indexKey("rpm", GENERATION_INDEX);
const PAGE = 200;

export interface AssetRef {
  contentType: string;
  blob: BlobRow;
  /** Carried over from the previous generation (not carried again: its asset is pruned after two builds). */
  previous?: true;
}

export interface Generation {
  revision: number;
  builtAt: number;
  /** Fingerprint of the OpenPGP key that signed `repomd.xml`. */
  signedBy: string | null;
  /** Groups with packages ("" is the repository root). */
  groups: string[];
  /** `{group/}repodata/{file}` → file, this generation's and the previous one's hashed files. */
  files: Record<string, AssetRef>;
  /** `{group/}package/{name}/{file}.rpm` → the package this generation lists. */
  pool: Record<string, BlobRow>;
  /** Virtual repositories: the revision of each hosted member's generation merged, by member id. */
  members?: Record<string, number>;
}

/** Every `.rpm` of the repository with its metadata, by group. */
export async function listEntries(reader: PackageReader, pool?: Map<string, BlobRow>): Promise<Map<string, RepodataEntry[]>> {
  const groups = new Map<string, RepodataEntry[]>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await reader.listPackages({ limit: PAGE, offset });
    for (const row of await reader.listFilesOfPackages(page.map((p) => p.id))) {
      const pkg = parseVersionMetadata(row.version.metadata).packages?.[row.file.lowerName];
      if (!pkg || !row.file.name.endsWith(".rpm")) continue;
      const slash = row.file.name.lastIndexOf("/");
      const group = slash < 0 ? "" : row.file.name.slice(0, slash);
      const filename = row.file.name.slice(slash + 1);
      const href = packageHref(pkg.name, filename);
      pool?.set(`${groupPrefix(group)}${href}`, row.blob);
      const list = groups.get(group) ?? [];
      list.push({ pkg, sha256: row.blob.sha256, size: row.blob.size, href, fileTime: Math.floor(row.file.createdAt / 1000) });
      groups.set(group, list);
    }
    if (page.length < PAGE) break;
  }
  return groups;
}

// Parsed generations by the sha256 of their document: a warm read parses nothing.
const parsed = new Map<string, Generation>();

/** The repository's stored generation (hosted or virtual), or null before its first build. */
export async function currentGeneration(reader: PackageReader): Promise<Generation | null> {
  const stored = await reader.findDerivedDocument(GENERATION_KEY);
  if (!stored) return null;
  const cached = parsed.get(stored.blob.sha256);
  if (cached) return cached;
  const object = await reader.readBlob(stored.blob);
  if (!object) return null;
  let generation: Generation;
  try {
    generation = JSON.parse(await object.text()) as Generation;
  } catch {
    return null;
  }
  if (parsed.size >= 32) parsed.clear();
  parsed.set(stored.blob.sha256, generation);
  return generation;
}

const sha256Hex = async (bytes: Uint8Array): Promise<string> =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Stores one group's repodata (the three XML documents gzipped, `repomd.xml` listing them by
 * hash, its signature by `key`) as assets of this build, named in `files`.
 */
export async function storeGroup(
  context: IndexBuildContext,
  files: Record<string, AssetRef>,
  group: string,
  xml: Record<RepodataFile["type"], string>,
  repomd: { revision: number; timestamp: number; key: SigningKey | null },
): Promise<void> {
  const base = `${groupPrefix(group)}repodata/`;
  const encoder = new TextEncoder();
  const listed: RepodataFile[] = [];
  for (const type of TYPES) {
    const open = encoder.encode(xml[type]);
    const gz = gzipSync(open, { level: 6, mtime: 0 });
    const blob = await context.storeAsset(gz, "application/gzip");
    const href = `repodata/${blob.sha256}-${type}.xml.gz`;
    files[`${groupPrefix(group)}${href}`] = { contentType: "application/gzip", blob };
    files[`${base}${type}.xml.gz`] = { contentType: "application/gzip", blob };
    listed.push({ type, sha256: blob.sha256, size: blob.size, openSha256: await sha256Hex(open), openSize: open.byteLength, href });
  }
  const text = renderRepomd(listed, repomd.revision, repomd.timestamp);
  files[`${base}repomd.xml`] = { contentType: "text/xml; charset=utf-8", blob: await context.storeAsset(encoder.encode(text), "text/xml; charset=utf-8") };
  if (repomd.key) {
    const signature = encoder.encode(await detachedSign(repomd.key.privateKey, text));
    files[`${base}repomd.xml.asc`] = { contentType: "application/pgp-signature", blob: await context.storeAsset(signature, "application/pgp-signature") };
  }
}

/** The previous generation's hashed files stay reachable for one more build (dnf between repomd.xml and its files). */
export function carryPrevious(files: Record<string, AssetRef>, previous: Generation | null): void {
  for (const [path, ref] of Object.entries(previous?.files ?? {})) {
    if (!ref.previous && /(^|\/)repodata\/[0-9a-f]{64}-[a-z]+\.xml\.gz$/.test(path)) files[path] ??= { ...ref, previous: true };
  }
}

export async function buildGeneration(reader: PackageReader, context: IndexBuildContext, now = new Date()): Promise<Generation> {
  const pool = new Map<string, BlobRow>();
  const groups = await listEntries(reader, pool);
  const previous = await currentGeneration(reader);
  const files: Record<string, AssetRef> = {};
  const key = groups.size ? await context.signingKeys.current(openpgpKind) : null;
  const timestamp = Math.floor(now.getTime() / 1000);
  for (const [group, entries] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const xml = { primary: renderPrimary(entries), filelists: renderFilelists(entries), other: renderOther(entries) };
    await storeGroup(context, files, group, xml, { revision: context.revision, timestamp, key });
  }
  carryPrevious(files, previous);
  return { revision: context.revision, builtAt: now.getTime(), signedBy: key?.fingerprint ?? null, groups: [...groups.keys()].sort(), files, pool: Object.fromEntries(pool) };
}
