/**
 * The members a read goes through (DESIGN §5): a virtual repository's members in priority
 * order (ties by position), or the repository itself for hosted and remote ones. This is the
 * one place members are loaded, so it is where the caller's read permission is applied: a
 * member the caller may not read is left out, as if it were not a member.
 */
import { canRead } from "../auth/authorize";
import { listMembers } from "../db/repositories";
import type { Bindings } from "../env";
import { HostedSource } from "../repositories/hosted-source";
import type { SourceContext } from "../repositories/source-context";
import type { Repository } from "../repositories/model";
import { memberServes, type NameRules } from "./name-patterns";
import { RemoteSource } from "./remote-source";

export type Member = { repository: Repository; rules: NameRules; minReleaseAgeHours: number } & (
  | { kind: "hosted"; hosted: HostedSource }
  | { kind: "remote"; remote: RemoteSource }
);

function member(repository: Repository, rules: NameRules, ctx: SourceContext, env: Pick<Bindings, "FILLS">, ownAge: number): Member | null {
  if (repository.kind === "hosted") return { repository, rules, minReleaseAgeHours: 0, kind: "hosted", hosted: new HostedSource(repository, ctx) };
  if (repository.kind === "remote") {
    const minReleaseAgeHours = Math.max(ownAge, repository.settings.minReleaseAgeHours ?? 0);
    return { repository, rules, minReleaseAgeHours, kind: "remote", remote: new RemoteSource(repository, ctx, env) };
  }
  return null;
}

/**
 * The members of `repository` the caller may read, in priority order; `scope`: "" when
 * that is every member, else a name for this subset (derived documents are kept per subset,
 * so one caller's view is never served to another); `shareable`: the answer is the same for
 * every caller (the repository and all its members are public), so the edge may cache it.
 */
export async function loadMembers(repository: Repository, ctx: SourceContext, env: Pick<Bindings, "FILLS">): Promise<{ members: Member[]; scope: string; shareable: boolean }> {
  const ownAge = repository.settings.minReleaseAgeHours ?? 0;
  const none: NameRules = { include: null, exclude: null };
  const present = (m: Member | null): m is Member => m !== null;
  if (repository.kind !== "virtual") return { members: [member(repository, none, ctx, env, ownAge)].filter(present), scope: "", shareable: repository.visibility === "public" };
  const refs = await listMembers(ctx.db, repository.id);
  const readable = refs.filter((ref) => canRead(ctx.principal, ref.repository));
  const members = readable.map((ref) => member(ref.repository, { include: ref.include, exclude: ref.exclude }, ctx, env, ownAge)).filter(present);
  const scope = readable.length === refs.length ? "" : `~${readable.map((r) => r.repository.name).join(",")}`;
  // The same answer for every caller only when every member (readable by this one or not) is public.
  const shareable = repository.visibility === "public" && refs.every((ref) => ref.repository.visibility === "public");
  return { members, scope, shareable };
}

/** Members whose include/exclude rules let them serve this package. */
export function membersServing(members: readonly Member[], packageKey: string | null): Member[] {
  const key = packageKey?.toLowerCase() ?? null;
  return members.filter((m) => memberServes(m.rules, key));
}

/** Whether shielding applies: a virtual repository with it on, for a package a hosted member has. */
export function shields(repository: Repository, packageKey: string | null, hostedHas: readonly boolean[]): boolean {
  return repository.kind === "virtual" && repository.settings.shielding && packageKey !== null && hostedHas.some(Boolean);
}

/** Whether a hosted member has the package at all (the shielding question). */
export async function hostedHasPackage(member: Member, packageKey: string | null): Promise<boolean> {
  if (member.kind !== "hosted" || packageKey === null) return false;
  return (await member.hosted.findPackageRow(packageKey.toLowerCase())) !== null;
}

/**
 * The hosted repository's revision: what a whole-repository document (Helm `index.yaml`, a
 * target whose packageKey is null) is fingerprinted on; every hosted write bumps it.
 */
export async function hostedRepositoryRevision(source: HostedSource): Promise<string> {
  return String((await source.revisions(null)).repository);
}

/**
 * The hosted package's revision: what a derived document's fingerprint uses for a hosted
 * source (every hosted write bumps it, whoever makes it); null when the package does not exist.
 */
export async function hostedRevision(source: HostedSource, packageKey: string): Promise<string | null> {
  const revision = (await source.revisions(packageKey.toLowerCase())).package;
  return revision === null ? null : String(revision);
}
