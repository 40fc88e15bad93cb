/**
 * THE access matrix (docs/auth.md), one table like Gitea's: who (principal rows) may do
 * what (route rows) to which repository (fixtures: every format × visibility × kind, plus a
 * missing one). expected.ts turns a row pair into the status; matrix.test.ts runs every cell
 * and fails for any API route in the OpenAPI document or any format in src/formats without
 * rows here. A new format adds its read/write/delete rows (and fixtures.ts seeds) here.
 */
import type { Role } from "../../../src/auth/principal";
import { publishBodyFor } from "../cargo-fixtures";
import { buildGem } from "../rubygems-fixtures";
import { moduleZip } from "../../helpers/go-modules";
import { composerSeedZip, packageZip } from "../../helpers/composer-packages";
import { chartArchive } from "../../helpers/helm-charts";
import { debianRows } from "./debian-rows";
import { twineFields, uploadBody, wheel } from "../pypi-fixtures";
import { nugetRows } from "./nuget-rows";
import { alpineRows } from "./alpine-rows";
import { ociRows } from "./oci-rows";
import { rpmRows } from "./rpm-rows";
import { uiRows } from "./ui-rows";

export const FORMATS = ["generic", "maven", "npm", "pypi", "cargo", "go", "helm", "oci", "composer", "rubygems", "nuget", "debian", "rpm", "alpine"] as const;
export type Format = (typeof FORMATS)[number];
export type Kind = "hosted" | "remote" | "virtual";
export type Visibility = "public" | "private";

export interface RepoFixture {
  name: string;
  format: Format;
  visibility: Visibility;
  kind: Kind;
  /** False for the never-created repository every hidden answer is compared with. */
  exists: boolean;
  /** Virtual repositories: the hosted member that takes writes. */
  deployMember?: string;
}

const short = { public: "pub", private: "priv" } as const;
export const repoName = (format: Format, visibility: Visibility, kind: Kind): string => `mx-${format}-${short[visibility]}-${kind}`;

export const fixtures: RepoFixture[] = FORMATS.flatMap((format) => [
  { name: `mx-${format}-missing`, format, visibility: "private" as const, kind: "hosted" as const, exists: false },
  ...(["public", "private"] as const).flatMap((visibility) =>
    (["hosted", "remote", "virtual"] as const).map((kind) => ({
      name: repoName(format, visibility, kind),
      format,
      visibility,
      kind,
      exists: true,
      ...(kind === "virtual" ? { deployMember: repoName(format, visibility, "hosted") } : {}),
    })),
  ),
]);

// ---------------------------------------------------------------------------------------
// Principals: how each is made (fixtures.ts) and the role it holds on a repository name.

export type CredentialSpec =
  | { kind: "anonymous" }
  | { kind: "admin-token" }
  | { kind: "token"; scopes: Role[]; repositories?: string[]; user?: string }
  | { kind: "password"; user: string };

export interface UserSpec {
  name: string;
  admin?: boolean;
  password?: string;
  grants?: { repository: string; role: Role }[];
  disabled?: boolean;
}

export interface PrincipalRow {
  id: string;
  credential: CredentialSpec;
  /** Role held on a repository by name, visibility aside (public repositories are readable by all). */
  role: (repo: string) => Role | null;
  instanceAdmin?: boolean;
  /** Its credentials are refused (401) on every route. */
  rejected?: boolean;
}

const privateHosted = FORMATS.map((f) => repoName(f, "private", "hosted"));

export const users: UserSpec[] = [
  { name: "mx-root", admin: true, password: "mx-root-password-1" },
  { name: "mx-repoadmin", grants: [{ repository: "mx-*-hosted", role: "admin" }] },
  { name: "mx-team", grants: [{ repository: "mx-*-priv-*", role: "write" }] },
  { name: "mx-pass", password: "mx-pass-password-1", grants: [{ repository: "mx-generic-*", role: "read" }, { repository: "mx-npm-pub-hosted", role: "write" }] },
  { name: "mx-gone", grants: [{ repository: "*", role: "admin" }], disabled: true },
];

