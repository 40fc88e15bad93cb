/** Reading: home with search, repository pages (members, remote cache), package pages; cache purge. */
import { Hono, type Context } from "hono";
import type { RepositoryOutput } from "../api/repository-schemas";
import { can, canRead } from "../auth/permissions";
import { openDatabase } from "../db/client";
import { countPackagesByRepository } from "../db/packages";
import { findRemoteConfig, findRepository, listMembers, listRepositories } from "../db/repositories";
import { listCacheEntries } from "../db/cache-entries";
import type { AppEnv } from "../env";
import { RegistryError, notFound } from "../errors";
import { repositoryNotFound } from "../auth/authorize";
import { describeRepository } from "../repositories/admin";
import { HostedSource } from "../repositories/hosted-source";
import { sourceContext } from "../repositories/loader";
import type { Repository } from "../repositories/model";
import { isOffline } from "../virtual/circuit";
import { callApi } from "./api-client";
import type { UiEnv } from "./env";
import { snippetsFor } from "./formats/snippets";
import { searchTerm } from "./forms";
import { repositoryHref } from "./layout";
import { loadHostedPackage, loadVirtualPackage } from "./package-view";
import { HomePage, type RepositoryRow, type SearchHit } from "./pages/home";
import { PackagePage } from "./pages/package";
import { RepositoryPage, type PackageListRow, type RemoteState } from "./pages/repository";

export const browseRoutes = new Hono<UiEnv>();

export const asApp = (c: Context<UiEnv>): Context<AppEnv> => c as unknown as Context<AppEnv>;

const PAGE_SIZE = 50;
const SEARCH_LIMIT = 20;

/** A repository the viewer can read; unknown and unreadable names are the same 404. */
async function readable(c: Context<UiEnv>, name: string): Promise<Repository> {
  const repository = await findRepository(openDatabase(c.env.DB), name);
  if (!repository || !canRead(c.var.principal, repository)) throw repositoryNotFound(name);
  c.set("repositoryName", repository.name);
  return repository;
}

browseRoutes.get("/", async (c) => {
  const db = openDatabase(c.env.DB);
  const principal = c.var.principal;
  const [all, counts] = await Promise.all([listRepositories(db), countPackagesByRepository(db)]);
  const visible = all.filter((r) => canRead(principal, r));
  const rows: RepositoryRow[] = await Promise.all(
    visible.map(async (r) => {
      if (r.kind === "hosted") return { ...r, packages: counts.get(r.id) ?? 0 };
      if (r.kind === "remote") return { ...r, packages: null };
      const members = (await listMembers(db, r.id)).filter((m) => m.repository.kind === "hosted" && canRead(principal, m.repository));
      return { ...r, packages: members.reduce((sum, m) => sum + (counts.get(m.repository.id) ?? 0), 0) };
    }),
  );
  const query = searchTerm(c.req.query("q"));
  let hits: SearchHit[] | null = null;
  if (query) {
    const context = sourceContext(asApp(c));
    const found = await Promise.all(visible.filter((r) => r.kind === "hosted").map(async (r) => (await new HostedSource(r, context).listPackages({ limit: SEARCH_LIMIT, offset: 0, query })).map((p) => ({ repository: r.name, name: p.name, lowerName: p.lowerName, versionCount: p.versionCount }))));
    hits = found.flat().sort((a, b) => a.lowerName.localeCompare(b.lowerName) || a.repository.localeCompare(b.repository));
  }
  return c.html(<HomePage ui={c.var.ui} repositories={rows} query={query} hits={hits} />);
});

async function packageRows(c: Context<UiEnv>, repository: Repository, query: string, page: number): Promise<{ rows: PackageListRow[]; hasMore: boolean }> {
  const context = sourceContext(asApp(c));
  const window = { limit: PAGE_SIZE * page + 1, offset: 0, ...(query ? { query } : {}) };
  const sources = repository.kind === "hosted"
    ? [repository]
    : (await listMembers(context.db, repository.id)).filter((m) => m.repository.kind === "hosted" && canRead(c.var.principal, m.repository)).map((m) => m.repository);
  const merged = new Map<string, PackageListRow>();
  for (const source of sources) {
    for (const p of await new HostedSource(source, context).listPackages(window)) {
      if (!merged.has(p.lowerName)) merged.set(p.lowerName, { name: p.name, lowerName: p.lowerName, versionCount: p.versionCount, ...(repository.kind === "virtual" ? { member: source.name } : {}) });
    }
  }
  const sorted = [...merged.values()].sort((a, b) => a.lowerName.localeCompare(b.lowerName));
  return { rows: sorted.slice(PAGE_SIZE * (page - 1), PAGE_SIZE * page), hasMore: sorted.length > PAGE_SIZE * page };
}

