/**
 * The OCI rows of the access matrix (every `/v2` route, the token endpoint included) and the
 * seed image every hosted OCI fixture holds (`mx-seed:1.0`). OCI clients fetch a token after
 * a 401, so anonymous callers always get the Bearer challenge for hidden repositories.
 * Remote fixtures pull the same image through the fake upstream (`ociUpstreamSeed`); virtual
 * ones see their hosted member's.
 */
import type { CellRequest, Outcome, RepoFixture, RouteRow } from "./table";

const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const encoder = new TextEncoder();
const hex = async (data: Uint8Array): Promise<string> => [...new Uint8Array(await crypto.subtle.digest("SHA-256", data))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** The seed image's config, layer and manifest (blobs pushed first, then the manifest). */
const config = encoder.encode('{"architecture":"amd64","os":"linux"}');
const layer = encoder.encode("mx seed layer");
const d = async (data: Uint8Array) => `sha256:${await hex(data)}`;
const seedManifest = async () =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: await d(config), size: config.byteLength },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: await d(layer), size: layer.byteLength }],
  });

export async function ociSeed(repo: string): Promise<CellRequest[]> {
  const manifest = await seedManifest();
  return [
    { method: "POST", path: `/v2/${repo}/mx-seed/blobs/uploads/?digest=${await d(config)}`, body: config },
    { method: "POST", path: `/v2/${repo}/mx-seed/blobs/uploads/?digest=${await d(layer)}`, body: layer },
    { method: "PUT", path: `/v2/${repo}/mx-seed/manifests/1.0`, body: manifest, headers: { "Content-Type": MANIFEST } },
  ];
}

/** What a remote fixture's upstream (a registry root at `/{repo}/`) serves: `mx-seed:1.0` and its tag list. */
export async function ociUpstreamSeed(repo: string): Promise<Map<string, { body: string; contentType: string }>> {
  return new Map([
    [`/${repo}/v2/mx-seed/manifests/1.0`, { body: await seedManifest(), contentType: MANIFEST }],
    [`/${repo}/v2/mx-seed/tags/list`, { body: JSON.stringify({ name: "mx-seed", tags: ["1.0"] }), contentType: "application/json" }],
    [`/${repo}/v2/mx-seed/blobs/${await d(layer)}`, { body: "mx seed layer", contentType: "application/octet-stream" }],
  ]);
}

const UNKNOWN_DIGEST = `sha256:${"0".repeat(64)}`;
const UNKNOWN_UPLOAD = "00000000-0000-4000-8000-000000000000";

const ok = (status: number, includes?: string): Outcome => ({ status, ...(includes ? { includes } : {}) });
const byKind = (hosted: Outcome, remote: Outcome, virtual: Outcome = hosted) => (repo: RepoFixture): Outcome =>
  repo.kind === "hosted" ? hosted : repo.kind === "remote" ? remote : virtual;
/** Writes go to a virtual's deploy member; a remote takes none. */
const write = (status: number, includes?: string) => byKind(ok(status, includes), ok(405, "UNSUPPORTED"));
const read = { format: "oci" as const, perRepository: true, need: "read" as const, anonymousChallenge: "always" as const };
const writes = { format: "oci" as const, perRepository: true, need: "write" as const, anonymousChallenge: "always" as const, viaDeployMember: true };

