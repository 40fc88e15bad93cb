/**
 * Blob uploads (distribution-spec "Pushing blobs"): `POST …/blobs/uploads/` starts a session
 * (or uploads monolithically with `?digest=`, or mounts with `?mount=&from=`), `PATCH` appends a
 * chunk (`Content-Range: {start}-{end}` must continue the session), `PUT ?digest=` ends it
 * (optionally with a last chunk), `GET` reports `Range`, `DELETE` cancels. Sessions are the
 * engine's upload sessions (R2 multipart, src/repositories/upload-sessions.ts), so a blob
 * of any size arrives in chunks each below the platform's request-body limit. A digest
 * mismatch stores nothing.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { loadHostedSource, loadRepository } from "../../repositories/loader";
import type { UploadSession } from "../../repositories/upload-sessions";
import { OciError } from "./errors";
import { blobLocation, empty, uploadLocation, uploadRange } from "./headers";
import { BLOBS_VERSION } from "./hosted/layout";
import { recordBlob } from "./hosted/writer";
import { HostedOciReader } from "./hosted/reader";
import { algorithmOf, expectedDigest, isValidImageName, parseDigest } from "./names";

type NamePath = { repo: string; name: string };
type UploadPath = NamePath & { id: string };

const EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const EMPTY_SHA512 = "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

const writable = (c: Context<AppEnv>, repo: string): Promise<HostedSource> => loadHostedSource(c, "oci", "write", { name: repo, challengeAnonymousReads: true });

function declaredLength(c: Context<AppEnv>): number | undefined {
  const header = c.req.header("Content-Length");
  if (header === undefined) return undefined;
  if (!/^\d+$/.test(header)) throw new OciError("SIZE_INVALID", "Content-Length is not a number");
  return Number(header);
}

function created(c: Context<AppEnv>, path: NamePath, digest: string): Response {
  return empty(c, 201, { Location: blobLocation(path.repo, path.name, digest), "Docker-Content-Digest": digest });
}

function sessionAnswer(c: Context<AppEnv>, path: NamePath, session: UploadSession, status: 202 | 204): Response {
  return empty(c, status, {
    Location: uploadLocation(path.repo, path.name, session.id),
    Range: uploadRange(session.size),
    "Docker-Upload-UUID": session.id,
    "OCI-Chunk-Min-Length": "0",
  });
}

/** Runs a session operation; an unknown, expired or foreign session is BLOB_UPLOAD_UNKNOWN. */
async function onSession<T>(id: string, work: () => Promise<T>): Promise<T> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new OciError("BLOB_UPLOAD_UNKNOWN", `upload ${id.slice(0, 80)} not found`);
  try {
    return await work();
  } catch (error) {
    if (error instanceof RegistryError && !(error instanceof OciError) && error.code === "not_found") throw new OciError("BLOB_UPLOAD_UNKNOWN", error.message);
    throw error;
  }
}

/** Cross-repository mount: the blob of `from` (a name the caller can read), recorded here. Null: start an upload instead. */
async function mount(c: Context<AppEnv>, source: HostedSource, path: NamePath, digest: string, from: string): Promise<string | null> {
  const [fromRepo = "", ...rest] = from.split("/");
  const fromName = rest.join("/");
  if (!isValidImageName(fromName)) return null;
  let found;
  if (fromRepo === path.repo) {
    found = await source.findFile(fromName, BLOBS_VERSION, digest);
  } else {
    try {
      const { repository, context } = await loadRepository(c, "oci", "read", { name: fromRepo });
      if (repository.kind !== "hosted") return null;
      found = await HostedOciReader.open(repository, context).source.findFile(fromName, BLOBS_VERSION, digest);
    } catch (error) {
      // Not readable (or missing): the spec's answer is an ordinary upload session.
      if (error instanceof RegistryError && error.status < 500) return null;
      throw error;
    }
  }
  return found ? recordBlob(source, path.name, found.blob, algorithmOf(digest)) : null;
}

