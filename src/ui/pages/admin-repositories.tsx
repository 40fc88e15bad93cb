/** Admin: every repository, a create form, and one repository's edit form with delete. */
import type { RepositoryOutput } from "../../api/repository-schemas";
import { knownFormats } from "../../formats";
import type { UiState } from "../env";
import { formatMembers } from "../forms";
import { Csrf, ErrorBox, Layout, RepositoryCells, repositoryHref } from "../layout";

export type FormValues = Record<string, string>;

const v = (values: FormValues, key: string, fallback = ""): string => values[key] ?? fallback;

function Select(props: { name: string; label: string; options: readonly string[]; value: string }) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        {props.options.map((o) => <option value={o} selected={o === props.value}>{o}</option>)}
      </select>
    </label>
  );
}

function RemoteFields({ values }: { values: FormValues }) {
  return (
    <fieldset>
      <legend>Remote (remote repositories)</legend>
      <label>Upstream URL (no credentials in it)<input name="remoteUrl" type="url" value={v(values, "remoteUrl")} /></label>
      <label>Upstream username<input name="remoteUsername" value={v(values, "remoteUsername")} autocomplete="off" /></label>
      <label>Upstream password or token (write-only; empty keeps the stored one)<input name="remotePassword" type="password" autocomplete="new-password" /></label>
      <label>Metadata valid for (seconds)<input name="metadataTtlSeconds" inputmode="numeric" value={v(values, "metadataTtlSeconds")} /></label>
      <label>Artifacts valid for (seconds, 0 = forever)<input name="artifactTtlSeconds" inputmode="numeric" value={v(values, "artifactTtlSeconds")} /></label>
      <label>Misses remembered for (seconds)<input name="negativeTtlSeconds" inputmode="numeric" value={v(values, "negativeTtlSeconds")} /></label>
    </fieldset>
  );
}

function MembersField({ values }: { values: FormValues }) {
  return (
    <label>
      Members (virtual repositories), one per line, highest priority first: <code>name [priority=N] [include=a*,b] [exclude=c*]</code>
      <textarea name="members">{v(values, "members")}</textarea>
    </label>
  );
}

export function AdminRepositoriesPage(props: { ui: UiState; repositories: RepositoryOutput[]; values: FormValues; error: string | null }) {
  return (
    <Layout title="Administer repositories" ui={props.ui}>
      <table>
        <thead><tr><th>Name</th><th>Format</th><th>Kind</th><th>Visibility</th><th><span class="muted">Action</span></th></tr></thead>
        <tbody>
          {props.repositories.map((r) => (
            <tr>
              <RepositoryCells r={r} />
              <td><a href={`/ui/admin/repositories/${encodeURIComponent(r.name)}`} aria-label={`Edit ${r.name}`}>Edit</a></td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 id="create">Create a repository</h2>
      <ErrorBox message={props.error} />
      <form class="stack" method="post" action="/ui/admin/repositories" aria-labelledby="create">
        <Csrf ui={props.ui} />
        <label>Name<input name="name" required value={v(props.values, "name")} /></label>
        <Select name="format" label="Format" options={knownFormats} value={v(props.values, "format", "generic")} />
        <Select name="kind" label="Kind" options={["hosted", "remote", "virtual"]} value={v(props.values, "kind", "hosted")} />
        <Select name="visibility" label="Visibility" options={["private", "public"]} value={v(props.values, "visibility", "private")} />
        <RemoteFields values={props.values} />
        <MembersField values={props.values} />
        <label>Settings (JSON, optional; see docs/configuration.md)<textarea name="settings">{v(props.values, "settings")}</textarea></label>
        <button type="submit">Create repository</button>
      </form>
    </Layout>
  );
}

export function repositoryFormValues(r: RepositoryOutput): FormValues {
  return {
    visibility: r.visibility,
    remoteUrl: r.remote?.url ?? "",
    remoteUsername: r.remote?.username ?? "",
    metadataTtlSeconds: r.remote ? String(r.remote.metadataTtlSeconds) : "",
    artifactTtlSeconds: r.remote ? String(r.remote.artifactTtlSeconds) : "",
    negativeTtlSeconds: r.remote ? String(r.remote.negativeTtlSeconds) : "",
    members: r.members ? formatMembers(r.members) : "",
    settings: "",
  };
}

export function EditRepositoryPage(props: { ui: UiState; repository: RepositoryOutput; values: FormValues; error: string | null; notice: string | null; canDelete: boolean }) {
  const r = props.repository;
  const action = `/ui/admin/repositories/${encodeURIComponent(r.name)}`;
  return (
    <Layout title={`Edit ${r.name}`} ui={props.ui}>
      {props.notice ? <p class="notice" role="status">{props.notice}</p> : null}
      <ErrorBox message={props.error} />
      <p><a href={repositoryHref(r.name)}>View {r.name}</a> · {r.format} · {r.kind}</p>
      <form class="stack" method="post" action={action}>
        <Csrf ui={props.ui} />
        <Select name="visibility" label="Visibility" options={["private", "public"]} value={v(props.values, "visibility", r.visibility)} />
        {r.kind === "remote" ? <RemoteFields values={props.values} /> : null}
        {r.kind === "virtual" ? <MembersField values={props.values} /> : null}
        <h2>Current settings</h2>
        <pre>{JSON.stringify(r.settings, null, 2)}</pre>
        <label>Settings change (JSON Merge Patch: keys sent replace, null resets, others kept)<textarea name="settings">{v(props.values, "settings")}</textarea></label>
        <button type="submit">Save changes</button>
      </form>
      {props.canDelete ? (
        <>
          <h2>Delete</h2>
          <form method="post" action={`${action}/delete`}>
            <Csrf ui={props.ui} />
            <label><input type="checkbox" name="confirm" value="yes" required /> Delete {r.name} and all its packages</label>{" "}
            <button type="submit" class="danger">Delete repository</button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}
