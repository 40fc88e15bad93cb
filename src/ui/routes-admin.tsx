/**
 * Administration through the management API (in-process, ./api-client.ts): repositories
 * (create and delete: instance admins; edit: repository admins), users and grants, the audit
 * log. The API decides who may do what and validates every field; its message is shown.
 */
import { Hono, type Context } from "hono";
import type { RepositoryOutput } from "../api/repository-schemas";
import { can } from "../auth/permissions";
import { RegistryError } from "../errors";
import { callApi, type ApiResult } from "./api-client";
import type { UiEnv } from "./env";
import { FormError, parseGrants, parseJsonObject, parseMembers, parseOptionalInt } from "./forms";
import { AdminRepositoriesPage, EditRepositoryPage, repositoryFormValues, type FormValues } from "./pages/admin-repositories";
import { AuditPage, UserPage, UsersPage, type AuditEvent, type UserRow } from "./pages/admin-users";
import { asApp } from "./routes-browse";

export const adminRoutes = new Hono<UiEnv>();

/** A failed GET becomes the page's error: 401 sign-in, 403/404 as they are. */
function expect<T>(result: ApiResult<T>): T {
  if (result.ok) return result.data;
  const code = result.status === 401 ? "unauthorized" : result.status === 403 ? "denied" : result.status === 404 ? "not_found" : "bad_request";
  throw new RegistryError(code, result.message);
}

const errorStatus = (status: number): 400 | 403 | 404 | 409 => (status === 403 ? 403 : status === 404 ? 404 : status === 409 ? 409 : 400);

async function formValues(c: Context<UiEnv>): Promise<FormValues> {
  const form = await c.req.parseBody();
  return Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => typeof e[1] === "string" && e[0] !== "_csrf"));
}

function remoteBody(values: FormValues, editing: boolean): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {
    ...(values.remoteUrl ? { url: values.remoteUrl } : {}),
    ...(values.remoteUsername ? { username: values.remoteUsername } : {}),
    ...(values.remotePassword ? { password: values.remotePassword } : {}),
  };
  for (const key of ["metadataTtlSeconds", "artifactTtlSeconds", "negativeTtlSeconds"] as const) {
    const value = parseOptionalInt(values[key] ?? "", `remote.${key}`);
    if (value !== undefined) body[key] = value;
  }
  return Object.keys(body).length || !editing ? (Object.keys(body).length ? body : undefined) : undefined;
}

// Repositories ---------------------------------------------------------------------------

async function repositoriesPage(c: Context<UiEnv>, values: FormValues, error: string | null, status: 200 | 400 | 403 | 404 | 409 = 200) {
  if (!c.var.ui.user?.instanceAdmin) throw new RegistryError(c.var.ui.user ? "denied" : "unauthorized", "instance admin required");
  const listed = expect(await callApi<{ repositories: RepositoryOutput[] }>(asApp(c), "GET", "/repositories"));
  return c.html(<AdminRepositoriesPage ui={c.var.ui} repositories={listed.repositories} values={values} error={error} />, status);
}

adminRoutes.get("/ui/admin/repositories", (c) => repositoriesPage(c, {}, null));

adminRoutes.post("/ui/admin/repositories", async (c) => {
  const values = await formValues(c);
  let body: Record<string, unknown>;
  try {
    const settings = parseJsonObject(values.settings ?? "", "settings");
    const remote = values.kind === "remote" ? remoteBody(values, false) : undefined;
    const members = values.kind === "virtual" ? parseMembers(values.members ?? "") : undefined;
    body = { name: values.name ?? "", format: values.format ?? "", kind: values.kind ?? "", visibility: values.visibility ?? "private", ...(remote ? { remote } : {}), ...(members ? { members } : {}), ...(settings ? { settings } : {}) };
  } catch (error) {
    if (error instanceof FormError) return repositoriesPage(c, values, error.message, 400);
    throw error;
  }
  const result = await callApi<RepositoryOutput>(asApp(c), "POST", "/repositories", body);
  if (!result.ok) return repositoriesPage(c, values, result.message, errorStatus(result.status));
  return c.redirect(`/ui/admin/repositories/${encodeURIComponent(result.data.name)}?created=1`, 303);
});

