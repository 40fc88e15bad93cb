/**
 * The RPM rows of the access matrix: package download, the public key, the .repo file, upload
 * and delete (to a virtual's deploy member), and rotating the signing key through the API
 * (hosted and virtual repositories have keys; remote ones pass the upstream's signatures through: 400).
 */
import { buildRpm } from "../../helpers/rpm-packages";
import type { Outcome, RepoFixture, RouteRow } from "./table";

const ok = (status: number, includes?: string): Outcome => ({ status, ...(includes ? { includes } : {}) });
const byKind = (hosted: Outcome, remote: Outcome, virtual: Outcome = hosted) => (repo: RepoFixture): Outcome =>
  repo.kind === "hosted" ? hosted : repo.kind === "remote" ? remote : virtual;
const read = { format: "rpm" as const, perRepository: true, need: "read" as const };
const writes = { format: "rpm" as const, perRepository: true, need: "write" as const, anonymousChallenge: "writes" as const, viaDeployMember: true };

/** The seed package (fixtures.ts uploads it to every hosted repository, and the fake upstream serves it). */
export const rpmSeed = () => buildRpm({ name: "mx-seed", version: "1.0", release: "1" });
export const RPM_SEED_PATH = "el9/package/mx-seed/mx-seed-1.0-1.x86_64.rpm";

export const rpmRows: RouteRow[] = [
  { id: "rpm download", covers: "rpm:read", ...read, request: ({ repo }) => ({ method: "GET", path: `/rpm/${repo.name}/${RPM_SEED_PATH}` }), allowed: () => ok(200) },
  { id: "rpm key", covers: "rpm:key", ...read, request: ({ repo }) => ({ method: "GET", path: `/rpm/${repo.name}/repository.key` }), allowed: () => ok(200, "BEGIN PGP PUBLIC KEY BLOCK") },
  { id: "rpm .repo file", covers: "rpm:repo-file", ...read, request: ({ repo }) => ({ method: "GET", path: `/rpm/${repo.name}/el9.repo` }), allowed: () => ok(200, "baseurl=") },
  {
    id: "rpm upload", covers: "rpm:write", ...writes,
    request: ({ repo, p }) => ({ method: "PUT", path: `/rpm/${repo.name}/el9/upload`, body: buildRpm({ name: `${repo.name}-p${p}`, version: "1.0", release: "1" }) }),
    allowed: byKind(ok(201), ok(405)),
  },
  {
    id: "rpm delete", covers: "rpm:delete", ...writes,
    request: ({ repo, p }) => ({ method: "DELETE", path: `/rpm/${repo.name}/el9/package/${repo.name}-p${p}/1.0-1/x86_64` }),
    allowed: byKind(ok(204), ok(405)),
  },
  {
    id: "rotate rpm signing key", covers: "POST /repositories/{name}/signing-key/rotate", format: "rpm", perRepository: true, need: "admin",
    request: ({ repo }) => ({ method: "POST", path: `/api/v1/repositories/${repo.name}/signing-key/rotate` }),
    allowed: byKind(ok(200, "openpgp"), ok(400, "upstream")),
  },
];
