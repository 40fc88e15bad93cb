/**
 * Cargo's web API reads that are not files: the index's `config.json`, search and owners.
 * - `config.json`: `dl` and `api` point at this repository (for remote and virtual ones too:
 *   downloads come through us), `auth-required` when the repository is private, so cargo
 *   sends its token for index reads and downloads as well.
 * - search (`cargo search`): hosted crates (of a virtual repository: its hosted members the
 *   caller may read), newest version per crate (as Gitea and crates.io's `max_version`
 *   field mean it for private registries: the last published), with the description.
 * - owners (`cargo owner --list`): as Gitea, one owner — here the repository, since access
 *   is granted per repository; adding or removing owners is refused with a pointer to
 *   repository permissions.
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { Repository } from "../../repositories/model";
import { parseCargoMetadata } from "./stored";

export function indexConfig(repository: Repository, base: string): Record<string, unknown> {
  const root = base.replace(/\/+$/, "");
  return { dl: `${root}/api/v1/crates`, api: root, ...(repository.visibility === "private" ? { "auth-required": true } : {}) };
}

export interface SearchResult {
  crates: { name: string; max_version: string; description: string }[];
  meta: { total: number };
}

export async function searchCrates(sources: readonly HostedSource[], query: string, perPage: number): Promise<SearchResult> {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 10);
  const seen = new Set<string>();
  const crates: SearchResult["crates"] = [];
  const results = await Promise.all(sources.map((s) => s.searchPackages(terms, "", 1000)));
  for (const rows of results) {
    for (const row of rows) {
      const key = row.name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      crates.push({ name: row.name, max_version: row.version, description: parseCargoMetadata(row.metadata)?.description ?? "" });
    }
  }
  crates.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  return { crates: crates.slice(0, perPage), meta: { total: crates.length } };
}

export function ownersOf(repository: Repository): { users: { id: number; login: string; name: string }[] } {
  return { users: [{ id: repository.id, login: repository.name, name: repository.name }] };
}
