/**
 * Repository page: facts, packages with search and paging; a virtual's members in priority
 * order with their rules; a remote's upstream (never credentials), validity periods, circuit
 * state and — for its admins — cache entries with purge buttons.
 */
import type { RepositoryOutput } from "../../api/repository-schemas";
import type { UiState } from "../env";
import { Badge, Csrf, ErrorBox, Layout, formatBytes, formatTime, packageHref, repositoryHref } from "../layout";

export interface PackageListRow {
  name: string;
  lowerName: string;
  versionCount: number;
  /** Virtual repositories: the member the name was found in first. */
  member?: string;
}

export interface CacheEntryRow {
  path: string;
  kind: string;
  status: string;
  size: number | null;
  hits: number;
  lastHitAt: number | null;
  fetchedAt: number;
}

export interface RemoteState {
  circuit: string;
  entries: CacheEntryRow[] | null;
  prefix: string;
}

export interface RepositoryPageProps {
  ui: UiState;
  repository: RepositoryOutput;
  packages: PackageListRow[];
  query: string;
  page: number;
  hasMore: boolean;
  remote: RemoteState | null;
  canAdmin: boolean;
  notice: string | null;
  error: string | null;
}

function Facts({ repository, origin }: { repository: RepositoryOutput; origin: string }) {
  return (
    <dl class="facts">
      <dt>Format</dt><dd>{repository.format}</dd>
      <dt>Kind</dt><dd>{repository.kind}</dd>
      <dt>Visibility</dt><dd><Badge tone={repository.visibility === "private" ? "private" : undefined}>{repository.visibility}</Badge></dd>
      <dt>URL</dt><dd><code>{`${origin}${repository.url}`}</code></dd>
      {repository.kind === "virtual" ? (<><dt>Shielding</dt><dd>{repository.settings.shielding ? "on: a package a hosted member has is never taken from remote members" : "off"}</dd></>) : null}
      {repository.settings.deployMember ? (<><dt>Deploy member</dt><dd>{repository.settings.deployMember}</dd></>) : null}
    </dl>
  );
}