async function editPage(c: Context<UiEnv>, values: FormValues | null, error: string | null, notice: string | null, status: 200 | 400 | 403 | 404 | 409 = 200) {
  const name = c.req.param("name") ?? "";
  const repository = expect(await callApi<RepositoryOutput>(asApp(c), "GET", `/repositories/${encodeURIComponent(name)}`));
  // Reading is not enough: the edit form is for this repository's admins (the API's PATCH rule).
  const whoami = expect(await callApi<{ instanceAdmin: boolean }>(asApp(c), "GET", "/whoami"));
  if (!can(c.var.principal, "admin", repository)) throw new RegistryError(c.var.ui.user ? "denied" : "unauthorized", `admin role on repository ${repository.name} required`);
  return c.html(<EditRepositoryPage ui={c.var.ui} repository={repository} values={values ?? repositoryFormValues(repository)} error={error} notice={notice} canDelete={whoami.instanceAdmin} />, status);
}

adminRoutes.get("/ui/admin/repositories/:name", (c) => editPage(c, null, null, c.req.query("created") ? "Repository created." : c.req.query("saved") ? "Saved." : null));

adminRoutes.post("/ui/admin/repositories/:name", async (c) => {
  const name = c.req.param("name");
  const values = await formValues(c);
  const current = expect(await callApi<RepositoryOutput>(asApp(c), "GET", `/repositories/${encodeURIComponent(name)}`));
  let body: Record<string, unknown>;
  try {
    const settings = parseJsonObject(values.settings ?? "", "settings");
    const remote = current.kind === "remote" ? remoteBody(values, true) : undefined;
    // A form without the members field (e.g. a visibility-only post) leaves the members as they are.
    const members = current.kind === "virtual" && values.members !== undefined ? parseMembers(values.members) : undefined;
    body = { ...(values.visibility ? { visibility: values.visibility } : {}), ...(remote ? { remote } : {}), ...(members ? { members } : {}), ...(settings ? { settings } : {}) };
  } catch (error) {
    if (error instanceof FormError) return editPage(c, values, error.message, null, 400);
    throw error;
  }
  const result = await callApi<RepositoryOutput>(asApp(c), "PATCH", `/repositories/${encodeURIComponent(name)}`, body);
  if (!result.ok) {
    if (result.status === 404) expect(result);
    return editPage(c, values, result.message, null, errorStatus(result.status));
  }
  return c.redirect(`/ui/admin/repositories/${encodeURIComponent(name)}?saved=1`, 303);
});

adminRoutes.post("/ui/admin/repositories/:name/delete", async (c) => {
  const name = c.req.param("name");
  const form = await c.req.parseBody();
  // Unknown and unreadable repositories are the same 404; only instance admins get further.
  expect(await callApi<RepositoryOutput>(asApp(c), "GET", `/repositories/${encodeURIComponent(name)}`));
  if (!c.var.ui.user?.instanceAdmin) throw new RegistryError(c.var.ui.user ? "denied" : "unauthorized", "instance admin required");
  if (form.confirm !== "yes") return editPage(c, null, "Tick the box to confirm the deletion.", null, 400);
  const result = await callApi(asApp(c), "DELETE", `/repositories/${encodeURIComponent(name)}`);
  if (!result.ok) {
    if (result.status === 404 || result.status === 401) expect(result);
    return editPage(c, null, result.message, null, errorStatus(result.status));
  }
  return c.redirect("/ui/admin/repositories", 303);
});

// Users and grants ---------------------------------------------------------------------------

async function usersPage(c: Context<UiEnv>, values: Record<string, string>, error: string | null, status: 200 | 400 | 403 | 404 | 409 = 200) {
  const listed = expect(await callApi<{ users: UserRow[] }>(asApp(c), "GET", "/users"));
  return c.html(<UsersPage ui={c.var.ui} users={listed.users} values={values} error={error} />, status);
}

adminRoutes.get("/ui/admin/users", (c) => usersPage(c, {}, null));

