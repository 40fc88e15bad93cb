/**
 * Upload sessions (docs/architecture.md "Upload sessions"): a chunked upload — OCI's
 * `POST …/blobs/uploads/` + `PATCH` chunks + `PUT ?digest=`, Helm/ChartMuseum pushes — kept
 * as an R2 multipart upload with one row in `upload_session`.
 * - `create()` starts the R2 multipart upload under a fresh blob key;
 * - `append(id, body)` cuts the chunk (any size) into equal 8 MiB multipart parts, keeping
 *   the remainder in a tail object until the next chunk (R2 needs every part but the last
 *   to be ≥ 5 MiB and of one size); each append extends the session's expiry;
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
  recordUploadProgress,
  type UploadPart,
  type UploadSessionRow,
} from "../db/upload-sessions";
import type { Database } from "../db/client";
import { RegistryError } from "../errors";
import { BLOB_KEY_PREFIX, MULTIPART_PART_SIZE } from "../storage/blob-store";
import type { BlobRow } from "../db/packages";
import type { Repository } from "./model";
import type { SourceContext } from "./source-context";

/** Every multipart part but the last has this size, whatever chunk sizes the client sends. */
const PART_SIZE = MULTIPART_PART_SIZE;

/** Bytes past the last full part wait here; the name carries the session size it belongs to. */
const tailKey = (r2Key: string, size: number): string => `${r2Key}.tail-${size}`;

/** Accumulates chunks and hands out exactly-sized parts. */
class PartBuffer {
  private chunks: Uint8Array[] = [];
  size = 0;

  constructor(initial: Uint8Array) {
    if (initial.byteLength) this.push(initial);
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
  }