export const principals: PrincipalRow[] = [
  { id: "anonymous", credential: { kind: "anonymous" }, role: () => null },
  { id: "ADMIN_TOKEN", credential: { kind: "admin-token" }, role: () => "admin", instanceAdmin: true },
  { id: "admin-user password", credential: { kind: "password", user: "mx-root" }, role: () => "admin", instanceAdmin: true },
  { id: "read token", credential: { kind: "token", scopes: ["read"] }, role: () => "read" },
  { id: "write token", credential: { kind: "token", scopes: ["write"] }, role: () => "write" },
  {
    id: "repo-limited admin token",
    credential: { kind: "token", scopes: ["read", "write", "admin"], repositories: privateHosted },
    role: (repo) => (privateHosted.includes(repo) ? "admin" : null),
  },
  { id: "repo-admin user token", credential: { kind: "token", scopes: ["admin"], user: "mx-repoadmin" }, role: (repo) => (repo.endsWith("-hosted") ? "admin" : null) },
  { id: "pattern-grant user token", credential: { kind: "token", scopes: ["write"], user: "mx-team" }, role: (repo) => (repo.includes("-priv-") ? "write" : null) },
  { id: "read token of a writer", credential: { kind: "token", scopes: ["read"], user: "mx-team" }, role: (repo) => (repo.includes("-priv-") ? "read" : null) },
  {
    id: "password user",
    credential: { kind: "password", user: "mx-pass" },
    role: (repo) => (repo === "mx-npm-pub-hosted" ? "write" : repo.startsWith("mx-generic-") ? "read" : null),
  },
  { id: "disabled user token", credential: { kind: "token", scopes: ["admin"], user: "mx-gone" }, role: () => null, rejected: true },
];

// ---------------------------------------------------------------------------------------
// Routes: every API operation and each format's read/write/delete.

