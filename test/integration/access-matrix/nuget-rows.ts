/**
 * The NuGet rows of the access matrix and the seed every hosted NuGet fixture holds
 * (`mx-seed` 1.0.0) or its upstream serves (0.9.0: service index, flat container and
 * registration under the remote's URL). NuGet clients send a source's credentials only
 * after a 401, so anonymous callers always get the Basic challenge (`anonymousChallenge`).
 */
import type { FakeUpstream } from "../../helpers/upstream";
import { UPSTREAM } from "../../helpers/upstream";
import { nupkg, pushBody } from "../nuget-fixtures";
import type { CellRequest, Outcome, RepoFixture, RouteRow } from "./table";

/** The push NuGet.Client sends for `id` 1.0.0. */
export function nugetPush(repo: string, id: string): CellRequest {
  const { body, contentType } = pushBody(nupkg(id, "1.0.0"));
  return { method: "PUT", path: `/nuget/${repo}/`, body, headers: { "Content-Type": contentType } };
}

export function seedNuGetUpstream(upstream: FakeUpstream, repo: RepoFixture): void {
  const base = `/${repo.name}`;
  const json = (body: unknown) => ({ contentType: "application/json", body: JSON.stringify(body) });
  upstream.files.set(`${base}/index.json`, json({ version: "3.0.0", resources: [{ "@id": `${UPSTREAM}${base}/flat/`, "@type": "PackageBaseAddress/3.0.0" }, { "@id": `${UPSTREAM}${base}/reg/`, "@type": "RegistrationsBaseUrl" }] }));
  upstream.files.set(`${base}/flat/mx-seed/index.json`, json({ versions: ["0.9.0"] }));
  upstream.files.set(`${base}/flat/mx-seed/0.9.0/mx-seed.0.9.0.nupkg`, { body: "nupkg bytes from upstream" });
  const leaf = { "@id": `${UPSTREAM}${base}/reg/mx-seed/0.9.0.json`, catalogEntry: { id: "mx-seed", version: "0.9.0" }, packageContent: `${UPSTREAM}${base}/flat/mx-seed/0.9.0/mx-seed.0.9.0.nupkg` };
  upstream.files.set(`${base}/reg/mx-seed/index.json`, json({ count: 1, items: [{ count: 1, lower: "0.9.0", upper: "0.9.0", items: [leaf] }] }));
}

const ok = (status: number): Outcome => ({ status });
const byKind = (hosted: Outcome, remote: Outcome) => (repo: RepoFixture): Outcome => (repo.kind === "remote" ? remote : hosted);
const read = { format: "nuget" as const, perRepository: true, need: "read" as const, anonymousChallenge: "always" as const };
const write = { format: "nuget" as const, perRepository: true, need: "write" as const, anonymousChallenge: "always" as const, viaDeployMember: true };

export const nugetRows: RouteRow[] = [
  { id: "nuget service index", covers: "nuget:index", ...read, request: ({ repo }) => ({ method: "GET", path: `/nuget/${repo.name}/index.json` }), allowed: () => ok(200) },
  { id: "nuget flat container index", covers: "nuget:read", ...read, request: ({ repo }) => ({ method: "GET", path: `/nuget/${repo.name}/v3-flatcontainer/mx-seed/index.json` }), allowed: () => ok(200) },
  { id: "nuget registration", covers: "nuget:registration", ...read, request: ({ repo }) => ({ method: "GET", path: `/nuget/${repo.name}/registration/mx-seed/index.json` }), allowed: () => ok(200) },
  {
    id: "nuget download", covers: "nuget:download", ...read,
    // The hosted seed is 1.0.0, the upstream's 0.9.0.
    request: ({ repo }) => {
      const v = repo.kind === "remote" ? "0.9.0" : "1.0.0";
      return { method: "GET", path: `/nuget/${repo.name}/v3-flatcontainer/mx-seed/${v}/mx-seed.${v}.nupkg` };
    },
    allowed: () => ok(200),
  },
  { id: "nuget search", covers: "nuget:search", ...read, request: ({ repo }) => ({ method: "GET", path: `/nuget/${repo.name}/query?q=mx` }), allowed: () => ok(200) },
  { id: "nuget v2 feed", covers: "nuget:v2", ...read, request: ({ repo }) => ({ method: "GET", path: `/nuget/${repo.name}/api/v2/FindPackagesById()?id='mx-seed'` }), allowed: () => ok(200) },
  { id: "nuget push", covers: "nuget:write", ...write, request: ({ repo, p }) => nugetPush(repo.name, `${repo.name}-p${p}`), allowed: byKind(ok(201), ok(405)) },
  { id: "nuget unlist", covers: "nuget:delete", ...write, request: ({ repo }) => ({ method: "DELETE", path: `/nuget/${repo.name}/mx-seed/1.0.0` }), allowed: byKind(ok(204), ok(405)) },
  { id: "nuget relist", covers: "nuget:relist", ...write, request: ({ repo }) => ({ method: "POST", path: `/nuget/${repo.name}/mx-seed/1.0.0` }), allowed: byKind(ok(200), ok(405)) },
];
