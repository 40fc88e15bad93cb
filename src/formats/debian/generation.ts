/**
 * A hosted Debian repository's index files, built by the IndexBuilder after writes settle
 * (docs/formats/debian.md). One build is one **generation**: every `Packages`, `Packages.gz`,
 * `Packages.xz`, `Release`, `InRelease` and `Release.gpg` of every distribution, each stored
 * as an index asset (content-addressed), named by one JSON document — the IndexSpec's output,
 * stored for the repository revision. Storing that document switches all files of a
 * generation at once, so a `Release` is only ever served with the `Packages` files it lists.
 * `byHash` also keeps the previous generation's index files (`Acquire-By-Hash`), so an apt that
 * read the previous `InRelease` still gets matching files while the next generation is
 * switched in.
 * `Packages.xz` (which apt prefers when `Release` lists it) is made by our own xz encoder
 * (src/archive/xz-encode.ts: no xz compressor on npm runs in Workers).
 */
import { gzipSync } from "fflate";
import { xzCompress } from "../../archive/xz-encode";
import type { BlobRow, PackageReader } from "../../repositories/package-source";
import { indexKey } from "../../repositories/index-builder";
import { clearSign, detachedSign, openpgpKind } from "../../signing/openpgp";
import type { IndexBuildContext, IndexSpec } from "../types";
import { debFilename } from "./paths";
import { type IndexFileDigest, type PackageEntry, renderPackages, renderRelease } from "./release";
import { parseVersionMetadata } from "./upload";

export const GENERATION_INDEX = "generation.json";
export const GENERATION_KEY = indexKey("debian", GENERATION_INDEX);
const PAGE = 200;

export interface AssetRef {
  contentType: string;
  blob: BlobRow;
}

export interface Generation {
  revision: number;
  builtAt: number;
  /** Fingerprint of the OpenPGP key that signed this generation. */
  signedBy: string | null;
  /** `dists/…` path → file. */
  files: Record<string, AssetRef>;
  /** `{sha256 or sha512 hex}` → index file of this or the previous generation. */
  byHash: Record<string, AssetRef>;
  /**
   * `pool/…` path → the `.deb` this generation lists: a file deleted after the build stays
   * downloadable from the generation that still lists it, until the next one replaces it.
   */
  pool: Record<string, BlobRow>;
  /** Virtual repositories: the hosted members' repository revisions this generation covers, by member id. */
  members?: Record<string, number>;
}

/** Every `.deb` of the repository with its control text, from the version metadata. */
export async function listEntries(reader: PackageReader, pool?: Map<string, BlobRow>): Promise<PackageEntry[]> {
  const entries: PackageEntry[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await reader.listPackages({ limit: PAGE, offset });
    for (const row of await reader.listFilesOfPackages(page.map((p) => p.id))) {
      const match = /^([^/]+)\/([^/]+)\/([^/_]+)_([^/_]+)_([^/_]+)\.deb$/.exec(row.file.name);
      if (!match) continue;
      const [, distribution = "", component = "", name = "", version = "", architecture = ""] = match;
      const control = parseVersionMetadata(row.version.metadata).controls?.[`${distribution}/${component}/${architecture}`];
      if (!control) continue;
      const { blob } = row;
      pool?.set(`pool/${distribution}/${component}/${debFilename(name, version, architecture)}`, blob);
      entries.push({
        distribution, component, architecture, name, version, control,
        filename: `pool/${distribution}/${component}/${debFilename(name, version, architecture)}`,
        size: blob.size, md5: blob.md5, sha1: blob.sha1, sha256: blob.sha256, sha512: blob.sha512,
      });
    }
    if (page.length < PAGE) break;
  }
  return entries;
}

/** Distribution → components and architectures (`all` included when present). */
export function layout(entries: readonly PackageEntry[]): Map<string, { components: string[]; architectures: string[] }> {
  const out = new Map<string, { components: Set<string>; architectures: Set<string> }>();
  for (const entry of entries) {
    const dist = out.get(entry.distribution) ?? { components: new Set<string>(), architectures: new Set<string>() };
    dist.components.add(entry.component);
    dist.architectures.add(entry.architecture);
    out.set(entry.distribution, dist);
  }
  return new Map([...out].map(([name, d]) => [name, { components: [...d.components].sort(), architectures: [...d.architectures].sort() }]));
}