export interface CellRequest {
  method: string;
  path: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface CellContext {
  repo: RepoFixture;
  /** Index of the principal, to keep what each cell creates apart. */
  p: number;
  /** Prepares something the cell acts on (e.g. a token to revoke); returns its id. */
  throwawayToken: () => Promise<number>;
}

/** What an allowed caller gets: a status, and optionally text the body must contain. */
export interface Outcome {
  status: number;
  includes?: string;
}

export type Need = Role | "instance admin" | "authenticated" | "nobody";

export interface RouteRow {
  id: string;
  /** API rows: the OpenAPI operation, e.g. `GET /repositories/{name}`; format rows: `format:op`. */
  covers: string;
  /** Repository routes run against every fixture of this format (all formats when unset). */
  perRepository: boolean;
  format?: Format;
  need: Need;
  /** Format writes: anonymous gets the 401 challenge even for hidden/missing repositories. */
  anonymousChallenge?: "writes" | "always";
  /** Virtual repositories: also needs `write` on the deploy member. */
  viaDeployMember?: boolean;
  /** A caller that is not allowed gets this instead of 403 (e.g. someone else's token: 404). */
  deniedStatus?: number;
  request: (ctx: CellContext) => Promise<CellRequest> | CellRequest;
  allowed: (repo: RepoFixture) => Outcome;
}

const json = (method: string, path: string, body?: unknown): CellRequest => ({
  method,
  path,
  ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
});
const api = (path: string) => `/api/v1${path}`;
const byKind = (hosted: Outcome, remote: Outcome, virtual: Outcome = hosted) => (repo: RepoFixture): Outcome =>
  repo.kind === "hosted" ? hosted : repo.kind === "remote" ? remote : virtual;
const ok = (status: number): Outcome => ({ status });
const remoteOnly = (status: number) => byKind({ status: 400, includes: "not a remote repository" }, ok(status));
const packageMissing: Outcome = { status: 404, includes: "package" };
/** The API treats every format alike: its repository rows run on the generic fixtures (7, not 21). */
const onGeneric = { format: "generic" as const };
/** The package fixtures.ts seeds in every hosted repository (and serves from every upstream). */
export const seedPackage: Record<Format, { api: string; version: string }> = {
  generic: { api: "seed", version: "1.0" },
  maven: { api: "org.mx:seed", version: "1.0" },
  npm: { api: "mx-seed", version: "1.0.0" },
  pypi: { api: "mx-seed", version: "1.0" },
  cargo: { api: "mx-seed", version: "1.0.0" },
  go: { api: "mx.test/seed", version: "v1.0.0" },
  helm: { api: "mx-seed", version: "1.0.0" },
  oci: { api: "mx-seed", version: "1.0" },
  composer: { api: "mx/seed", version: "1.0.0" },
  rubygems: { api: "mx-seed", version: "1.0.0" },
  nuget: { api: "mx-seed", version: "1.0.0" },
  debian: { api: "mx-seed", version: "1.0" },
  rpm: { api: "mx-seed", version: "1.0-1" },
  alpine: { api: "mx-seed", version: "1.0-r0" },
};

export const routes: RouteRow[] = [
  // --- management API, per repository -------------------------------------------------
  { id: "read repository", covers: "GET /repositories/{name}", perRepository: true, ...onGeneric, need: "read", request: ({ repo }) => json("GET", api(`/repositories/${repo.name}`)), allowed: () => ok(200) },
  { id: "change repository", covers: "PATCH /repositories/{name}", perRepository: true, ...onGeneric, need: "admin", request: ({ repo }) => json("PATCH", api(`/repositories/${repo.name}`), {}), allowed: () => ok(200) },
  {
    id: "delete repository", covers: "DELETE /repositories/{name}", perRepository: true, ...onGeneric, need: "instance admin",
    request: ({ repo }) => json("DELETE", api(`/repositories/${repo.name}`)),
    // Hosted and remote fixtures are members of a virtual (409); virtuals are deleted and re-created.
    allowed: byKind({ status: 409, includes: "member of virtual" }, { status: 409, includes: "member of virtual" }, ok(204)),
  },
  { id: "list packages", covers: "GET /repositories/{name}/packages", perRepository: true, ...onGeneric, need: "read", request: ({ repo }) => json("GET", api(`/repositories/${repo.name}/packages`)), allowed: () => ok(200) },
  {
    id: "list versions", covers: "GET /repositories/{name}/packages/{package}/versions", perRepository: true, ...onGeneric, need: "read",
    request: ({ repo }) => json("GET", api(`/repositories/${repo.name}/packages/${encodeURIComponent(seedPackage[repo.format].api)}/versions`)),
    allowed: byKind(ok(200), packageMissing, packageMissing),
  },
  {
    id: "list files", covers: "GET /repositories/{name}/packages/{package}/versions/{version}/files", perRepository: true, ...onGeneric, need: "read",
    request: ({ repo }) => json("GET", api(`/repositories/${repo.name}/packages/${encodeURIComponent(seedPackage[repo.format].api)}/versions/${seedPackage[repo.format].version}/files`)),
    allowed: byKind(ok(200), packageMissing, packageMissing),
  },
  { id: "delete package", covers: "DELETE /repositories/{name}/packages/{package}", perRepository: true, ...onGeneric, need: "write", request: ({ repo }) => json("DELETE", api(`/repositories/${repo.name}/packages/no-such-package`)), allowed: () => packageMissing },
  { id: "delete version", covers: "DELETE /repositories/{name}/packages/{package}/versions/{version}", perRepository: true, ...onGeneric, need: "write", request: ({ repo }) => json("DELETE", api(`/repositories/${repo.name}/packages/no-such-package/versions/1`)), allowed: () => packageMissing },
  { id: "delete file", covers: "DELETE /repositories/{name}/packages/{package}/versions/{version}/files/{fileId}", perRepository: true, ...onGeneric, need: "write", request: ({ repo }) => json("DELETE", api(`/repositories/${repo.name}/packages/no-such-package/versions/1/files/1`)), allowed: () => packageMissing },
  { id: "list cache", covers: "GET /repositories/{name}/cache", perRepository: true, ...onGeneric, need: "admin", request: ({ repo }) => json("GET", api(`/repositories/${repo.name}/cache`)), allowed: remoteOnly(200) },
  { id: "purge cache", covers: "DELETE /repositories/{name}/cache", perRepository: true, ...onGeneric, need: "admin", request: ({ repo }) => json("DELETE", api(`/repositories/${repo.name}/cache?path=nothing-cached-here`)), allowed: remoteOnly(200) },
  { id: "test upstream", covers: "POST /repositories/{name}/test-upstream", perRepository: true, ...onGeneric, need: "admin", request: ({ repo }) => json("POST", api(`/repositories/${repo.name}/test-upstream`)), allowed: remoteOnly(200) },
  { id: "run cleanup", covers: "POST /repositories/{name}/cleanup", perRepository: true, ...onGeneric, need: "admin", request: ({ repo }) => json("POST", api(`/repositories/${repo.name}/cleanup`)), allowed: () => ok(200) },
  // Signing keys (docs/signing.md): generic repositories are not signed, so the list is empty and rotation a 400.
  { id: "list signing keys", covers: "GET /repositories/{name}/signing-key", perRepository: true, ...onGeneric, need: "read", request: ({ repo }) => json("GET", api(`/repositories/${repo.name}/signing-key`)), allowed: () => ({ status: 200, includes: '"keys":[]' }) },
  { id: "rotate signing key", covers: "POST /repositories/{name}/signing-key/rotate", perRepository: true, ...onGeneric, need: "admin", request: ({ repo }) => json("POST", api(`/repositories/${repo.name}/signing-key/rotate`)), allowed: () => ({ status: 400, includes: "nothing to rotate" }) },

  // Index build status (src/api/index-status.ts): generic hosted repositories build `index.json`; remote and virtual ones none.
  { id: "index status", covers: "GET /repositories/{name}/indexes", perRepository: true, ...onGeneric, need: "read", request: ({ repo }) => json("GET", api(`/repositories/${repo.name}/indexes`)), allowed: byKind({ status: 200, includes: '"index.json"' }, { status: 200, includes: '"indexes":[]' }, { status: 200, includes: '"indexes":[]' }) },

  // --- management API, instance-wide ---------------------------------------------------
  { id: "list repositories", covers: "GET /repositories", perRepository: false, need: "nobody", request: () => json("GET", api("/repositories")), allowed: () => ok(200) },
  { id: "create repository", covers: "POST /repositories", perRepository: false, need: "instance admin", request: ({ p }) => json("POST", api("/repositories"), { name: `mx-created-${p}`, format: "generic", kind: "hosted" }), allowed: () => ok(201) },
  { id: "list tokens", covers: "GET /tokens", perRepository: false, need: "authenticated", request: () => json("GET", api("/tokens")), allowed: () => ok(200) },
  { id: "create token", covers: "POST /tokens", perRepository: false, need: "authenticated", request: () => json("POST", api("/tokens"), { name: "mx-child", scopes: ["read"] }), allowed: () => ok(201) },
  {
    id: "revoke another's token", covers: "DELETE /tokens/{id}", perRepository: false, need: "instance admin", deniedStatus: 404,
    request: async ({ throwawayToken }) => json("DELETE", api(`/tokens/${await throwawayToken()}`)),
    allowed: () => ok(204),
  },
  { id: "list users", covers: "GET /users", perRepository: false, need: "instance admin", request: () => json("GET", api("/users")), allowed: () => ok(200) },
  { id: "create user", covers: "POST /users", perRepository: false, need: "instance admin", request: ({ p }) => json("POST", api("/users"), { name: `mx-new-${p}`, password: "mx-new-user-password" }), allowed: () => ok(201) },
  { id: "change user", covers: "PATCH /users/{name}", perRepository: false, need: "instance admin", request: () => json("PATCH", api("/users/mx-team"), {}), allowed: () => ok(200) },
  { id: "set password", covers: "PUT /users/{name}/password", perRepository: false, need: "instance admin", request: () => json("PUT", api("/users/mx-repoadmin/password"), { password: "mx-reset-password-1" }), allowed: () => ok(204) },
  { id: "list grants", covers: "GET /users/{name}/grants", perRepository: false, need: "instance admin", request: () => json("GET", api("/users/mx-team/grants")), allowed: () => ok(200) },
  {
    id: "replace grants", covers: "PUT /users/{name}/grants", perRepository: false, need: "instance admin",
    request: () => json("PUT", api("/users/mx-team/grants"), { grants: [{ repository: "mx-*-priv-*", role: "write" }] }),
    allowed: () => ok(200),
  },
  { id: "audit log", covers: "GET /audit", perRepository: false, need: "instance admin", request: () => json("GET", api("/audit?limit=5")), allowed: () => ok(200) },
  { id: "whoami", covers: "GET /whoami", perRepository: false, need: "nobody", request: () => json("GET", api("/whoami")), allowed: () => ok(200) },
  { id: "OpenAPI document", covers: "GET /openapi.json", perRepository: false, need: "nobody", request: () => json("GET", api("/openapi.json")), allowed: () => ok(200) },

  // --- generic -------------------------------------------------------------------------
  { id: "generic download", covers: "generic:read", format: "generic", perRepository: true, need: "read", request: ({ repo }) => ({ method: "GET", path: `/generic/${repo.name}/seed/1.0/seed.txt` }), allowed: () => ok(200) },
  {
    id: "generic upload", covers: "generic:write", format: "generic", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "PUT", path: `/generic/${repo.name}/cell/1.0/${repo.name}-p${p}.txt`, body: "cell" }),
    allowed: byKind(ok(201), ok(405)),
  },
  {
    id: "generic delete", covers: "generic:delete", format: "generic", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "DELETE", path: `/generic/${repo.name}/cell/1.0/${repo.name}-p${p}.txt` }),
    allowed: byKind(ok(204), ok(405)),
  },

  // The repository listing is built from hosted content only: remote and virtual repositories have none.
  { id: "generic index", covers: "generic:index", format: "generic", perRepository: true, need: "read", request: ({ repo }) => ({ method: "GET", path: `/generic/${repo.name}/-/index.json` }), allowed: byKind(ok(200), ok(404), ok(404)) },

  // --- maven (clients send credentials only after a challenge: anonymous always gets one) --
  { id: "maven download", covers: "maven:read", format: "maven", perRepository: true, need: "read", anonymousChallenge: "always", request: ({ repo }) => ({ method: "GET", path: `/maven/${repo.name}/org/mx/seed/1.0/seed-1.0.pom` }), allowed: () => ok(200) },
  {
    id: "maven deploy", covers: "maven:write", format: "maven", perRepository: true, need: "write", anonymousChallenge: "always", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "PUT", path: `/maven/${repo.name}/org/mx/${repo.name}-p${p}/1.0/${repo.name}-p${p}-1.0.pom`, body: "<project/>" }),
    allowed: byKind(ok(201), ok(405)),
  },
  // Maven has no delete on the wire: the same 405 for everyone, existing repository or not.
  { id: "maven delete", covers: "maven:delete", format: "maven", perRepository: true, need: "nobody", request: ({ repo }) => ({ method: "DELETE", path: `/maven/${repo.name}/org/mx/seed/1.0/seed-1.0.pom` }), allowed: () => ok(405) },

  // --- npm ----------------------------------------------------------------------------
  { id: "npm packument", covers: "npm:read", format: "npm", perRepository: true, need: "read", request: ({ repo }) => ({ method: "GET", path: `/npm/${repo.name}/mx-seed` }), allowed: () => ok(200) },
  { id: "npm ping", covers: "npm:ping", format: "npm", perRepository: true, need: "read", request: ({ repo }) => ({ method: "GET", path: `/npm/${repo.name}/-/ping` }), allowed: () => ok(200) },
  { id: "npm search", covers: "npm:search", format: "npm", perRepository: true, need: "read", request: ({ repo }) => ({ method: "GET", path: `/npm/${repo.name}/-/v1/search?text=mx` }), allowed: () => ok(200) },
  {
    id: "npm publish", covers: "npm:write", format: "npm", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => npmPublish(repo.name, `${repo.name}-p${p}`),
    allowed: byKind(ok(201), ok(405)),
  },
  {
    id: "npm dist-tag rm", covers: "npm:delete", format: "npm", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "DELETE", path: `/npm/${repo.name}/-/package/${repo.name}-p${p}/dist-tags/beta` }),
    allowed: byKind(ok(200), ok(405)),
  },
  // --- pypi (pip and twine send credentials up front; no delete on the wire: yank is the removal) --
  { id: "pypi project page", covers: "pypi:read", format: "pypi", perRepository: true, need: "read", request: ({ repo }) => ({ method: "GET", path: `/pypi/${repo.name}/simple/mx-seed/` }), allowed: () => ok(200) },
  { id: "pypi project list", covers: "pypi:list", format: "pypi", perRepository: true, need: "read", request: ({ repo }) => ({ method: "GET", path: `/pypi/${repo.name}/simple/` }), allowed: () => ok(200) },
  {
    id: "pypi upload", covers: "pypi:write", format: "pypi", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => pypiUpload(repo.name, `${repo.name}-p${p}`),
    allowed: byKind(ok(200), ok(405)),
  },
  {
    id: "pypi yank", covers: "pypi:delete", format: "pypi", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo }) => ({ method: "PUT", path: `/pypi/${repo.name}/-/yank/mx-seed/1.0` }),
    allowed: byKind(ok(200), ok(405)),
  },
  // --- cargo (cargo retries a read with its token after a 401: anonymous always gets the challenge) --
  { id: "cargo index file", covers: "cargo:read", format: "cargo", perRepository: true, need: "read", anonymousChallenge: "always", request: ({ repo }) => ({ method: "GET", path: `/cargo/${repo.name}/index/mx/-s/mx-seed` }), allowed: () => ok(200) },
  { id: "cargo config.json", covers: "cargo:config", format: "cargo", perRepository: true, need: "read", anonymousChallenge: "always", request: ({ repo }) => ({ method: "GET", path: `/cargo/${repo.name}/index/config.json` }), allowed: () => ok(200) },
  {
    id: "cargo download", covers: "cargo:download", format: "cargo", perRepository: true, need: "read", anonymousChallenge: "always",
    // The hosted seed is 1.0.0, the upstream's 0.9.0.
    request: ({ repo }) => ({ method: "GET", path: `/cargo/${repo.name}/api/v1/crates/mx-seed/${repo.kind === "remote" ? "0.9.0" : "1.0.0"}/download` }),
    allowed: () => ok(200),
  },
  { id: "cargo search", covers: "cargo:search", format: "cargo", perRepository: true, need: "read", anonymousChallenge: "always", request: ({ repo }) => ({ method: "GET", path: `/cargo/${repo.name}/api/v1/crates?q=mx` }), allowed: () => ok(200) },
  { id: "cargo owners", covers: "cargo:owners", format: "cargo", perRepository: true, need: "read", anonymousChallenge: "always", request: ({ repo }) => ({ method: "GET", path: `/cargo/${repo.name}/api/v1/crates/mx-seed/owners` }), allowed: () => ok(200) },
  {
    id: "cargo publish", covers: "cargo:write", format: "cargo", perRepository: true, need: "write", anonymousChallenge: "always", viaDeployMember: true,
    request: ({ repo, p }) => cargoPublish(repo.name, `${repo.name}-p${p}`),
    allowed: byKind(ok(200), ok(405)),
  },
  {
    id: "cargo yank", covers: "cargo:delete", format: "cargo", perRepository: true, need: "write", anonymousChallenge: "always", viaDeployMember: true,
    request: ({ repo }) => ({ method: "DELETE", path: `/cargo/${repo.name}/api/v1/crates/mx-seed/1.0.0/yank` }),
    allowed: byKind(ok(200), ok(405)),
  },
  {
    id: "cargo unyank", covers: "cargo:unyank", format: "cargo", perRepository: true, need: "write", anonymousChallenge: "always", viaDeployMember: true,
    request: ({ repo }) => ({ method: "PUT", path: `/cargo/${repo.name}/api/v1/crates/mx-seed/1.0.0/unyank` }),
    allowed: byKind(ok(200), ok(405)),
  },
  // --- go (the go command sends credentials from .netrc up front; DELETE removes a hosted version) --
  { id: "go version list", covers: "go:read", format: "go", perRepository: true, need: "read", request: ({ repo }) => ({ method: "GET", path: `/go/${repo.name}/mx.test/seed/@v/list` }), allowed: () => ok(200) },
  {
    id: "go upload", covers: "go:write", format: "go", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "PUT", path: `/go/${repo.name}/upload`, body: moduleZip(`mx.test/${repo.name}-p${p}`, "v1.0.0") }),
    allowed: byKind(ok(201), ok(405)),
  },
  {
    id: "go delete", covers: "go:delete", format: "go", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "DELETE", path: `/go/${repo.name}/mx.test/${repo.name}-p${p}/@v/v1.0.0.zip` }),
    allowed: byKind(ok(204), ok(405)),
  },
  // --- helm (helm sends --username/--password up front; ChartMuseum's upload and delete) --
  { id: "helm index", covers: "helm:read", format: "helm", perRepository: true, need: "read", request: ({ repo }) => ({ method: "GET", path: `/helm/${repo.name}/index.yaml` }), allowed: () => ok(200) },
  {
    id: "helm upload", covers: "helm:write", format: "helm", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "POST", path: `/helm/${repo.name}/api/charts`, body: chartArchive(`${repo.name}-p${p}`, "1.0.0") }),
    allowed: byKind(ok(201), ok(405)),
  },
  {
    id: "helm delete", covers: "helm:delete", format: "helm", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "DELETE", path: `/helm/${repo.name}/api/charts/${repo.name}-p${p}/1.0.0` }),
    allowed: byKind(ok(200), ok(405)),
  },
  // --- composer (Composer sends auth.json's http-basic up front, and asks after a 401: anonymous always gets the challenge) --
  { id: "composer packages.json", covers: "composer:root", format: "composer", perRepository: true, need: "read", anonymousChallenge: "always", request: ({ repo }) => ({ method: "GET", path: `/composer/${repo.name}/packages.json` }), allowed: () => ok(200) },
  { id: "composer p2", covers: "composer:read", format: "composer", perRepository: true, need: "read", anonymousChallenge: "always", request: ({ repo }) => ({ method: "GET", path: `/composer/${repo.name}/p2/mx/seed.json` }), allowed: () => ok(200) },
  {
    id: "composer dist", covers: "composer:download", format: "composer", perRepository: true, need: "read", anonymousChallenge: "always",
    // The hosted seed is 1.0.0 (its reference is the zip's sha1; the virtual shields the upstream's), the upstream's 0.9.0.
    request: async ({ repo }) => ({ method: "GET", path: `/composer/${repo.name}/dists/mx/seed/${repo.kind === "remote" ? "0.9.0/seedref" : `1.0.0/${await composerSeedSha1()}`}.zip` }),
    allowed: () => ok(200),
  },
  { id: "composer search", covers: "composer:search", format: "composer", perRepository: true, need: "read", anonymousChallenge: "always", request: ({ repo }) => ({ method: "GET", path: `/composer/${repo.name}/search.json?q=mx` }), allowed: () => ok(200) },
  { id: "composer list", covers: "composer:list", format: "composer", perRepository: true, need: "read", anonymousChallenge: "always", request: ({ repo }) => ({ method: "GET", path: `/composer/${repo.name}/list.json` }), allowed: () => ok(200) },
  {
    id: "composer upload", covers: "composer:write", format: "composer", perRepository: true, need: "write", anonymousChallenge: "always", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "PUT", path: `/composer/${repo.name}?version=1.0.0`, body: packageZip(`mx/${repo.name}-p${p}`) }),
    allowed: byKind(ok(201), ok(405)),
  },
  {
    id: "composer delete", covers: "composer:delete", format: "composer", perRepository: true, need: "write", anonymousChallenge: "always", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "DELETE", path: `/composer/${repo.name}/packages/mx/${repo.name}-p${p}/1.0.0` }),
    allowed: byKind(ok(204), ok(405)),
  },
  // --- rubygems (Bundler and gem retry with credentials after a 401: anonymous always gets the challenge) --
  ...(
    [
      ["rubygems info", "rubygems:read", "info/mx-seed"],
      ["rubygems versions", "rubygems:versions", "versions"],
      ["rubygems names", "rubygems:names", "names"],
      ["rubygems specs", "rubygems:specs", "specs.4.8.gz"],
      ["rubygems source root", "rubygems:root", ""],
    ] as const
  ).map(([id, covers, path]): RouteRow => ({ id, covers, format: "rubygems", perRepository: true, need: "read", anonymousChallenge: "always", request: ({ repo }) => ({ method: "GET", path: `/rubygems/${repo.name}/${path}` }), allowed: () => ok(200) })),
  {
    id: "rubygems download", covers: "rubygems:download", format: "rubygems", perRepository: true, need: "read", anonymousChallenge: "always",
    // The hosted seed is 1.0.0, the upstream's 0.9.0.
    request: ({ repo }) => ({ method: "GET", path: `/rubygems/${repo.name}/gems/mx-seed-${repo.kind === "remote" ? "0.9.0" : "1.0.0"}.gem` }),
    allowed: () => ok(200),
  },
  {
    id: "rubygems quick spec", covers: "rubygems:quick", format: "rubygems", perRepository: true, need: "read", anonymousChallenge: "always",
    request: ({ repo }) => ({ method: "GET", path: `/rubygems/${repo.name}/quick/Marshal.4.8/mx-seed-${repo.kind === "remote" ? "0.9.0" : "1.0.0"}.gemspec.rz` }),
    allowed: () => ok(200),
  },
  {
    id: "rubygems push", covers: "rubygems:write", format: "rubygems", perRepository: true, need: "write", anonymousChallenge: "always", viaDeployMember: true,
    request: async ({ repo, p }) => ({ method: "POST", path: `/rubygems/${repo.name}/api/v1/gems`, body: await buildGem(`${repo.name}-p${p}`, "1.0.0") }),
    allowed: byKind(ok(200), ok(405)),
  },
  {
    id: "rubygems yank", covers: "rubygems:delete", format: "rubygems", perRepository: true, need: "write", anonymousChallenge: "always", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "DELETE", path: `/rubygems/${repo.name}/api/v1/gems/yank`, body: `gem_name=${repo.name}-p${p}&version=1.0.0`, headers: { "Content-Type": "application/x-www-form-urlencoded" } }),
    allowed: byKind(ok(200), ok(405)),
  },
  // --- Web UI (ui-rows.ts) --------------------------------------------------------------
  ...uiRows,
  ...ociRows,
  ...nugetRows,
  ...debianRows,
  ...rpmRows,
  ...alpineRows,
];

