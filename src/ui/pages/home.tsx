/** Home: the repositories the viewer can read, and a package search across them. */
import type { UiState } from "../env";
import { Layout, RepositoryCells, packageHref, repositoryHref } from "../layout";

export interface RepositoryRow {
  name: string;
  format: string;
  kind: string;
  visibility: string;
  /** Hosted: its packages; virtual: its readable hosted members' (a package in two counts twice); remote: null. */
  packages: number | null;
}

export interface SearchHit {
  repository: string;
  name: string;
  lowerName: string;
  versionCount: number;
}

export function HomePage(props: { ui: UiState; repositories: RepositoryRow[]; query: string; hits: SearchHit[] | null }) {
  return (
    <Layout title="Repositories" ui={props.ui}>
      <form class="search" method="get" action="/" role="search">
        <label for="q">Search packages</label>
        <input id="q" name="q" type="search" value={props.query} placeholder="package name" />
        <button type="submit">Search</button>
      </form>
      {props.hits ? (
        <section aria-labelledby="results">
          <h2 id="results">Packages matching “{props.query}”</h2>
          {props.hits.length === 0 ? (
            <p>No package matches.</p>
          ) : (
            <table>
              <thead><tr><th>Package</th><th>Repository</th><th>Versions</th></tr></thead>
              <tbody>
                {props.hits.map((h) => (
                  <tr>
                    <td><a href={packageHref(h.repository, h.lowerName)}>{h.name}</a></td>
                    <td><a href={repositoryHref(h.repository)}>{h.repository}</a></td>
                    <td>{h.versionCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
      <h2>All repositories you can read</h2>
      {props.repositories.length === 0 ? (
        <p>No repository is visible to you{props.ui.user ? "" : "; sign in to see private ones"}.</p>
      ) : (
        <table>
          <thead><tr><th>Name</th><th>Format</th><th>Kind</th><th>Visibility</th><th>Packages</th></tr></thead>
          <tbody>
            {props.repositories.map((r) => (
              <tr>
                <RepositoryCells r={r} />
                <td>{r.packages ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