/** A component's packages for one architecture: that architecture's and the `all` ones (`binary-all`: only `all`). */
export const packagesFor = (entries: readonly PackageEntry[], distribution: string, component: string, architecture: string): PackageEntry[] =>
  entries.filter((e) => e.distribution === distribution && e.component === component && (e.architecture === architecture || e.architecture === "all"));

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

const digestOf = (path: string, blob: BlobRow): IndexFileDigest => ({ path, size: blob.size, md5: blob.md5, sha1: blob.sha1, sha256: blob.sha256, sha512: blob.sha512 });

export async function buildGeneration(reader: PackageReader, context: IndexBuildContext, now = new Date()): Promise<Generation> {
  const pool = new Map<string, BlobRow>();
  const members: Record<string, number> = {};
  let entries: PackageEntry[];
  if (context.members.length) {
    // A virtual repository: its hosted members' packages, the first member listing a pool path wins.
    entries = [];
    for (const member of context.members) {
      members[String(member.id)] = (await member.reader.revisions(null)).repository;
      const own = new Map<string, BlobRow>();
      for (const entry of await listEntries(member.reader, own)) {
        if (pool.has(entry.filename)) continue;
        entries.push(entry);
      }
      for (const [path, blob] of own) if (!pool.has(path)) pool.set(path, blob);
    }
  } else entries = await listEntries(reader, pool);
  const previous = await previousGeneration(reader);
  const files: Record<string, AssetRef> = {};
  const byHash: Record<string, AssetRef> = {};
  const encoder = new TextEncoder();
  const store = async (path: string, bytes: Uint8Array, contentType: string, hashed: boolean): Promise<BlobRow> => {
    const blob = await context.storeAsset(bytes, contentType);
    files[path] = { contentType, blob };
    if (hashed) {
      byHash[blob.sha256] = files[path];
      byHash[blob.sha512] = files[path];
    }
    return blob;
  };
  const dists = layout(entries);
  const key = dists.size ? await context.signingKeys.current(openpgpKind) : null;
  for (const [distribution, { components, architectures }] of dists) {
    const digests: IndexFileDigest[] = [];
    for (const component of components) {
      for (const architecture of architectures) {
        const dir = `${component}/binary-${architecture}`;
        const plain = encoder.encode(renderPackages(packagesFor(entries, distribution, component, architecture)));
        const gz = gzipSync(plain, { level: 9, mtime: 0 });
        digests.push(digestOf(`${dir}/Packages`, await store(`dists/${distribution}/${dir}/Packages`, plain, "text/plain; charset=utf-8", true)));
        digests.push(digestOf(`${dir}/Packages.gz`, await store(`dists/${distribution}/${dir}/Packages.gz`, gz, "application/gzip", true)));
        digests.push(digestOf(`${dir}/Packages.xz`, await store(`dists/${distribution}/${dir}/Packages.xz`, xzCompress(plain), "application/x-xz", true)));
      }
    }
    const release = renderRelease(
      { origin: "Edge Registry", label: "Edge Registry", distribution, components, architectures, date: now, description: `Edge Registry distribution ${distribution}` },
      digests,
    );
    const base = `dists/${distribution}`;
    await store(`${base}/Release`, encoder.encode(release), "text/plain; charset=utf-8", false);
    if (key) {
      await store(`${base}/InRelease`, encoder.encode(await clearSign(key.privateKey, release)), "text/plain; charset=utf-8", false);
      await store(`${base}/Release.gpg`, encoder.encode(await detachedSign(key.privateKey, release)), "application/pgp-signature", false);
    }
  }
  // The previous generation's Packages files stay reachable by hash (apt mid-update); the
  // IndexBuilder keeps the assets of the last two builds.
  for (const [path, ref] of Object.entries(previous?.files ?? {})) {
    if (!/\/Packages(\.gz|\.xz)?$/.test(path)) continue;
    byHash[ref.blob.sha256] ??= ref;
    byHash[ref.blob.sha512] ??= ref;
  }
  return { revision: context.revision, builtAt: now.getTime(), signedBy: key?.fingerprint ?? null, files, byHash, pool: Object.fromEntries(pool), ...(context.members.length ? { members } : {}) };
}

export const debianIndexes: readonly IndexSpec[] = [
  { name: GENERATION_INDEX, contentType: "application/json", virtual: true, build: async (reader, context) => JSON.stringify(await buildGeneration(reader, context)) },
];
