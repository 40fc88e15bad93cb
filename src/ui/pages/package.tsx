/**
 * Package page: install snippets for this repository's format with a copy button, the
 * README (rendered Markdown, sanitised), versions newest first with marks, files with size
 * and sha256, downloads; for a virtual repository the member each version comes from and why.
 */
import { raw } from "hono/html";
import type { Snippet } from "../formats/snippets";
import type { UiState } from "../env";
import { Badge, Layout, formatBytes, formatTime, repositoryHref } from "../layout";
import { renderMarkdown } from "../markdown";
import type { PackageView } from "../package-view";

export interface PackagePageProps {
  ui: UiState;
  repository: { name: string; format: string; kind: string };
  view: PackageView;
  snippets: Snippet[];
}

function Snippets({ snippets }: { snippets: Snippet[] }) {
  if (snippets.length === 0) return <p class="muted">No install snippet for this format yet.</p>;
  return (
    <>
      {snippets.map((s, i) => (
        <div class="snippet">
          <h3>{s.client} <span class="muted">{s.where}</span></h3>
          <pre id={`snippet-${i}`} data-client={s.client} data-where={s.where}><code>{s.code}</code></pre>
          <button type="button" class="copy" data-copy-target={`snippet-${i}`} hidden aria-label={`Copy the ${s.client} ${s.where} snippet`}>Copy</button>
        </div>
      ))}
    </>
  );
}

export function PackagePage(props: PackagePageProps) {
  const { view, repository } = props;
  const virtual = repository.kind === "virtual";
  const totalDownloads = view.versions.reduce((sum, v) => sum + v.version.downloadCount, 0);
  return (
    <Layout title={view.name} ui={props.ui}>
      <p>
        In <a href={repositoryHref(repository.name)}>{repository.name}</a> <Badge>{repository.format}</Badge> <Badge>{repository.kind}</Badge>
        {" "}· {view.versions.length} version(s) · {totalDownloads} download(s)
      </p>
      {view.details.description ? <p class="description">{view.details.description}</p> : null}
      <section aria-labelledby="install">
        <h2 id="install">Install</h2>
        <Snippets snippets={props.snippets} />
      </section>
      {virtual ? (
        <section aria-labelledby="members">
          <h2 id="members">Members for this package</h2>
          <table>
            <thead><tr><th>Member</th><th>Kind</th><th>For this package</th></tr></thead>
            <tbody>{view.members.map((m) => <tr><td><a href={repositoryHref(m.member)}>{m.member}</a></td><td>{m.kind}</td><td>{m.note}</td></tr>)}</tbody>
          </table>
        </section>
      ) : null}
      <section aria-labelledby="versions">
        <h2 id="versions">Versions</h2>
        <table>
          <thead>
            <tr><th>Version</th><th>Published</th><th>Downloads</th>{virtual ? <th>Served from (why this member)</th> : null}<th>Files</th></tr>
          </thead>
          <tbody>
            {view.versions.map((v) => (
              <tr>
                <td>
                  <strong>{v.version.version}</strong>{" "}
                  {(view.details.marks.get(v.version.version) ?? []).map((m) => (
                    <Badge tone={m.warn ? "bad" : undefined}>{m.title ? <span title={m.title}>{m.label}</span> : m.label}</Badge>
                  ))}
                </td>
                <td>{formatTime(v.version.createdAt)}</td>
                <td>{v.version.downloadCount}</td>
                {virtual ? <td><strong>{v.member}</strong><br /><span class="muted">{v.why}</span></td> : null}
                <td>
                  <ul>
                    {v.files.map((f) => (
                      <li>
                        <span class="mono">{f.file.name}</span> · {formatBytes(f.blob.size)}
                        <br /><span class="mono muted">sha256 {f.blob.sha256}</span>
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {view.details.readme ? (
        <section aria-labelledby="readme">
          <h2 id="readme">README</h2>
          <div class="readme">{view.details.readme.markdown ? raw(renderMarkdown(view.details.readme.text)) : <pre>{view.details.readme.text}</pre>}</div>
        </section>
      ) : null}
    </Layout>
  );
}