async function remoteState(c: Context<UiEnv>, repository: Repository, canAdmin: boolean): Promise<RemoteState> {
  const db = openDatabase(c.env.DB);
  const config = await findRemoteConfig(db, repository.id);
  const now = Date.now();
  const circuit = !config ? "—" : isOffline(config, now) ? `open: upstream assumed offline until ${new Date(config.offlineUntil ?? now).toISOString()}, serving the cache only` : config.failureCount > 0 ? `closed (${config.failureCount} recent failure(s))` : "closed (upstream healthy)";
  const prefix = (c.req.query("prefix") ?? "").slice(0, 1024);
  if (!canAdmin) return { circuit, entries: null, prefix };
  const rows = await listCacheEntries(db, repository.id, { limit: 200, offset: 0, ...(prefix ? { prefix } : {}) });
  const entries = rows.map(({ entry, blob }) => ({ path: entry.key, kind: entry.kind, status: entry.status, size: blob?.size ?? null, hits: entry.hits, lastHitAt: entry.lastHitAt, fetchedAt: entry.fetchedAt }));
  return { circuit, entries, prefix };
}

async function repositoryPage(c: Context<UiEnv>, notice: string | null, error: string | null, status: 200 | 400 | 403 = 200): Promise<Response> {
  const repository = await readable(c, c.req.param("name") ?? "");
  const db = openDatabase(c.env.DB);
  const description: RepositoryOutput = await describeRepository(db, repository, c.var.principal);
  const canAdmin = can(c.var.principal, "admin", repository);
  const query = searchTerm(c.req.query("q"));
  const page = Math.max(1, Math.min(1000, Number.parseInt(c.req.query("page") ?? "1", 10) || 1));
  const packages = repository.kind === "remote" ? { rows: [], hasMore: false } : await packageRows(c, repository, query, page);
  const remote = repository.kind === "remote" ? await remoteState(c, repository, canAdmin) : null;
  return c.html(
    <RepositoryPage ui={c.var.ui} repository={description} packages={packages.rows} query={query} page={page} hasMore={packages.hasMore} remote={remote} canAdmin={canAdmin} notice={notice} error={error} />,
    status,
  );
}

browseRoutes.get("/ui/repositories/:name", (c) => repositoryPage(c, c.req.query("purged") !== undefined ? `Purged ${c.req.query("purged")} cache entr${c.req.query("purged") === "1" ? "y" : "ies"}.` : null, null));

browseRoutes.post("/ui/repositories/:name/cache/purge", async (c) => {
  const name = c.req.param("name");
  const form = await c.req.parseBody();
  const path = typeof form.path === "string" && form.path !== "" ? `?path=${encodeURIComponent(form.path)}` : "";
  const result = await callApi<{ purged: number }>(asApp(c), "DELETE", `/repositories/${encodeURIComponent(name)}/cache${path}`);
  if (!result.ok) {
    if (result.status === 404) throw repositoryNotFound(name);
    if (result.status === 401) throw new RegistryError("unauthorized", result.message);
    return repositoryPage(c, null, result.message, result.status === 403 ? 403 : 400);
  }
  return c.redirect(`${repositoryHref(name)}?purged=${result.data.purged}`, 303);
});

browseRoutes.get("/ui/repositories/:name/packages/:package{.+}", async (c) => {
  const repository = await readable(c, c.req.param("name"));
  const name = c.req.param("package");
  const context = sourceContext(asApp(c));
  const view =
    repository.kind === "hosted"
      ? await loadHostedPackage(repository, context, name)
      : repository.kind === "virtual"
        ? await loadVirtualPackage(repository, await listMembers(context.db, repository.id), c.var.principal, context, name)
        : null;
  if (!view) throw notFound(`package ${name}`);
  const newest = view.versions[0];
  const snippets = snippetsFor(repository.format, {
    origin: c.var.ui.origin,
    repository: repository.name,
    packageName: view.name,
    version: newest?.version.version ?? null,
    files: newest?.files.map((f) => f.file.name) ?? [],
    needsToken: repository.visibility === "private",
  });
  return c.html(<PackagePage ui={c.var.ui} repository={repository} view={view} snippets={snippets} />);
});