adminRoutes.post("/ui/admin/users", async (c) => {
  const values = await formValues(c);
  const body = { name: values.name ?? "", ...(values.email ? { email: values.email } : {}), ...(values.password ? { password: values.password } : {}), admin: values.admin === "true" };
  const result = await callApi<UserRow>(asApp(c), "POST", "/users", body);
  if (!result.ok) return usersPage(c, { name: values.name ?? "", email: values.email ?? "" }, result.message, errorStatus(result.status));
  return c.redirect(`/ui/admin/users/${encodeURIComponent(result.data.name)}?created=1`, 303);
});

async function userPage(c: Context<UiEnv>, error: string | null, notice: string | null, grantsText: string | null = null, status: 200 | 400 | 403 | 404 | 409 = 200) {
  const name = c.req.param("name") ?? "";
  const users = expect(await callApi<{ users: UserRow[] }>(asApp(c), "GET", "/users"));
  const user = users.users.find((u) => u.name === name);
  if (!user) throw new RegistryError("not_found", `user ${name} not found`);
  const grants = expect(await callApi<{ grants: { repository: string; role: string }[] }>(asApp(c), "GET", `/users/${encodeURIComponent(name)}/grants`));
  const text = grantsText ?? grants.grants.map((g) => `${g.repository} ${g.role}`).join("\n");
  return c.html(<UserPage ui={c.var.ui} user={user} grants={text} error={error} notice={notice} />, status);
}

adminRoutes.get("/ui/admin/users/:name", (c) => userPage(c, null, c.req.query("created") ? "User created." : c.req.query("saved") ? "Saved." : null));

adminRoutes.post("/ui/admin/users/:name", async (c) => {
  const name = c.req.param("name");
  const values = await formValues(c);
  const result = await callApi(asApp(c), "PATCH", `/users/${encodeURIComponent(name)}`, { admin: values.admin === "true", disabled: values.disabled === "true" });
  if (!result.ok) return userPage(c, result.message, null, null, errorStatus(result.status));
  return c.redirect(`/ui/admin/users/${encodeURIComponent(name)}?saved=1`, 303);
});

adminRoutes.post("/ui/admin/users/:name/grants", async (c) => {
  const name = c.req.param("name");
  const values = await formValues(c);
  let grants: { repository: string; role: string }[];
  try {
    grants = parseGrants(values.grants ?? "");
  } catch (error) {
    if (error instanceof FormError) return userPage(c, error.message, null, values.grants ?? "", 400);
    throw error;
  }
  const result = await callApi(asApp(c), "PUT", `/users/${encodeURIComponent(name)}/grants`, { grants });
  if (!result.ok) return userPage(c, result.message, null, values.grants ?? "", errorStatus(result.status));
  return c.redirect(`/ui/admin/users/${encodeURIComponent(name)}?saved=1`, 303);
});

adminRoutes.post("/ui/admin/users/:name/password", async (c) => {
  const name = c.req.param("name");
  const values = await formValues(c);
  const result = await callApi(asApp(c), "PUT", `/users/${encodeURIComponent(name)}/password`, { password: values.password ?? "" });
  if (!result.ok) return userPage(c, result.message, null, null, errorStatus(result.status));
  return c.redirect(`/ui/admin/users/${encodeURIComponent(name)}?saved=1`, 303);
});

// Audit -----------------------------------------------------------------------------------

adminRoutes.get("/ui/admin/audit", async (c) => {
  const filters = { repository: (c.req.query("repository") ?? "").slice(0, 64), action: (c.req.query("action") ?? "").slice(0, 64) };
  const before = c.req.query("before") ?? "";
  const query = new URLSearchParams({ ...(filters.repository ? { repository: filters.repository } : {}), ...(filters.action ? { action: filters.action } : {}), ...(/^\d+$/.test(before) ? { before } : {}), limit: "100" });
  const result = expect(await callApi<{ events: AuditEvent[] }>(asApp(c), "GET", `/audit?${query.toString()}`));
  return c.html(<AuditPage ui={c.var.ui} events={result.events} filters={filters} error={null} />);
});
