/**
 * Upload sessions (docs/architecture-hosted.md "Upload sessions"): a chunked upload — OCI's
 * `POST …/blobs/uploads/` + `PATCH` chunks + `PUT ?digest=`, Helm/ChartMuseum pushes — kept
 * as an R2 multipart upload with one row in `upload_session`.
 * - `create()` starts the R2 multipart upload under a fresh blob key;
 * - `append(id, body)` uploads the chunk as the next part (R2: every part but the last must
 *   be ≥ 5 MiB and all of them the same size — a client sending other chunk sizes gets a
 *   clear 400 at `complete`); each append extends the session's expiry;
 * - `complete(id, options)` finishes the upload, computes the digests by reading the object
 *   back once, checks an expected sha256 and size limit, and returns the (deduplicated) blob;
 * - `abort(id)` drops it; sessions idle past `SESSION_TTL_MS` are aborted by the cron.
 * Sessions belong to one repository: another repository's id is "not found".
 */
import {
  deleteUploadSession,
  findUploadSession,
  insertUploadSession,
  listExpiredUploadSessions,
  recordUploadPart,
  type UploadPart,
  type UploadSessionRow,
} from "../db/upload-sessions";
import type { Database } from "../db/client";
import { RegistryError } from "../errors";
import { BLOB_KEY_PREFIX } from "../storage/blob-store";
import type { BlobRow } from "../db/packages";
import type { Repository } from "./model";
import type { SourceContext } from "./hosted-source";

/** An upload idle this long is aborted (OCI clients retry from scratch). */
export const SESSION_TTL_MS = 24 * 3600 * 1000;

export interface UploadSession {
  id: string;
  /** Bytes received so far (OCI's `Range: 0-{size-1}`). */
  size: number;
  parts: number;
  expiresAt: number;
}

const view = (row: UploadSessionRow): UploadSession => ({
  id: row.id,
  size: row.size,
  parts: (JSON.parse(row.parts) as UploadPart[]).length,
  expiresAt: row.expiresAt,
});

export class UploadSessions {
  constructor(
    private readonly repository: Repository,
    private readonly ctx: Pick<SourceContext, "db" | "bucket" | "blobs">,
  ) {}

  async create(now = Date.now()): Promise<UploadSession> {
    const key = `${BLOB_KEY_PREFIX}${crypto.randomUUID()}`;
    const upload = await this.ctx.bucket.createMultipartUpload(key);
    const id = crypto.randomUUID();
    await insertUploadSession(this.ctx.db, { id, repositoryId: this.repository.id, r2Key: key, r2UploadId: upload.uploadId, expiresAt: now + SESSION_TTL_MS }, now);
    return { id, size: 0, parts: 0, expiresAt: now + SESSION_TTL_MS };
  }

  async get(id: string, now = Date.now()): Promise<UploadSession> {
    return view(await this.row(id, now));
  }

  /**
   * Appends one chunk as the next multipart part. A stream with a declared `size` (the
   * request's Content-Length) is streamed to R2 in flat memory; other bodies are buffered.
   */
  async append(id: string, body: ReadableStream<Uint8Array> | Uint8Array | null, size?: number, now = Date.now()): Promise<UploadSession> {
    const row = await this.row(id, now);
    const length = body instanceof Uint8Array ? body.byteLength : size;
    if (body === null || length === 0) throw new RegistryError("body_empty", "chunk is empty");
    const maxSize = this.repository.settings.maxFileSize;
    if (maxSize !== undefined && length !== undefined && row.size + length > maxSize) {
      throw new RegistryError("too_large", `upload exceeds the repository limit of ${maxSize} bytes`);
    }
    const partNumber = (JSON.parse(row.parts) as UploadPart[]).length + 1;
    const upload = this.ctx.bucket.resumeMultipartUpload(row.r2Key, row.r2UploadId);
    let uploaded: R2UploadedPart;
    let received: number;
    if (body instanceof Uint8Array || length === undefined) {
      const bytes = body instanceof Uint8Array ? body : new Uint8Array(await new Response(body).arrayBuffer());
      if (bytes.byteLength === 0) throw new RegistryError("body_empty", "chunk is empty");
      if (maxSize !== undefined && row.size + bytes.byteLength > maxSize) throw new RegistryError("too_large", `upload exceeds the repository limit of ${maxSize} bytes`);
      uploaded = await upload.uploadPart(partNumber, bytes);
      received = bytes.byteLength;
    } else {
      const fixed = new FixedLengthStream(length);
      try {
        [uploaded] = await Promise.all([upload.uploadPart(partNumber, fixed.readable), body.pipeTo(fixed.writable)]);
      } catch (error) {
        throw new RegistryError("bad_request", "chunk was cut off before its declared length", { cause: error });
      }
      received = length;
    }
    const part = { partNumber, etag: uploaded.etag, size: received };
    if (!(await recordUploadPart(this.ctx.db, row, part, now + SESSION_TTL_MS))) {
      throw new RegistryError("conflict", `upload ${id} received another chunk at the same time; retry from its current size`);
    }
    return view({ ...row, parts: JSON.stringify([...(JSON.parse(row.parts) as UploadPart[]), part]), size: row.size + part.size, expiresAt: now + SESSION_TTL_MS });
  }

  /** Finishes the upload into a blob (deduplicated by sha256) and ends the session. */
  async complete(id: string, options: { expectedSha256?: string } = {}, now = Date.now()): Promise<BlobRow> {
    const row = await this.row(id, now);
    const parts = JSON.parse(row.parts) as UploadPart[];
    if (parts.length === 0) throw new RegistryError("body_empty", `upload ${id} has no data`);
    if (!(await deleteUploadSession(this.ctx.db, row.id))) throw new RegistryError("not_found", `upload ${id} not found`);
    const upload = this.ctx.bucket.resumeMultipartUpload(row.r2Key, row.r2UploadId);
    try {
      await upload.complete(parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })));
    } catch (error) {
      await upload.abort().catch(() => {});
      throw new RegistryError("bad_request", "chunks could not be joined: every chunk but the last must be at least 5 MiB and all the same size", { cause: error });
    }
    return this.ctx.blobs.adopt(row.r2Key, options.expectedSha256 ? { expectedSha256: options.expectedSha256 } : {});
  }

  async abort(id: string, now = Date.now()): Promise<void> {
    const row = await this.row(id, now);
    await abortSession(this.ctx.db, this.ctx.bucket, row);
  }

  private async row(id: string, now: number): Promise<UploadSessionRow> {
    const row = await findUploadSession(this.ctx.db, this.repository.id, id);
    if (!row) throw new RegistryError("not_found", `upload ${id} not found`);
    if (row.expiresAt <= now) {
      await abortSession(this.ctx.db, this.ctx.bucket, row);
      throw new RegistryError("not_found", `upload ${id} has expired`);
    }
    return row;
  }
}

async function abortSession(db: Database, bucket: R2Bucket, row: UploadSessionRow): Promise<void> {
  await deleteUploadSession(db, row.id);
  await bucket.resumeMultipartUpload(row.r2Key, row.r2UploadId).abort().catch(() => {});
}

/** Cron: aborts sessions past their expiry (bounded per run). */
export async function abortExpiredUploads(db: Database, bucket: R2Bucket, now: number): Promise<number> {
  const expired = await listExpiredUploadSessions(db, now, 200);
  for (const row of expired) await abortSession(db, bucket, row);
  return expired.length;
}
