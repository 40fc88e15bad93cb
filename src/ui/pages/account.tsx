/** Sign-in and the account page: own tokens, create (shown once) and revoke. */
import type { UiState } from "../env";
import { Badge, Csrf, ErrorBox, Layout, formatTime } from "../layout";

export function SignInPage(props: { ui: UiState; next: string; username: string; error: string | null }) {
  return (
    <Layout title="Sign in" ui={props.ui}>
      <ErrorBox message={props.error} />
      <form class="stack" method="post" action="/ui/signin">
        <Csrf ui={props.ui} />
        <input type="hidden" name="next" value={props.next} />
        <label>Username<input name="username" autocomplete="username" required value={props.username} /></label>
        <label>Password<input name="password" type="password" autocomplete="current-password" required /></label>
        <button type="submit">Sign in</button>
      </form>
      <p class="muted">Users are created by an instance admin. On a new instance, sign in as <code>admin</code> with the <code>ADMIN_TOKEN</code> as the password.</p>
    </Layout>
  );
}

export interface TokenRow {
  id: number;
  name: string;
  scopes: string[];
  repositories: string[] | null;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  createdAt: number;
}

export function AccountPage(props: { ui: UiState; tokens: TokenRow[]; created: { name: string; token: string } | null; error: string | null; notice: string | null }) {
  const active = props.tokens.filter((t) => t.revokedAt === null);
  return (
    <Layout title="Account" ui={props.ui}>
      {props.notice ? <p class="notice" role="status">{props.notice}</p> : null}
      <ErrorBox message={props.error} />
      {props.created ? (
        <section class="notice" aria-labelledby="new-token">
          <h2 id="new-token">Token “{props.created.name}” created</h2>
          <p>Copy it now: it is shown only this once.</p>
          <pre id="new-token-value"><code>{props.created.token}</code></pre>
          <button type="button" class="copy" data-copy-target="new-token-value" hidden>Copy</button>
        </section>
      ) : null}
      <h2>Your tokens</h2>
      {active.length === 0 ? <p>No active tokens.</p> : (
        <table>
          <thead><tr><th>Name</th><th>Scopes</th><th>Repositories</th><th>Expires</th><th>Last used</th><th>Created</th><th><span class="muted">Action</span></th></tr></thead>
          <tbody>
            {active.map((t) => (
              <tr>
                <td>{t.name}</td>
                <td>{t.scopes.map((s) => <Badge>{s}</Badge>)}</td>
                <td>{t.repositories?.join(", ") ?? "all"}</td>
                <td>{t.expiresAt ? formatTime(t.expiresAt) : "never"}</td>
                <td>{formatTime(t.lastUsedAt)}</td>
                <td>{formatTime(t.createdAt)}</td>
                <td>
                  <form class="inline" method="post" action={`/ui/account/tokens/${t.id}/revoke`}>
                    <Csrf ui={props.ui} />
                    <button type="submit" class="danger" aria-label={`Revoke ${t.name}`}>Revoke</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Create a token</h2>
      <form class="stack" method="post" action="/ui/account/tokens">
        <Csrf ui={props.ui} />
        <label>Name<input name="name" required maxlength={128} /></label>
        <fieldset>
          <legend>Scopes</legend>
          <label><input type="checkbox" name="scopes" value="read" checked /> read</label>
          <label><input type="checkbox" name="scopes" value="write" /> write</label>
          <label><input type="checkbox" name="scopes" value="admin" /> admin</label>
        </fieldset>
        <label>Only these repositories (comma-separated; empty: all you can reach)<input name="repositories" /></label>
        <label>Expires in
          <select name="expiresInDays">
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="365">1 year</option>
            <option value="">never</option>
          </select>
        </label>
        <button type="submit">Create token</button>
      </form>
    </Layout>
  );
}