/** The sha1 of the composer seed zip (fixtures.ts uploads it): its hosted dist reference. */
async function composerSeedSha1(): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", composerSeedZip());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The body `cargo publish` sends for `name` 1.0.0. */
export async function cargoPublish(repo: string, name: string): Promise<CellRequest> {
  const { body } = await publishBodyFor(name, "1.0.0");
  return { method: "PUT", path: `/cargo/${repo}/api/v1/crates/new`, body };
}

/** The multipart body twine sends for a one-file wheel of `name` 1.0. */
export async function pypiUpload(repo: string, name: string): Promise<CellRequest> {
  const filename = `${name.replaceAll("-", "_")}-1.0-py3-none-any.whl`;
  const content = wheel(name, "1.0");
  const { body, contentType } = uploadBody(await twineFields(name, "1.0", filename, content), { filename, content });
  return { method: "POST", path: `/pypi/${repo}/`, body, headers: { "Content-Type": contentType } };
}

/** A minimal `npm publish` body: version 1.0.0 tagged `beta` (and so `latest`). */
export async function npmPublish(repo: string, name: string): Promise<CellRequest> {
  const tarball = new TextEncoder().encode(`tarball of ${name}`);
  const sha512 = new Uint8Array(await crypto.subtle.digest("SHA-512", tarball));
  const sha1 = [...new Uint8Array(await crypto.subtle.digest("SHA-1", tarball))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const file = `${name}-1.0.0.tgz`;
  const manifest = { name, version: "1.0.0", _id: `${name}@1.0.0`, dist: { integrity: `sha512-${btoa(String.fromCharCode(...sha512))}`, shasum: sha1, tarball: `http://registry.test/npm/${repo}/${name}/-/${file}` } };
  const body = { _id: name, name, "dist-tags": { beta: "1.0.0" }, versions: { "1.0.0": manifest }, _attachments: { [file]: { content_type: "application/octet-stream", data: btoa(String.fromCharCode(...tarball)), length: tarball.length } } };
  return { method: "PUT", path: `/npm/${repo}/${name}`, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
}
