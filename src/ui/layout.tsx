/** The page frame every UI page shares: header with navigation, main landmark, footer-less. */
import type { Child } from "hono/jsx";
import type { UiState } from "./env";

export function Layout(props: { title: string; ui: UiState; children: Child }) {
  const { ui } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Edge Registry`}</title>
        <link rel="stylesheet" href="/ui/assets/style.css" />
        <script src="/ui/assets/copy.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#content">Skip to content</a>
        <header class="top">
          <a class="brand" href="/">Edge Registry</a>
          <nav aria-label="Main">
            <ul>
              <li><a href="/">Repositories</a></li>
              {ui.user ? <li><a href="/ui/account">Account</a></li> : null}
              {ui.user?.instanceAdmin ? <li><a href="/ui/admin/repositories">Admin</a></li> : null}
              {ui.user?.instanceAdmin ? <li><a href="/ui/admin/users">Users</a></li> : null}
              {ui.user?.instanceAdmin ? <li><a href="/ui/admin/audit">Audit log</a></li> : null}
            </ul>
          </nav>
          {ui.user ? (
            <span class="who">
              Signed in as <strong>{ui.user.name}</strong>{" "}
              {ui.session ? (
                <form class="inline" method="post" action="/ui/signout">
                  <Csrf ui={ui} />
                  <button type="submit">Sign out</button>
                </form>
              ) : null}
            </span>
          ) : (
            <a href="/ui/signin">Sign in</a>
          )}
        </header>
        <main id="content">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

export function Csrf(props: { ui: UiState }) {
  return <input type="hidden" name="_csrf" value={props.ui.csrf} />;
}

export function ErrorBox(props: { message: string | null | undefined }) {
  return props.message ? <p class="error" role="alert">{props.message}</p> : null;
}

export function Badge(props: { children: Child; tone?: "private" | "bad" }) {
  return <span class={props.tone ? `badge ${props.tone}` : "badge"}>{props.children}</span>;
}

export function formatBytes(size: number | null | undefined): string {
  if (size === null || size === undefined) return "—";
  if (size < 1024) return `${size} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

/** Path segment for a package name (scoped npm names hold `/`). */
export const packageHref = (repository: string, name: string): string => `/ui/repositories/${encodeURIComponent(repository)}/packages/${encodeURIComponent(name)}`;
export const repositoryHref = (repository: string): string => `/ui/repositories/${encodeURIComponent(repository)}`;

/** The name, format, kind and visibility cells of a repository row (home and admin lists). */
export function RepositoryCells({ r }: { r: { name: string; format: string; kind: string; visibility: string } }) {
  return (
    <>
      <td><a href={repositoryHref(r.name)}>{r.name}</a></td>
      <td>{r.format}</td>
      <td>{r.kind}</td>
      <td><Badge tone={r.visibility === "private" ? "private" : undefined}>{r.visibility}</Badge></td>
    </>
  );
}
