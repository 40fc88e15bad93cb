/**
 * Access-matrix rows for every Web UI route (src/ui): the same principals and fixtures as
 * the API rows. A private repository's pages answer exactly as a missing one's (404, also for
 * anonymous: the UI has no challenge); pages needing sign-in are 401 pages for anonymous.
 * Form posts carry a CSRF cookie and token fetched like a browser would; the matrix follows
 * their 303 redirects, so an allowed post is the page it lands on, with its notice.
 */
import { csrfPair } from "../ui-helpers";
import type { CellRequest, Outcome, RepoFixture, RouteRow } from "./table";

const ok = (status: number): Outcome => ({ status });
const byKind = (hosted: Outcome, remote: Outcome, virtual: Outcome) => (repo: RepoFixture): Outcome => (repo.kind === "hosted" ? hosted : repo.kind === "remote" ? remote : virtual);
/** Where an allowed form post lands after its 303 (fetch follows it). */
const landed = (notice: string): Outcome => ({ status: 200, includes: notice });
const page = (path: string): CellRequest => ({ method: "GET", path });

async function form(path: string, fields: Record<string, string> = {}): Promise<CellRequest> {
  const { cookie, token } = await csrfPair();
  return { method: "POST", path, body: new URLSearchParams({ ...fields, _csrf: token }).toString(), headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" } };
}

const repoPath = (repo: RepoFixture) => `/ui/repositories/${repo.name}`;
const editPath = (repo: RepoFixture) => `/ui/admin/repositories/${repo.name}`;
const onGeneric = { format: "generic" as const };

export const uiRows: RouteRow[] = [
  { id: "ui home", covers: "ui:GET /", perRepository: false, need: "nobody", request: () => page("/?q=seed"), allowed: () => ok(200) },
  { id: "ui stylesheet", covers: "ui:GET /ui/assets/style.css", perRepository: false, need: "nobody", request: () => page("/ui/assets/style.css"), allowed: () => ok(200) },
  { id: "ui script", covers: "ui:GET /ui/assets/copy.js", perRepository: false, need: "nobody", request: () => page("/ui/assets/copy.js"), allowed: () => ok(200) },
  { id: "ui sign-in page", covers: "ui:GET /ui/signin", perRepository: false, need: "nobody", request: () => page("/ui/signin"), allowed: () => ok(200) },
  { id: "ui sign in (wrong password)", covers: "ui:POST /ui/signin", perRepository: false, need: "nobody", request: () => form("/ui/signin", { username: "mx-pass", password: "wrong-password" }), allowed: () => ok(401) },
  { id: "ui sign out", covers: "ui:POST /ui/signout", perRepository: false, need: "nobody", request: () => form("/ui/signout"), allowed: () => landed("All repositories you can read") },
  { id: "ui repository page", covers: "ui:GET /ui/repositories/:name", perRepository: true, ...onGeneric, need: "read", request: ({ repo }) => page(repoPath(repo)), allowed: () => ok(200) },
  {
    id: "ui package page", covers: "ui:GET /ui/repositories/:name/packages/:package{.+}", perRepository: true, ...onGeneric, need: "read",
    request: ({ repo }) => page(`${repoPath(repo)}/packages/seed`),
    allowed: byKind(ok(200), { status: 404, includes: "package seed not found" }, ok(200)),
  },
  {
    id: "ui purge cache", covers: "ui:POST /ui/repositories/:name/cache/purge", perRepository: true, ...onGeneric, need: "admin",
    request: ({ repo }) => form(`${repoPath(repo)}/cache/purge`, { path: "nothing-cached-here" }),
    allowed: byKind({ status: 400, includes: "not a remote repository" }, landed("Purged 0 cache entries."), { status: 400, includes: "not a remote repository" }),
  },
  { id: "ui account", covers: "ui:GET /ui/account", perRepository: false, need: "authenticated", request: () => page("/ui/account"), allowed: () => ok(200) },
  { id: "ui create token", covers: "ui:POST /ui/account/tokens", perRepository: false, need: "authenticated", request: () => form("/ui/account/tokens", { name: "mx-ui-token", scopes: "read" }), allowed: () => ok(201) },
  {
    id: "ui revoke another's token", covers: "ui:POST /ui/account/tokens/:id/revoke", perRepository: false, need: "instance admin", deniedStatus: 404,
    request: async ({ throwawayToken }) => form(`/ui/account/tokens/${await throwawayToken()}/revoke`),
    allowed: () => landed("revoked."),
  },
  { id: "ui admin repositories", covers: "ui:GET /ui/admin/repositories", perRepository: false, need: "instance admin", request: () => page("/ui/admin/repositories"), allowed: () => ok(200) },
  {
    id: "ui create repository", covers: "ui:POST /ui/admin/repositories", perRepository: false, need: "instance admin",
    request: ({ p }) => form("/ui/admin/repositories", { name: `mx-ui-created-${p}`, format: "generic", kind: "hosted", visibility: "private" }),
    allowed: () => landed("Repository created."),
  },
  { id: "ui edit repository page", covers: "ui:GET /ui/admin/repositories/:name", perRepository: true, ...onGeneric, need: "admin", request: ({ repo }) => page(editPath(repo)), allowed: () => ok(200) },
  {
    id: "ui change repository", covers: "ui:POST /ui/admin/repositories/:name", perRepository: true, ...onGeneric, need: "admin",
    request: ({ repo }) => form(editPath(repo), { visibility: repo.visibility }),
    allowed: () => landed("Saved."),
  },
  {
    // Unconfirmed, so nothing is deleted: instance admins get the confirmation error.
    id: "ui delete repository", covers: "ui:POST /ui/admin/repositories/:name/delete", perRepository: true, ...onGeneric, need: "instance admin",
    request: ({ repo }) => form(`${editPath(repo)}/delete`),
    allowed: () => ({ status: 400, includes: "Tick the box" }),
  },
  { id: "ui users", covers: "ui:GET /ui/admin/users", perRepository: false, need: "instance admin", request: () => page("/ui/admin/users"), allowed: () => ok(200) },
  { id: "ui create user", covers: "ui:POST /ui/admin/users", perRepository: false, need: "instance admin", request: ({ p }) => form("/ui/admin/users", { name: `mx-ui-new-${p}` }), allowed: () => landed("User created.") },
  { id: "ui user page", covers: "ui:GET /ui/admin/users/:name", perRepository: false, need: "instance admin", request: () => page("/ui/admin/users/mx-team"), allowed: () => ok(200) },
  { id: "ui change user", covers: "ui:POST /ui/admin/users/:name", perRepository: false, need: "instance admin", request: () => form("/ui/admin/users/mx-team"), allowed: () => landed("Saved.") },
  {
    id: "ui replace grants", covers: "ui:POST /ui/admin/users/:name/grants", perRepository: false, need: "instance admin",
    request: () => form("/ui/admin/users/mx-team/grants", { grants: "mx-*-priv-* write" }),
    allowed: () => landed("Saved."),
  },
  { id: "ui set password", covers: "ui:POST /ui/admin/users/:name/password", perRepository: false, need: "instance admin", request: () => form("/ui/admin/users/mx-repoadmin/password", { password: "mx-reset-password-2" }), allowed: () => landed("Saved.") },
  { id: "ui audit log", covers: "ui:GET /ui/admin/audit", perRepository: false, need: "instance admin", request: () => page("/ui/admin/audit?action=token.create"), allowed: () => ok(200) },
];