  /** Exactly `count` bytes from the front (null when fewer are held or count is 0). */
  take(count: number): Uint8Array | null {
    if (count === 0 || this.size < count) return null;
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const head = this.chunks[0];
      if (!head) break;
      const used = Math.min(head.byteLength, count - filled);
      out.set(head.subarray(0, used), filled);
      filled += used;
      if (used === head.byteLength) this.chunks.shift();
      else this.chunks[0] = head.subarray(used);
    }
    this.size -= count;
    return out;
  }
}

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
   * Appends one chunk, whatever its size: the bytes are cut into equal `PART_SIZE` multipart
   * parts (R2 needs every part but the last to be ≥ 5 MiB and of one size); what is left
   * over (< one part) waits in a small tail object until the next chunk or `complete`.
   * The body is streamed (memory: one part); a declared `size` that the body does not
   * match is a 400 and changes nothing the session reports. An empty chunk of unknown
   * length changes nothing.
   */
  async append(id: string, body: ReadableStream<Uint8Array> | Uint8Array | null, size?: number, now = Date.now()): Promise<UploadSession> {
    const row = await this.row(id, now);
    const length = body instanceof Uint8Array ? body.byteLength : size;
    if (body === null || length === 0) throw new RegistryError("body_empty", "chunk is empty");
    const maxSize = this.repository.settings.maxFileSize;
    const tooLarge = () => new RegistryError("too_large", `upload exceeds the repository limit of ${maxSize} bytes`);
    if (maxSize !== undefined && length !== undefined && row.size + length > maxSize) throw tooLarge();

    const parts = JSON.parse(row.parts) as UploadPart[];
    const upload = this.ctx.bucket.resumeMultipartUpload(row.r2Key, row.r2UploadId);
    const pending = new PartBuffer(await this.readTail(row));
    let received = 0;
    const flushFullParts = async () => {
      for (let part = pending.take(PART_SIZE); part; part = pending.take(PART_SIZE)) {
        const partNumber = parts.length + 1;
        const uploaded = await upload.uploadPart(partNumber, part);
        parts.push({ partNumber, etag: uploaded.etag, size: part.byteLength });
      }
    };
    const stream = body instanceof Uint8Array ? new Blob([body]).stream() : body;
    try {
      for await (const chunk of stream) {
        received += chunk.byteLength;
        if (maxSize !== undefined && row.size + received > maxSize) throw tooLarge();
        if (length !== undefined && received > length) throw new RegistryError("bad_request", `chunk is longer than its declared ${length} bytes`);
        pending.push(chunk);
        await flushFullParts();
      }
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new RegistryError("bad_request", "chunk was cut off before its end", { cause: error });
    }
    if (length !== undefined && received !== length) throw new RegistryError("bad_request", `chunk was cut off: ${received} of ${length} bytes`);
    if (received === 0) return view(row);
    const newSize = row.size + received;
    const tail = pending.take(pending.size);
    if (tail) await this.ctx.bucket.put(tailKey(row.r2Key, newSize), tail);
    if (!(await recordUploadProgress(this.ctx.db, row, parts, newSize, now + SESSION_TTL_MS))) {
      throw new RegistryError("conflict", `upload ${id} received another chunk at the same time; retry from its current size`);
    }
    await this.ctx.bucket.delete(tailKey(row.r2Key, row.size));
    return view({ ...row, parts: JSON.stringify(parts), size: newSize, expiresAt: now + SESSION_TTL_MS });
  }

  /**
   * Finishes the upload into a blob (deduplicated by sha256) and ends the session; the tail
   * becomes the last part. An empty session is an error unless `allowEmpty` (OCI's empty blob).
   */
  async complete(id: string, options: { expectedSha256?: string; expectedSha512?: string; allowEmpty?: boolean } = {}, now = Date.now()): Promise<BlobRow> {
    const row = await this.row(id, now);
    const parts = JSON.parse(row.parts) as UploadPart[];
    if (row.size === 0 && !options.allowEmpty) throw new RegistryError("body_empty", `upload ${id} has no data`);
    if (!(await deleteUploadSession(this.ctx.db, row.id))) throw new RegistryError("not_found", `upload ${id} not found`);
    const upload = this.ctx.bucket.resumeMultipartUpload(row.r2Key, row.r2UploadId);
    const expected = {
      ...(options.expectedSha256 ? { expectedSha256: options.expectedSha256 } : {}),
      ...(options.expectedSha512 ? { expectedSha512: options.expectedSha512 } : {}),
    };
    if (row.size === 0) {
      await upload.abort().catch(() => {});
      return this.ctx.blobs.store(null, { ...expected, allowEmpty: true });
    }
    try {
      const tail = await this.readTail(row);
      if (tail.byteLength > 0) {
        const uploaded = await upload.uploadPart(parts.length + 1, tail);
        parts.push({ partNumber: parts.length + 1, etag: uploaded.etag, size: tail.byteLength });
      }
      await upload.complete(parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })));
    } catch (error) {
      await upload.abort().catch(() => {});
      throw new RegistryError("internal", "upload parts could not be joined", { cause: error });
    } finally {
      await this.ctx.bucket.delete(tailKey(row.r2Key, row.size));
    }
    return this.ctx.blobs.adopt(row.r2Key, expected);
  }

  /** The bytes received after the last full part (empty when none). */
  private async readTail(row: UploadSessionRow): Promise<Uint8Array> {
    const inParts = (JSON.parse(row.parts) as UploadPart[]).reduce((sum, p) => sum + p.size, 0);
    if (row.size === inParts) return new Uint8Array(0);
    const object = await this.ctx.bucket.get(tailKey(row.r2Key, row.size));
    if (!object) throw new RegistryError("internal", `upload ${row.id} lost its pending bytes`);
    return new Uint8Array(await object.arrayBuffer());
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
  await bucket.delete(tailKey(row.r2Key, row.size));
  await bucket.resumeMultipartUpload(row.r2Key, row.r2UploadId).abort().catch(() => {});
}

/** Cron: aborts sessions past their expiry (bounded per run). */
export async function abortExpiredUploads(db: Database, bucket: R2Bucket, now: number): Promise<number> {
  const expired = await listExpiredUploadSessions(db, now, 200);
  for (const row of expired) await abortSession(db, bucket, row);
  return expired.length;
}
