/** `/v2/{repo}/{name}/manifests/{reference}`: GET/HEAD through any repository kind, PUT and DELETE on hosted. */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import { loadHostedSource } from "../../repositories/loader";
import { OciError } from "./errors";
import { empty, manifestLocation, withHeaders } from "./headers";
import { deleteManifest, putManifest } from "./hosted/writer";
import { accepts, MAX_MANIFEST_BYTES } from "./manifest";
import { parseReference } from "./names";
import { openReader } from "./reader";

type ManifestPath = { repo: string; name: string; reference: string };

export async function getManifest(c: Context<AppEnv>, path: ManifestPath): Promise<Response> {
  const reference = parseReference(path.reference);
  const { reader } = await openReader(c, path.repo);
  const found = await reader.manifest(path.name, reference, c.req.raw);
  if (!found) throw new OciError("MANIFEST_UNKNOWN", `manifest ${path.reference} not found in ${path.repo}/${path.name}`);
  if (!accepts(c.req.header("Accept") ?? null, found.mediaType)) {
    throw new OciError("MANIFEST_UNKNOWN", `manifest ${path.reference} is ${found.mediaType}, which the Accept header does not allow`);
  }
  return withHeaders(found.response, { "Docker-Content-Digest": found.digest });
}

/** The request body, refused past the manifest size limit (413, nothing stored). */
async function readManifestBody(c: Context<AppEnv>): Promise<Uint8Array> {
  const tooLarge = () => new OciError("SIZE_INVALID", `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`, { status: "too_large" });
  const declared = Number(c.req.header("Content-Length") ?? "NaN");
  if (declared > MAX_MANIFEST_BYTES) throw tooLarge();
  const body = c.req.raw.body;
  if (!body) throw new OciError("MANIFEST_INVALID", "manifest body is empty");
  let size = 0;
  const capped = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > MAX_MANIFEST_BYTES) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  try {
    return new Uint8Array(await new Response(capped).arrayBuffer());
  } catch (error) {
    if (size > MAX_MANIFEST_BYTES) throw tooLarge();
    throw error;
  }
}

export async function putManifestRoute(c: Context<AppEnv>, path: ManifestPath): Promise<Response> {
  const reference = parseReference(path.reference);
  const source = await loadHostedSource(c, "oci", "write", { name: path.repo, challengeAnonymousReads: true });
  const bytes = await readManifestBody(c);
  const pushed = await putManifest(source, path.name, reference, bytes, c.req.header("Content-Type") ?? null);
  return empty(c, 201, {
    Location: manifestLocation(path.repo, path.name, pushed.digest),
    "Docker-Content-Digest": pushed.digest,
    ...(pushed.facts.subject ? { "OCI-Subject": pushed.facts.subject } : {}),
  });
}

export async function deleteManifestRoute(c: Context<AppEnv>, path: ManifestPath): Promise<Response> {
  const reference = parseReference(path.reference);
  const source = await loadHostedSource(c, "oci", "write", { name: path.repo, challengeAnonymousReads: true });
  try {
    await deleteManifest(source, path.name, reference);
  } catch (error) {
    if (error instanceof RegistryError && !(error instanceof OciError) && error.code === "not_found") throw new OciError("MANIFEST_UNKNOWN", error.message);
    throw error;
  }
  return empty(c, 202, {});
}