async function storeWhole(source: HostedSource, c: Context<AppEnv>, path: NamePath, digest: string): Promise<Response> {
  const declaredSize = declaredLength(c);
  let blob;
  if (digest === EMPTY_SHA256 || digest === EMPTY_SHA512) {
    // The empty blob is a valid OCI layer; any byte sent with its digest is a mismatch.
    const sent = declaredSize === 0 ? 0 : (await c.req.arrayBuffer()).byteLength;
    if (sent > 0) throw new OciError("DIGEST_INVALID", `the body does not match ${digest}`);
    blob = await source.storeBlob(null, { ...expectedDigest(digest), allowEmpty: true });
  } else {
    blob = await source.storeBlob(c.req.raw.body, { ...expectedDigest(digest), ...(declaredSize === undefined ? {} : { declaredSize }) });
  }
  return created(c, path, await recordBlob(source, path.name, blob, algorithmOf(digest)));
}

export async function startUpload(c: Context<AppEnv>, path: NamePath): Promise<Response> {
  const source = await writable(c, path.repo);
  const mountDigest = c.req.query("mount");
  const from = c.req.query("from");
  if (mountDigest !== undefined && from !== undefined) {
    const digest = parseDigest(mountDigest);
    const mounted = await mount(c, source, path, digest, from);
    if (mounted) return created(c, path, mounted);
  }
  const digest = c.req.query("digest");
  if (digest !== undefined) return storeWhole(source, c, path, parseDigest(digest));
  return sessionAnswer(c, path, await source.uploads.create(), 202);
}

/** `Content-Range: {start}-{end}` must start where the session ends (else 416 with the current Range). */
function checkContentRange(c: Context<AppEnv>, session: UploadSession, length: number | undefined, path: UploadPath): void {
  const header = c.req.header("Content-Range");
  if (header === undefined) return;
  const match = /^(?:bytes )?(\d+)-(\d+)(?:\/\d+|\/\*)?$/.exec(header.trim());
  const start = match ? Number(match[1]) : NaN;
  const end = match ? Number(match[2]) : NaN;
  const wrong = !match || start !== session.size || end < start || (length !== undefined && end - start + 1 !== length);
  if (wrong) {
    throw new OciError("BLOB_UPLOAD_INVALID", `Content-Range ${header.slice(0, 60)} does not continue the upload at ${session.size}`, {
      status: "range_not_satisfiable",
      headers: { Location: uploadLocation(path.repo, path.name, session.id), Range: uploadRange(session.size), "Docker-Upload-UUID": session.id },
    });
  }
}

export async function patchUpload(c: Context<AppEnv>, path: UploadPath): Promise<Response> {
  const source = await writable(c, path.repo);
  return onSession(path.id, async () => {
    const length = declaredLength(c);
    const session = await source.uploads.get(path.id);
    checkContentRange(c, session, length, path);
    if (length === 0 || c.req.raw.body === null) return sessionAnswer(c, path, session, 202);
    const updated = await source.uploads.append(path.id, c.req.raw.body, length);
    return sessionAnswer(c, path, updated, 202);
  });
}

export async function uploadStatus(c: Context<AppEnv>, path: UploadPath): Promise<Response> {
  const source = await writable(c, path.repo);
  return onSession(path.id, async () => sessionAnswer(c, path, await source.uploads.get(path.id), 204));
}

export async function finishUpload(c: Context<AppEnv>, path: UploadPath): Promise<Response> {
  const source = await writable(c, path.repo);
  const digestParam = c.req.query("digest");
  if (digestParam === undefined) throw new OciError("DIGEST_INVALID", "the digest query parameter is required");
  const digest = parseDigest(digestParam);
  return onSession(path.id, async () => {
    const length = declaredLength(c);
    let session = await source.uploads.get(path.id);
    if (length !== 0 && c.req.raw.body !== null) {
      checkContentRange(c, session, length, path);
      session = await source.uploads.append(path.id, c.req.raw.body, length);
    }
    const blob = await source.uploads.complete(path.id, { ...expectedDigest(digest), allowEmpty: true });
    return created(c, path, await recordBlob(source, path.name, blob, algorithmOf(digest)));
  });
}

export async function cancelUpload(c: Context<AppEnv>, path: UploadPath): Promise<Response> {
  const source = await writable(c, path.repo);
  return onSession(path.id, async () => {
    await source.uploads.abort(path.id);
    return empty(c, 204, {});
  });
}
