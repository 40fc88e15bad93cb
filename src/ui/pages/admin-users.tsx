/** Admin: users (create, disable, admin flag, password) and their repository grants; the audit log. */
import type { UiState } from "../env";
import { Badge, Csrf, ErrorBox, Layout, formatTime } from "../layout";

export interface UserRow {
  name: string;
  email: string | null;
  admin: boolean;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: number;
}

const userHref = (name: string) => `/ui/admin/users/${encodeURIComponent(name)}`;

export function UsersPage(props: { ui: UiState; users: UserRow[]; error: string | null; values: Record<string, string> }) {
  return (
    <Layout title="Users" ui={props.ui}>
      <table>
        <thead><tr><th>Name</th><th>Email</th><th>Flags</th><th>Created</th></tr></thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <td><a href={userHref(u.name)}>{u.name}</a></td>
              <td>{u.email ?? "—"}</td>
              <td>{u.admin ? <Badge>instance admin</Badge> : null}{u.disabled ? <Badge tone="bad">disabled</Badge> : null}{u.hasPassword ? null : <Badge>no password</Badge>}</td>
              <td>{formatTime(u.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 id="create">Create a user</h2>
      <ErrorBox message={props.error} />
      <form class="stack" method="post" action="/ui/admin/users" aria-labelledby="create">
        <Csrf ui={props.ui} />
        <label>Name<input name="name" required value={props.values.name ?? ""} /></label>
        <label>Email (optional)<input name="email" type="email" value={props.values.email ?? ""} /></label>
        <label>Password (optional, at least 8 characters)<input name="password" type="password" autocomplete="new-password" /></label>
        <label><input type="checkbox" name="admin" value="true" /> Instance admin</label>
        <button type="submit">Create user</button>
      </form>
    </Layout>
  );
}

export function UserPage(props: { ui: UiState; user: UserRow; grants: string; error: string | null; notice: string | null }) {
  const base = userHref(props.user.name);
  return (
    <Layout title={`User ${props.user.name}`} ui={props.ui}>
      {props.notice ? <p class="notice" role="status">{props.notice}</p> : null}
      <ErrorBox message={props.error} />
      <h2 id="flags">Account</h2>
      <form class="stack" method="post" action={base} aria-labelledby="flags">
        <Csrf ui={props.ui} />
        <label><input type="checkbox" name="admin" value="true" checked={props.user.admin} /> Instance admin</label>
        <label><input type="checkbox" name="disabled" value="true" checked={props.user.disabled} /> Disabled (every password and token of this user stops working)</label>
        <button type="submit">Save account</button>
      </form>
      <h2 id="grants">Repository grants</h2>
      <form class="stack" method="post" action={`${base}/grants`} aria-labelledby="grants">
        <Csrf ui={props.ui} />
        <label>One per line: <code>repository-or-pattern role</code> (role: read, write, admin; patterns like <code>team-*</code>)<textarea name="grants">{props.grants}</textarea></label>
        <button type="submit">Replace grants</button>
      </form>
      <h2 id="password">Set password</h2>
      <form class="stack" method="post" action={`${base}/password`} aria-labelledby="password">
        <Csrf ui={props.ui} />
        <label>New password (at least 8 characters)<input name="password" type="password" autocomplete="new-password" required /></label>
        <button type="submit">Set password</button>
      </form>
    </Layout>
  );
}

export interface AuditEvent {
  id: number;
  at: number;
  actor: string;
  tokenName: string | null;
  action: string;
  repository: string | null;
  target: string | null;
  detail: unknown;
}

export function AuditPage(props: { ui: UiState; events: AuditEvent[]; filters: { repository: string; action: string }; error: string | null }) {
  const last = props.events.at(-1);
  const older = last ? `/ui/admin/audit?${new URLSearchParams({ ...(props.filters.repository ? { repository: props.filters.repository } : {}), ...(props.filters.action ? { action: props.filters.action } : {}), before: String(last.id) }).toString()}` : null;
  return (
    <Layout title="Audit log" ui={props.ui}>
      <form class="search" method="get" action="/ui/admin/audit">
        <label for="repository">Repository</label>
        <input id="repository" name="repository" value={props.filters.repository} />
        <label for="action">Action</label>
        <input id="action" name="action" value={props.filters.action} placeholder="e.g. token.create" />
        <button type="submit">Filter</button>
      </form>
      <ErrorBox message={props.error} />
      <table>
        <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Repository</th><th>Target</th><th>Detail</th></tr></thead>
        <tbody>
          {props.events.map((e) => (
            <tr>
              <td>{formatTime(e.at)}</td>
              <td>{e.actor}{e.tokenName ? <span class="muted"> (token {e.tokenName})</span> : null}</td>
              <td>{e.action}</td>
              <td>{e.repository ?? "—"}</td>
              <td class="mono">{e.target ?? "—"}</td>
              <td class="mono">{JSON.stringify(e.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.events.length === 0 ? <p>No events.</p> : null}
      {older && props.events.length >= 100 ? <p><a href={older}>Older events</a></p> : null}
    </Layout>
  );
}
