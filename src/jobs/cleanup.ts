/**
 * Cleanup policies for one repository (docs/cleanup.md), Gitea's rules plus GitLab's
 * duplicate-file limit. For each package, versions newest first:
 *   the first `keepCount` are kept; one matching `keepPattern` is kept; one younger than
 *   `removeDays` is kept; with a `removePattern`, only matching ones are removed.
 * Patterns are anchored and case-insensitive and match the version, or "package/version"
 * with `matchFullName`. A policy with none of keepCount, removeDays or removePattern set
 * removes no versions (Gitea would remove all; we refuse to guess that).
 * Then in each remaining version only the `keepDuplicates` newest uploads of a file stay.
 */
import { recordAudit, type AuditInput } from "../db/audit";
import type { Database } from "../db/client";
import { deleteFileIds, deleteVersion, listFiles, listPackages, listVersions, type PackageRow, type VersionRow } from "../db/packages";
import type { Repository } from "../repositories/model";
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

export async function runCleanup(db: Database, repository: Repository, now: number, by: Pick<AuditInput, "actor" | "token"> = { actor: "cleanup" }): Promise<CleanupResult> {
  const result: CleanupResult = { repository: repository.name, versionsRemoved: 0, filesRemoved: 0 };
  const policy = repository.settings.cleanup;
  if (!policy?.enabled) return result;
  for (const pkg of await allPackages(db, repository.id)) {
    const versions = await listVersions(db, pkg.id);
    const doomed = versionsToRemove(pkg, versions, policy, now);
    for (const version of doomed) await deleteVersion(db, version);
    result.versionsRemoved += doomed.length;
    if (policy.keepDuplicates > 0) {
      const doomedIds = new Set(doomed.map((v) => v.id));
      for (const version of versions.filter((v) => !doomedIds.has(v.id))) {
        result.filesRemoved += await trimDuplicates(db, version.id, policy.keepDuplicates);
      }
    }
  }
  await recordAudit(db, { ...by, action: "cleanup.run", repository: repository.name, detail: { versionsRemoved: result.versionsRemoved, filesRemoved: result.filesRemoved } });
  return result;
}

/** Read every package first: deleting while paging would shift the pages. */
async function allPackages(db: Database, repositoryId: number): Promise<PackageRow[]> {
  const all: PackageRow[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await listPackages(db, repositoryId, { limit: PAGE, offset });
    all.push(...page);
    if (page.length < PAGE) return all;
  }
}

/** Deletes all but the `keep` newest uploads of each file name in a version. */
async function trimDuplicates(db: Database, versionId: number, keep: number): Promise<number> {
  const files = await listFiles(db, versionId); // newest first
  const seen = new Map<string, number>();
  const extra: number[] = [];
  for (const { file } of files) {
    const count = (seen.get(file.lowerName) ?? 0) + 1;
    seen.set(file.lowerName, count);
    if (count > keep) extra.push(file.id);
  }
  await deleteFileIds(db, versionId, extra);
  return extra.length;
}
