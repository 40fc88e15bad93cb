/** `/v2/{repo}/{name}/blobs/{digest}`: GET/HEAD through any repository kind, DELETE on hosted. */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { loadHostedSource } from "../../repositories/loader";
import { OciError } from "./errors";
import { empty, withHeaders } from "./headers";
import { deleteBlob } from "./hosted/writer";
import { parseDigest } from "./names";
import { openReader } from "./reader";

type BlobPath = { repo: string; name: string; digest: string };

export async function getBlob(c: Context<AppEnv>, path: BlobPath): Promise<Response> {
  const digest = parseDigest(path.digest);
  const { reader } = await openReader(c, path.repo);
  const response = await reader.blob(path.name, digest, c.req.raw);
  if (!response) throw new OciError("BLOB_UNKNOWN", `blob ${digest} not found in ${path.repo}/${path.name}`, { detail: { digest } });
  return withHeaders(response, { "Docker-Content-Digest": digest });
}

export async function deleteBlobRoute(c: Context<AppEnv>, path: BlobPath): Promise<Response> {
  const digest = parseDigest(path.digest);
  const source = await loadHostedSource(c, "oci", "write", { name: path.repo, challengeAnonymousReads: true });
  await deleteBlob(source, path.name, digest);
  return empty(c, 202, { "Docker-Content-Digest": digest });
}
