/**
 * Cleanup policies for one repository (docs/cleanup.md), Gitea's rules plus GitLab's
 * duplicate-file limit. For each package, versions newest first:
 *   the first `keepCount` are kept; one matching `keepPattern` is kept; one younger than
 *   `removeDays` is kept; with a `removePattern`, only matching ones are removed.
 * Patterns are anchored and case-insensitive and match the version, or "package/version"
 * with `matchFullName`. A policy with none of keepCount, removeDays or removePattern set
 * removes no versions (Gitea would remove all; we refuse to guess that).
 * Then in each remaining version only the `keepDuplicates` newest uploads of a file stay.
 * Every removal goes through the repository's PackageWriter, so revisions bump and the
 * format's hooks run (npm moves `latest` off a removed version).
 */
import type { PackageRow, PackageWriter, VersionRow } from "../repositories/package-source";
import type { CleanupPolicy } from "../repositories/settings";

export interface CleanupResult {
  repository: string;
  versionsRemoved: number;
  filesRemoved: number;
}

const DAY_MS = 86_400_000;
const PAGE = 200;

export function compilePattern(pattern: string | undefined): RegExp | null {
  return pattern ? new RegExp(`^(?:${pattern})$`, "i") : null;
}

/** The versions of one package that the policy removes (versions given newest first). */
export function versionsToRemove(pkg: Pick<PackageRow, "lowerName">, versions: readonly VersionRow[], policy: CleanupPolicy, now: number): VersionRow[] {
  if (policy.keepCount === 0 && policy.removeDays === 0 && !policy.removePattern) return [];
  const keep = compilePattern(policy.keepPattern);
  const remove = compilePattern(policy.removePattern);
  const olderThan = now - policy.removeDays * DAY_MS;
  return versions.slice(policy.keepCount).filter((version) => {
    const subject = policy.matchFullName ? `${pkg.lowerName}/${version.lowerVersion}` : version.lowerVersion;
    if (keep?.test(subject)) return false;
    if (policy.removeDays > 0 && version.createdAt > olderThan) return false;
    if (remove && !remove.test(subject)) return false;
    return true;
  });
}

export async function runCleanup(writer: PackageWriter, now: number): Promise<CleanupResult> {
  const repository = writer.repository;
  const result: CleanupResult = { repository: repository.name, versionsRemoved: 0, filesRemoved: 0 };
  const policy = repository.settings.cleanup;
  if (!policy?.enabled) return result;
  for (const summary of await allPackages(writer)) {
    const pkg = await writer.findPackageRow(summary.lowerName);
    if (!pkg) continue;
    const versions = await writer.listVersionRows(pkg.id);
    const doomed = versionsToRemove(pkg, versions, policy, now);
    // One package at a time under its lock, so a concurrent publish's read-modify-write is not undone.
    if (doomed.length) await writer.withPackageLock(pkg.lowerName, () => writer.removeVersions(pkg, doomed));
    result.versionsRemoved += doomed.length;
    if (policy.keepDuplicates > 0) {
      const doomedIds = new Set(doomed.map((v) => v.id));
      for (const version of versions.filter((v) => !doomedIds.has(v.id))) {
        result.filesRemoved += await trimDuplicates(writer, pkg, version, policy.keepDuplicates);
      }
    }
  }
  await writer.auditEvent("cleanup.run", repository.name, { versionsRemoved: result.versionsRemoved, filesRemoved: result.filesRemoved });
  return result;
}

/** Read every package first: deleting while paging would shift the pages. */
async function allPackages(reader: PackageWriter): Promise<{ lowerName: string }[]> {
  const all: { lowerName: string }[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await reader.listPackages({ limit: PAGE, offset });
    all.push(...page);
    if (page.length < PAGE) return all;
  }
}

/** Deletes all but the `keep` newest uploads of each file name in a version. */
async function trimDuplicates(writer: PackageWriter, pkg: PackageRow, version: VersionRow, keep: number): Promise<number> {
  const found = await writer.listVersionFiles(pkg.lowerName, version.lowerVersion); // newest first
  const seen = new Map<string, number>();
  const extra: number[] = [];
  for (const { file } of found?.files ?? []) {
    const count = (seen.get(file.lowerName) ?? 0) + 1;
    seen.set(file.lowerName, count);
    if (count > keep) extra.push(file.id);
  }
  await writer.deleteFiles(pkg, version, extra);
  return extra.length;
}
