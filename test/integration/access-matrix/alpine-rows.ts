/**
 * The Alpine rows of the access matrix and its seeds: every hosted fixture holds `mx-seed`
 * 1.0-r0 in `v3.20/main` (x86_64), every remote's upstream serves that place's index. apk
 * sends credentials from the repository URL up front, so only writes challenge anonymous callers.
 */
import { buildApk } from "../../helpers/apk-packages";
import type { Outcome, RepoFixture, RouteRow } from "./table";

export const ALPINE_PLACE = "v3.20/main";

export const alpineSeed = (): Uint8Array => buildApk({ name: "mx-seed", version: "1.0-r0" }).bytes;

const ok = (status: number): Outcome => ({ status });
const byKind = (hosted: Outcome, remote: Outcome, virtual: Outcome = hosted) => (repo: RepoFixture): Outcome => (repo.kind === "hosted" ? hosted : repo.kind === "remote" ? remote : virtual);

export const alpineRows: RouteRow[] = [
  {
    id: "alpine index", covers: "alpine:read", format: "alpine", perRepository: true, need: "read",
    request: ({ repo }) => ({ method: "GET", path: `/alpine/${repo.name}/${ALPINE_PLACE}/x86_64/APKINDEX.tar.gz` }),
    allowed: () => ok(200),
  },
  {
    id: "alpine package", covers: "alpine:read", format: "alpine", perRepository: true, need: "read",
    request: ({ repo }) => ({ method: "GET", path: `/alpine/${repo.name}/${ALPINE_PLACE}/x86_64/mx-seed-1.0-r0.apk` }),
    allowed: byKind(ok(200), ok(200)),
  },
  {
    id: "alpine key", covers: "alpine:read", format: "alpine", perRepository: true, need: "read",
    request: ({ repo }) => ({ method: "GET", path: `/alpine/${repo.name}/key` }),
    // A remote passes its upstream's signatures through: it has no key of its own.
    allowed: byKind(ok(200), { status: 404, includes: "no key of its own" }),
  },
  {
    id: "alpine upload", covers: "alpine:write", format: "alpine", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "PUT", path: `/alpine/${repo.name}/${ALPINE_PLACE}`, body: buildApk({ name: `${repo.name}-p${p}`, version: "1.0-r0" }).bytes }),
    allowed: byKind(ok(201), ok(405)),
  },
  {
    id: "alpine delete", covers: "alpine:delete", format: "alpine", perRepository: true, need: "write", anonymousChallenge: "writes", viaDeployMember: true,
    request: ({ repo, p }) => ({ method: "DELETE", path: `/alpine/${repo.name}/${ALPINE_PLACE}/x86_64/${repo.name}-p${p}-1.0-r0.apk` }),
    allowed: byKind(ok(204), ok(405)),
  },
];
