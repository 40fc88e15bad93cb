/**
 * The data of a package page, read through hosted PackageReaders: a hosted repository's own
 * package, or for a virtual repository every readable hosted member's copy, merged in member
 * priority order — each version shown once, from the first member that has it, with the
 * reason ("why this member"). Remote members are listed with what they would be asked for;
 * their versions are the upstream's and are not browsed here.
 */
import { canRead } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import type { MemberRef } from "../db/repositories";
import { HostedSource } from "../repositories/hosted-source";
import type { SourceContext } from "../repositories/source-context";
import type { Repository } from "../repositories/model";
import type { PackageFileRow, PackageRow, VersionRow } from "../repositories/package-source";
import { memberServes } from "../virtual/name-patterns";
import { loadDetails, type PackageDetails } from "./formats/details";

export interface VersionView {
  version: VersionRow;
  files: PackageFileRow[];
  /** The member that serves this version (virtual repositories), null for a hosted one. */
  member: string | null;
  why: string | null;
}

export interface MemberNote {
  member: string;
  kind: string;
  note: string;
}

export interface PackageView {
  name: string;
  versions: VersionView[];
  details: PackageDetails;
  /** Virtual repositories: what each member contributes to this package. */
  members: MemberNote[];
}

interface MemberCopy {
  member: MemberRef;
  reader: HostedSource;
  pkg: PackageRow;
  versions: VersionRow[];
  files: PackageFileRow[];
}

async function hostedCopy(repository: Repository, ctx: SourceContext, name: string): Promise<Omit<MemberCopy, "member"> | null> {
  const reader = new HostedSource(repository, ctx);
  const pkg = (await reader.findPackageRow(name)) ?? (name !== name.toLowerCase() ? await reader.findPackageRow(name.toLowerCase()) : null);
  if (!pkg) return null;
  const [versions, files] = await Promise.all([reader.listVersionRows(pkg.id), reader.listFilesOfPackages([pkg.id])]);
  return { reader, pkg, versions, files };
}

const filesOf = (files: readonly PackageFileRow[], version: VersionRow): PackageFileRow[] => files.filter((f) => f.version.id === version.id);

export async function loadHostedPackage(repository: Repository, ctx: SourceContext, name: string): Promise<PackageView | null> {
  const copy = await hostedCopy(repository, ctx, name);
  if (!copy) return null;
  const details = await loadDetails(repository.format, { reader: copy.reader, pkg: copy.pkg, versions: copy.versions, files: copy.files });
  return { name: copy.pkg.name, versions: copy.versions.map((v) => ({ version: v, files: filesOf(copy.files, v), member: null, why: null })), details, members: [] };
}

function ruleNote(member: MemberRef, lowerName: string): string | null {
  if (member.include && !memberServes({ include: member.include, exclude: null }, lowerName)) return `not consulted: its include rules (${member.include.join(", ")}) do not match`;
  if (member.exclude && !memberServes({ include: null, exclude: member.exclude }, lowerName)) return `not consulted: its exclude rules (${member.exclude.join(", ")}) match`;
  return null;
}

export async function loadVirtualPackage(repository: Repository, members: readonly MemberRef[], principal: Principal, ctx: SourceContext, name: string): Promise<PackageView | null> {
  const readable = members.filter((m) => canRead(principal, m.repository));
  const lowerName = name.toLowerCase();
  const notes: MemberNote[] = [];
  const copies: MemberCopy[] = [];
  const found = await Promise.all(readable.map((m) => (m.repository.kind === "hosted" && ruleNote(m, lowerName) === null ? hostedCopy(m.repository, ctx, name) : Promise.resolve(null))));
  readable.forEach((member, i) => {
    const copy = found[i];
    if (copy) copies.push({ member, ...copy });
  });
  const shielded = repository.settings.shielding && copies.length > 0;
  for (const [i, member] of readable.entries()) {
    const base = { member: member.repository.name, kind: member.repository.kind };
    const rule = ruleNote(member, lowerName);
    if (rule) notes.push({ ...base, note: rule });
    else if (member.repository.kind === "remote") {
      notes.push({ ...base, note: shielded ? "not consulted: shielding is on and a hosted member has this package" : "consulted for this package's metadata (versions are the upstream's)" });
    } else notes.push({ ...base, note: found[i] ? `has ${found[i].versions.length} version(s)` : "does not have this package" });
  }
  if (copies.length === 0) return null;
  const seen = new Map<string, VersionView>();
  for (const [rank, copy] of copies.entries()) {
    for (const version of copy.versions) {
      const existing = seen.get(version.lowerVersion);
      if (existing) {
        existing.why = `${existing.why}; also in ${copy.member.repository.name} (lower priority, hidden)`;
        continue;
      }
      const why = rank === 0 ? `first member in priority order (priority ${copy.member.priority}) that has this version` : `higher-priority members lack ${version.version}; ${copy.member.repository.name} has it (priority ${copy.member.priority})`;
      seen.set(version.lowerVersion, { version, files: filesOf(copy.files, version), member: copy.member.repository.name, why });
    }
  }
  const versions = [...seen.values()].sort((a, b) => b.version.createdAt - a.version.createdAt || b.version.id - a.version.id);
  const first = copies[0] as MemberCopy;
  const details = await loadDetails(repository.format, { reader: first.reader, pkg: first.pkg, versions: first.versions, files: first.files });
  return { name: first.pkg.name, versions, details, members: notes };
}