export const ociRows: RouteRow[] = [
  { id: "oci base", covers: "oci:base", perRepository: false, need: "authenticated", request: () => ({ method: "GET", path: "/v2/" }), allowed: () => ok(200) },
  // Anyone may ask for a token; what it grants is checked in oci-auth.test.ts.
  {
    id: "oci token", covers: "oci:token", format: "oci", perRepository: true, need: "nobody",
    request: ({ repo }) => ({ method: "GET", path: `/v2/token?service=registry.test&scope=repository:${repo.name}/mx-seed:pull,push` }),
    allowed: () => ok(200, "access_token"),
  },
  { id: "oci catalog", covers: "oci:catalog", perRepository: false, need: "nobody", request: () => ({ method: "GET", path: "/v2/_catalog" }), allowed: () => ok(200, "repositories") },
  {
    id: "oci manifest", covers: "oci:read", ...read,
    request: ({ repo }) => ({ method: "GET", path: `/v2/${repo.name}/mx-seed/manifests/1.0`, headers: { Accept: MANIFEST } }),
    allowed: () => ok(200, "schemaVersion"),
  },
  { id: "oci blob", covers: "oci:blob", ...read, request: ({ repo }) => ({ method: "GET", path: `/v2/${repo.name}/mx-seed/blobs/${UNKNOWN_DIGEST}` }), allowed: () => ok(404, "BLOB_UNKNOWN") },
  // The seed layer: hosted from its files, remote through its upstream (pull-through), virtual from its hosted member.
  { id: "oci blob (seed layer)", covers: "oci:blob-seed", ...read, request: async ({ repo }) => ({ method: "GET", path: `/v2/${repo.name}/mx-seed/blobs/${await d(layer)}` }), allowed: () => ok(200, "mx seed layer") },
  { id: "oci tags", covers: "oci:tags", ...read, request: ({ repo }) => ({ method: "GET", path: `/v2/${repo.name}/mx-seed/tags/list` }), allowed: () => ok(200, '"1.0"') },
  { id: "oci referrers", covers: "oci:referrers", ...read, request: ({ repo }) => ({ method: "GET", path: `/v2/${repo.name}/mx-seed/referrers/${UNKNOWN_DIGEST}` }), allowed: () => ok(200, "manifests") },
  { id: "oci upload start", covers: "oci:write", ...writes, request: ({ repo, p }) => ({ method: "POST", path: `/v2/${repo.name}/cell-p${p}/blobs/uploads/` }), allowed: write(202) },
  {
    id: "oci manifest push", covers: "oci:manifest-push", ...writes,
    request: ({ repo }) => ({ method: "PUT", path: `/v2/${repo.name}/cell/manifests/bad`, body: "{}", headers: { "Content-Type": MANIFEST } }),
    allowed: write(400, "MANIFEST_INVALID"),
  },
  { id: "oci upload status", covers: "oci:upload-status", ...writes, request: ({ repo }) => ({ method: "GET", path: `/v2/${repo.name}/cell/blobs/uploads/${UNKNOWN_UPLOAD}` }), allowed: write(404, "BLOB_UPLOAD_UNKNOWN") },
  { id: "oci upload chunk", covers: "oci:upload-chunk", ...writes, request: ({ repo }) => ({ method: "PATCH", path: `/v2/${repo.name}/cell/blobs/uploads/${UNKNOWN_UPLOAD}`, body: "x" }), allowed: write(404, "BLOB_UPLOAD_UNKNOWN") },
  {
    id: "oci upload finish", covers: "oci:upload-finish", ...writes,
    request: ({ repo }) => ({ method: "PUT", path: `/v2/${repo.name}/cell/blobs/uploads/${UNKNOWN_UPLOAD}?digest=${UNKNOWN_DIGEST}` }),
    allowed: write(404, "BLOB_UPLOAD_UNKNOWN"),
  },
  { id: "oci upload cancel", covers: "oci:upload-cancel", ...writes, request: ({ repo }) => ({ method: "DELETE", path: `/v2/${repo.name}/cell/blobs/uploads/${UNKNOWN_UPLOAD}` }), allowed: write(404, "BLOB_UPLOAD_UNKNOWN") },
  { id: "oci manifest delete", covers: "oci:delete", ...writes, request: ({ repo }) => ({ method: "DELETE", path: `/v2/${repo.name}/mx-seed/manifests/${UNKNOWN_DIGEST}` }), allowed: write(404, "MANIFEST_UNKNOWN") },
  { id: "oci blob delete", covers: "oci:blob-delete", ...writes, request: ({ repo }) => ({ method: "DELETE", path: `/v2/${repo.name}/mx-seed/blobs/${UNKNOWN_DIGEST}` }), allowed: write(404, "BLOB_UNKNOWN") },
];
