/**
 * Composer repository documents that are not per package:
 * - `packages.json`: the root Composer reads first. `metadata-url` (the p2 documents),
 *   `search` and `list` point at this repository; a hosted repository also lists its
 *   packages in `available-packages` (up to 1,000), so Composer never asks it for names it
 *   does not have. Remote and virtual repositories do not: their upstreams' names are unknown.
 * - `search.json?q=&type=`: packagist's answer shape (`results[]` of name, description, url;
 *   `total`), over the hosted packages (of a virtual repository: its hosted members the
 *   caller may read), newest version's description, optionally filtered by package type.
 * - `list.json`: `{"packageNames":[…]}` of those same packages (`composer show --all`).
 */
import type { HostedSource } from "../../repositories/hosted-source";
import type { Repository } from "../../repositories/model";

const AVAILABLE_LIMIT = 1000;

export async function rootDocument(repository: Repository, base: string, hosted: HostedSource | null): Promise<Record<string, unknown>> {
  const document: Record<string, unknown> = {
    packages: [],
    "metadata-url": `${base}p2/%package%.json`,
    search: `${base}search.json?q=%query%&type=%type%`,
    list: `${base}list.json`,
  };
  if (repository.kind === "hosted" && hosted) {
    const page = await hosted.listPackages({ limit: AVAILABLE_LIMIT + 1, offset: 0 });
    if (page.length <= AVAILABLE_LIMIT) document["available-packages"] = page.map((p) => p.name);
  }
  return document;
}

export interface SearchAnswer {
  results: { name: string; description: string; url: string; repository: string; downloads: number; favers: number }[];
  total: number;
  next?: string;
}

function entryOf(metadata: string): { description?: unknown; type?: unknown; homepage?: unknown } {
  try {
    return ((JSON.parse(metadata) as { entry?: Record<string, unknown> }).entry ?? {}) as { description?: unknown; type?: unknown };
  } catch {
    return {};
  }
}

export async function searchPackages(sources: readonly HostedSource[], query: string, type: string, page: { number: number; perPage: number; url: URL }): Promise<SearchAnswer> {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 10);
  const rows = (await Promise.all(sources.map((s) => s.searchPackages(terms, "", 1000)))).flat();
  const seen = new Set<string>();
  const matches: SearchAnswer["results"] = [];
  for (const row of rows) {
    if (seen.has(row.name)) continue;
    const entry = entryOf(row.metadata);
    if (type && entry.type !== type) continue;
    seen.add(row.name);
    const homepage = typeof entry.homepage === "string" ? entry.homepage : "";
    matches.push({ name: row.name, description: typeof entry.description === "string" ? entry.description : "", url: homepage, repository: homepage, downloads: 0, favers: 0 });
  }
  matches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const start = (page.number - 1) * page.perPage;
  const answer: SearchAnswer = { results: matches.slice(start, start + page.perPage), total: matches.length };
  if (start + page.perPage < matches.length) {
    const next = new URL(page.url);
    next.searchParams.set("page", String(page.number + 1));
    answer.next = next.toString();
  }
  return answer;
}

export async function listNames(sources: readonly HostedSource[]): Promise<{ packageNames: string[] }> {
  const pages = await Promise.all(sources.map((s) => s.listPackages({ limit: 10_000, offset: 0 })));
  return { packageNames: [...new Set(pages.flat().map((p) => p.name))].sort() };
}
