/**
 * The Debian rows of the access matrix: pool download, the public key, upload and delete (to
 * a virtual's deploy member), and rotating a signing key through the API (hosted and virtual
 * repositories have keys; remote ones pass the upstream's signatures through: 400).
 */
import { debPackage } from "../../helpers/debian-packages";
import type { Outcome, RepoFixture, RouteRow } from "./table";

const ok = (status: number, includes?: string): Outcome => ({ status, ...(includes ? { includes } : {}) });
const byKind = (hosted: Outcome, remote: Outcome, virtual: Outcome = hosted) => (repo: RepoFixture): Outcome =>
  repo.kind === "hosted" ? hosted : repo.kind === "remote" ? remote : virtual;
const read = { format: "debian" as const, perRepository: true, need: "read" as const };
const writes = { format: "debian" as const, perRepository: true, need: "write" as const, anonymousChallenge: "writes" as const, viaDeployMember: true };

export const debianRows: RouteRow[] = [
  { id: "debian download", covers: "debian:read", ...read, request: ({ repo }) => ({ method: "GET", path: `/debian/${repo.name}/pool/stable/main/mx-seed_1.0_amd64.deb` }), allowed: () => ok(200) },
  { id: "debian key", covers: "debian:key", ...read, request: ({ repo }) => ({ method: "GET", path: `/debian/${repo.name}/repository.key` }), allowed: () => ok(200, "BEGIN PGP PUBLIC KEY BLOCK") },
  {
    id: "debian upload", covers: "debian:write", ...writes,
    request: ({ repo, p }) => ({ method: "PUT", path: `/debian/${repo.name}/pool/stable/main/upload`, body: debPackage({ name: `${repo.name}-p${p}`, version: "1.0" }) }),
    allowed: byKind(ok(201), ok(405)),
  },
  {
    id: "debian delete", covers: "debian:delete", ...writes,
    request: ({ repo, p }) => ({ method: "DELETE", path: `/debian/${repo.name}/pool/stable/main/${repo.name}-p${p}/1.0/amd64` }),
    allowed: byKind(ok(204), ok(405)),
  },
  {
    id: "debian index status", covers: "GET /repositories/{name}/indexes", format: "debian", perRepository: true, need: "read",
    request: ({ repo }) => ({ method: "GET", path: `/api/v1/repositories/${repo.name}/indexes` }),
    allowed: byKind(ok(200, '"builds"'), ok(200, '"indexes":[]')),
  },
  {
    id: "rotate debian signing key", covers: "POST /repositories/{name}/signing-key/rotate", format: "debian", perRepository: true, need: "admin",
    request: ({ repo }) => ({ method: "POST", path: `/api/v1/repositories/${repo.name}/signing-key/rotate` }),
    allowed: byKind(ok(200, "openpgp"), ok(400, "upstream")),
  },
];