function Members({ repository }: { repository: RepositoryOutput }) {
  const members = repository.members ?? [];
  return (
    <section aria-labelledby="members">
      <h2 id="members">Members, in priority order</h2>
      <table>
        <thead><tr><th>#</th><th>Repository</th><th>Kind</th><th>Priority</th><th>Include</th><th>Exclude</th></tr></thead>
        <tbody>
          {members.map((m, i) => (
            <tr>
              <td>{i + 1}</td>
              <td><a href={repositoryHref(m.repository)}>{m.repository}</a></td>
              <td>{m.kind}</td>
              <td>{m.priority}</td>
              <td>{m.include?.join(", ") ?? "everything"}</td>
              <td>{m.exclude?.join(", ") ?? "nothing"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Remote({ repository, remote, ui, canAdmin }: { repository: RepositoryOutput; remote: RemoteState; ui: UiState; canAdmin: boolean }) {
  const config = repository.remote;
  return (
    <section aria-labelledby="upstream">
      <h2 id="upstream">Upstream</h2>
      {config ? (
        <dl class="facts">
          <dt>URL</dt><dd><code>{config.url}</code></dd>
          <dt>Credentials</dt><dd>{config.hasPassword || config.username ? "configured (never shown)" : "none"}</dd>
          <dt>Metadata valid for</dt><dd>{config.metadataTtlSeconds} s</dd>
          <dt>Artifacts valid for</dt><dd>{config.artifactTtlSeconds === 0 ? "forever (immutable)" : `${config.artifactTtlSeconds} s`}</dd>
          <dt>Misses remembered for</dt><dd>{config.negativeTtlSeconds} s</dd>
          <dt>Timeout</dt><dd>{config.timeoutMs} ms</dd>
          <dt>Circuit</dt><dd>{remote.circuit}</dd>
        </dl>
      ) : <p>No upstream configured.</p>}
      <h2 id="cache">Cache entries</h2>
      {!canAdmin || !remote.entries ? (
        <p class="muted">Cache entries are shown to this repository's admins.</p>
      ) : (
        <>
          <form class="search" method="get" action={repositoryHref(repository.name)}>
            <label for="prefix">Path prefix</label>
            <input id="prefix" name="prefix" value={remote.prefix} />
            <button type="submit">Filter</button>
          </form>
          <table>
            <thead><tr><th>Path</th><th>Kind</th><th>Status</th><th>Size</th><th>Hits</th><th>Last hit</th><th>Fetched</th><th><span class="muted">Action</span></th></tr></thead>
            <tbody>
              {remote.entries.map((e) => (
                <tr>
                  <td class="mono">{e.path}</td>
                  <td>{e.kind}</td>
                  <td>{e.status}</td>
                  <td>{formatBytes(e.size)}</td>
                  <td>{e.hits}</td>
                  <td>{formatTime(e.lastHitAt)}</td>
                  <td>{formatTime(e.fetchedAt)}</td>
                  <td>
                    <form class="inline" method="post" action={`${repositoryHref(repository.name)}/cache/purge`}>
                      <Csrf ui={ui} />
                      <input type="hidden" name="path" value={e.path} />
                      <button type="submit" class="danger" aria-label={`Purge ${e.path}`}>Purge</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {remote.entries.length === 0 ? <p>The cache is empty.</p> : null}
          <form method="post" action={`${repositoryHref(repository.name)}/cache/purge`}>
            <Csrf ui={ui} />
            <button type="submit" class="danger">Purge the whole cache</button>
          </form>
        </>
      )}
    </section>
  );
}

function Packages(props: RepositoryPageProps) {
  const base = repositoryHref(props.repository.name);
  const pageHref = (page: number) => `${base}?${new URLSearchParams({ ...(props.query ? { q: props.query } : {}), page: String(page) }).toString()}`;
  const virtual = props.repository.kind === "virtual";
  return (
    <section aria-labelledby="packages">
      <h2 id="packages">Packages{virtual ? " (from hosted members)" : ""}</h2>
      <form class="search" method="get" action={base} role="search">
        <label for="q">Search in {props.repository.name}</label>
        <input id="q" name="q" type="search" value={props.query} />
        <button type="submit">Search</button>
      </form>
      {props.packages.length === 0 ? (
        <p>No packages{props.query ? " match" : " yet"}.</p>
      ) : (
        <table>
          <thead><tr><th>Package</th><th>Versions</th>{virtual ? <th>From member</th> : null}</tr></thead>
          <tbody>
            {props.packages.map((p) => (
              <tr>
                <td><a href={packageHref(props.repository.name, p.lowerName)}>{p.name}</a></td>
                <td>{p.versionCount}</td>
                {virtual ? <td>{p.member}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        {props.page > 1 ? <a href={pageHref(props.page - 1)}>Previous page</a> : null}
        {props.hasMore ? <a href={pageHref(props.page + 1)}>Next page</a> : null}
      </nav>
    </section>
  );
}

export function RepositoryPage(props: RepositoryPageProps) {
  const { repository } = props;
  return (
    <Layout title={repository.name} ui={props.ui}>
      {props.notice ? <p class="notice" role="status">{props.notice}</p> : null}
      <ErrorBox message={props.error} />
      <Facts repository={repository} origin={props.ui.origin} />
      {props.canAdmin ? <p><a href={`/ui/admin/repositories/${encodeURIComponent(repository.name)}`}>Edit this repository</a></p> : null}
      {repository.kind === "virtual" ? <Members repository={repository} /> : null}
      {repository.kind === "remote" && props.remote ? <Remote repository={repository} remote={props.remote} ui={props.ui} canAdmin={props.canAdmin} /> : null}
      {repository.kind !== "remote" ? <Packages {...props} /> : null}
    </Layout>
  );
}
