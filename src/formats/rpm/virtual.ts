/**
 * Virtual RPM repositories: their own generation (./generation.ts), built by their own
 * IndexBuilder from their hosted members' stored generations and signed with the
 * **virtual's** key (a client trusts the repository it is configured with). Per group, each
 * member's `primary`/`filelists`/`other` XML is cut into `<package>` blocks (./merge.ts);
 * members come in priority order and a package location a higher member already lists is
 * left out, and the generation's pool takes that location's package from the same member —
 * so every listed pkgid matches the file served. A member's build schedules the virtual's
 * (creating the virtual, changing its members or rotating its key builds it at once), so
 * reads only ever serve the stored generation; a virtual with none yet gets a build
 * scheduled and answers 404 until it lands. Remote members' repodata is not merged (their
 * packages stay reachable by path through the engine).
 */
import { gunzipSync } from "fflate";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { loadVirtualHostedMembers } from "../../repositories/loader";
import type { BlobRow, PackageReader } from "../../repositories/package-source";
import { openpgpKind } from "../../signing/openpgp";
import type { IndexBuildContext } from "../types";
import { type AssetRef, carryPrevious, currentGeneration, type Generation, storeGroup } from "./generation";
import { locationOf, mergeXml, packageBlocks, pkgidOf, TYPES } from "./merge";
import { groupPrefix, type RpmPath } from "./paths";
import { keyResponse, pooledPackageResponse, repodataResponse } from "./proxy";

/** Repodata files a virtual makes itself; other `repodata/` paths go to the engine (remote members' trees). */
const OWN_REPODATA = /^(repomd\.xml(\.asc)?|([0-9a-f]{64}-)?(primary|filelists|other)\.xml\.gz)$/;

interface MemberGeneration {
  id: number;
  reader: PackageReader;
  generation: Generation;
}

async function openXml(member: MemberGeneration, path: string): Promise<string> {
  const ref = member.generation.files[path];
  const object = ref ? await member.reader.readBlob(ref.blob) : null;
  return object ? new TextDecoder().decode(gunzipSync(new Uint8Array(await object.arrayBuffer()))) : "";
}

/** One group's three XML documents, merged from the members that have the group. */
async function mergeGroup(members: readonly MemberGeneration[], group: string): Promise<Record<(typeof TYPES)[number], string>> {
  const base = `${groupPrefix(group)}repodata/`;
  const texts: Record<(typeof TYPES)[number], string[]> = { primary: [], filelists: [], other: [] };
  for (const member of members) {
    if (!member.generation.groups.includes(group)) continue;
    for (const type of TYPES) texts[type].push(await openXml(member, `${base}${type}.xml.gz`));
  }
  // First member wins a location (the pool serves that member's file for the path).
  const kept = new Set<string>();
  const locations = new Set<string>();
  for (const block of texts.primary.flatMap(packageBlocks)) {
    const location = locationOf(block);
    if (locations.has(location)) continue;
    locations.add(location);
    kept.add(pkgidOf(block));
  }
  const keep = (id: string) => kept.has(id);
  return { primary: mergeXml("primary", texts.primary, keep), filelists: mergeXml("filelists", texts.filelists, keep), other: mergeXml("other", texts.other, keep) };
}

/** The IndexBuilder's build of a virtual repository (`context.members`: its hosted members in priority order). */
export async function buildVirtualGeneration(reader: PackageReader, context: IndexBuildContext, now = new Date()): Promise<Generation> {
  const members: MemberGeneration[] = [];
  for (const { id, reader: member } of context.members) {
    const generation = await currentGeneration(member);
    if (generation) members.push({ id, reader: member, generation });
  }
  const groups = [...new Set(members.flatMap((m) => m.generation.groups))].sort((a, b) => a.localeCompare(b));
  const files: Record<string, AssetRef> = {};
  const key = groups.length ? await context.signingKeys.current(openpgpKind) : null;
  // Derived from the members' generations only, so a rebuild without member changes (a key
  // rotation aside) stores the same bytes.
  const revision = members.reduce((sum, m) => sum + m.generation.revision, 0);
  const timestamp = Math.floor(Math.max(0, ...members.map((m) => m.generation.builtAt)) / 1000);
  for (const group of groups) await storeGroup(context, files, group, await mergeGroup(members, group), { revision, timestamp, key });
  const pool: Record<string, BlobRow> = {};
  for (const member of members) for (const [path, blob] of Object.entries(member.generation.pool)) pool[path] ??= blob;
  carryPrevious(files, await currentGeneration(reader));
  const merged = Object.fromEntries(members.map((m) => [String(m.id), m.generation.revision]));
  return { revision: context.revision, builtAt: now.getTime(), signedBy: key?.fingerprint ?? null, groups, files, pool, members: merged };
}

/** A virtual repository's answer for `path`, or null when the engine should serve it. */
export async function serveVirtualRpm(c: Context<AppEnv>, path: RpmPath | null): Promise<Response | null> {
  const isKey = path?.kind === "key" || (path?.kind === "repodata" && path.file === "repomd.xml.key");
  const isRepodata = path?.kind === "repodata" && OWN_REPODATA.test(path.file);
  if (!isKey && !isRepodata && path?.kind !== "package") return null;
  const { virtual, hidden } = await loadVirtualHostedMembers(c, "rpm");
  if (virtual.repository.kind !== "virtual") return null;
  if (isKey) return keyResponse(virtual, c.req.raw);
  // Packages: the engine serves them from the members this caller may read.
  if (hidden && path?.kind === "package") return null;
  if (hidden) throw new RegistryError("not_found", "not found: this virtual repository's repodata covers members you cannot read");
  const generation = await currentGeneration(virtual);
  if (!generation) await virtual.scheduleIndexes();
  if (path?.kind === "package") return pooledPackageResponse(virtual, generation, `${groupPrefix(path.group)}package/${path.name}/${path.filename}`, c.req.raw);
  if (path?.kind !== "repodata") return null;
  const where = `${groupPrefix(path.group)}repodata/${path.file}`;
  const response = await repodataResponse(virtual, generation, where, c.req.raw);
  if (!response) throw new RegistryError("not_found", `${where} not found`);
  return response;
}
