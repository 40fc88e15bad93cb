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

async function build(reader: PackageReader): Promise<string> {
  const { repository: revision } = await reader.revisions(null);
  const packages: unknown[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await reader.listPackages({ limit: PAGE, offset });
    for (const summary of page) {
      const listed = await reader.listPackageVersions(summary.lowerName);
      if (!listed) continue;
      const versions: unknown[] = [];
      for (const version of [...listed.versions].reverse()) {
        const files = (await reader.listVersionFiles(summary.lowerName, version.lowerVersion))?.files ?? [];
        versions.push({
          version: version.version,
          files: files.map(({ file, blob }) => ({ name: file.name, size: blob.size, sha256: blob.sha256, uploadedAt: new Date(file.createdAt).toISOString() })),
        });
      }
      packages.push({ name: listed.pkg.name, versions });
    }
    if (page.length < PAGE) break;
  }
  return JSON.stringify({ repository: reader.repository.name, revision, packages });
}

export const genericIndexes: readonly IndexSpec[] = [{ name: "index.json", contentType: "application/json", build }];
