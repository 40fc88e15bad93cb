/**
 * `GET /generic/{repo}/-/index.json`: every package of a hosted generic repository with its
 * versions and files (name, size, sha256, upload time), for scripts that mirror or audit a
 * repository without walking the management API. Built by the IndexBuilder a moment after
 * writes settle and stored per repository revision; a read that finds it older than the
 * repository waits for a rebuild, so the listing is never stale.
 *
 * { "repository": "tools", "revision": 42, "packages": [
 *   { "name": "app", "versions": [ { "version": "1.0", "files": [
 *     { "name": "app.tgz", "size": 123, "sha256": "…", "uploadedAt": "2026-…Z" } ] } ] } ] }
 * Packages are sorted by name; versions and files newest first.
 */
import type { PackageReader } from "../../repositories/package-source";
import type { IndexSpec } from "../types";

const PAGE = 200;

export const INDEX_PATH = "-/index.json";

interface ListedVersion {
  version: string;
  files: { name: string; size: number; sha256: string; uploadedAt: string }[];
}

/** One query for the package page, one per 90 packages for their files. */
async function build(reader: PackageReader): Promise<string> {
  const { repository: revision } = await reader.revisions(null);
  const packages: { name: string; versions: ListedVersion[] }[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await reader.listPackages({ limit: PAGE, offset });
    const versionsOf = new Map<number, Map<number, ListedVersion>>();
    for (const row of await reader.listFilesOfPackages(page.map((p) => p.id))) {
      const versions = versionsOf.get(row.packageId) ?? new Map<number, ListedVersion>();
      versionsOf.set(row.packageId, versions);
      const listed = versions.get(row.version.id) ?? { version: row.version.version, files: [] };
      versions.set(row.version.id, listed);
      listed.files.push({ name: row.file.name, size: row.blob.size, sha256: row.blob.sha256, uploadedAt: new Date(row.file.createdAt).toISOString() });
    }
    for (const summary of page) packages.push({ name: summary.name, versions: [...(versionsOf.get(summary.id)?.values() ?? [])] });
    if (page.length < PAGE) break;
  }
  return JSON.stringify({ repository: reader.repository.name, revision, packages });
}

export const genericIndexes: readonly IndexSpec[] = [{ name: "index.json", contentType: "application/json", build }];
