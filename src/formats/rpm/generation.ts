/**
 * A hosted RPM repository's repodata, built by the IndexBuilder after writes settle
 * (docs/formats/rpm.md). One build is one **generation** for every group: per group
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
import { detachedSign, openpgpKind } from "../../signing/openpgp";
import type { IndexBuildContext, IndexSpec } from "../types";
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

async function previousGeneration(reader: PackageReader): Promise<Generation | null> {
  const stored = await reader.findDerivedDocument(GENERATION_KEY);
  const object = stored ? await reader.readBlob(stored.blob) : null;
  if (!object) return null;
  try {
    return JSON.parse(await object.text()) as Generation;
  } catch {
    return null;
  }
}

const sha256Hex = async (bytes: Uint8Array): Promise<string> =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function buildGeneration(reader: PackageReader, context: IndexBuildContext, now = new Date()): Promise<Generation> {
  const pool = new Map<string, BlobRow>();
  const groups = await listEntries(reader, pool);
  const previous = await previousGeneration(reader);
  const files: Record<string, AssetRef> = {};
  const encoder = new TextEncoder();
  const key = groups.size ? await context.signingKeys.current(openpgpKind) : null;
  const timestamp = Math.floor(now.getTime() / 1000);
  for (const [group, entries] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const base = `${groupPrefix(group)}repodata/`;
    const listed: RepodataFile[] = [];
    for (const [type, render] of [["primary", renderPrimary], ["filelists", renderFilelists], ["other", renderOther]] as const) {
      const open = encoder.encode(render(entries));
      const gz = gzipSync(open, { level: 6, mtime: 0 });
      const blob = await context.storeAsset(gz, "application/gzip");
      const href = `repodata/${blob.sha256}-${type}.xml.gz`;
      files[`${groupPrefix(group)}${href}`] = { contentType: "application/gzip", blob };
      files[`${base}${type}.xml.gz`] = { contentType: "application/gzip", blob };
      listed.push({ type, sha256: blob.sha256, size: blob.size, openSha256: await sha256Hex(open), openSize: open.byteLength, href });
    }
    const repomd = renderRepomd(listed, context.revision, timestamp);
    files[`${base}repomd.xml`] = { contentType: "text/xml; charset=utf-8", blob: await context.storeAsset(encoder.encode(repomd), "text/xml; charset=utf-8") };
    if (key) {
      const signature = encoder.encode(await detachedSign(key.privateKey, repomd));
      files[`${base}repomd.xml.asc`] = { contentType: "application/pgp-signature", blob: await context.storeAsset(signature, "application/pgp-signature") };
    }
  }
  // The previous generation's hashed files stay reachable (dnf between repomd.xml and its files).
  for (const [path, ref] of Object.entries(previous?.files ?? {})) {
    if (!ref.previous && /(^|\/)repodata\/[0-9a-f]{64}-[a-z]+\.xml\.gz$/.test(path)) files[path] ??= { ...ref, previous: true };
  }
  return { revision: context.revision, builtAt: now.getTime(), signedBy: key?.fingerprint ?? null, groups: [...groups.keys()].sort(), files, pool: Object.fromEntries(pool) };
}

export const rpmIndexes: readonly IndexSpec[] = [
  { name: GENERATION_INDEX, contentType: "application/json", build: async (reader, context) => JSON.stringify(await buildGeneration(reader, context)) },
];
