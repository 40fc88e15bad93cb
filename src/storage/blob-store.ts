/**
 * The R2 blob store. An upload streams to R2 while its four digests are computed; the
 * finished object is deduplicated by sha256 against `package_blob`. Bodies of known size up
 * to the multipart threshold (4 GiB) go in one streamed `put` through a FixedLengthStream;
 * larger or unsized bodies use R2 multipart upload with equal 8 MiB parts from one reused part
 * buffer, so memory stays bounded whatever the file size.
 * A failed upload leaves no row; an R2 object orphaned by a crash is removed by blob GC.
 */
import { eq } from "drizzle-orm";
import { isUniqueViolation, type Database } from "../db/client";
import type { BlobRow } from "../db/packages";
import { packageBlobs } from "../db/schema";
import { RegistryError } from "../errors";
import { copyWithDigests, Digester, forEachChunk, type DigestingLimits, type Digests } from "./digesting-stream";

/** R2 requires equal parts of at least 5 MiB (except the last); 8 MiB allows files up to ~80 GB. */
export const MULTIPART_PART_SIZE = 8 * 1024 * 1024;
/** R2 accepts a single put up to 5 GiB; above 4 GiB (or with no known length) use multipart. */
const DEFAULT_MULTIPART_THRESHOLD = 4 * 1024 * 1024 * 1024;

export const BLOB_KEY_PREFIX = "blobs/";

export interface StoreBlobOptions extends DigestingLimits {
  /** Hex sha256 the client stated up front; a mismatch is a 400 and stores nothing. */
  expectedSha256?: string;
  /** Hex sha512 the client stated up front (OCI sha512 digests); checked like `expectedSha256`. */
  expectedSha512?: string;
}

/** The mismatch between stated and computed digests, or null when they agree. */
function digestMismatch(digests: Digests, options: StoreBlobOptions, what: string): RegistryError | null {
  for (const algorithm of ["sha256", "sha512"] as const) {
    const stated = algorithm === "sha256" ? options.expectedSha256 : options.expectedSha512;
    if (stated && stated.toLowerCase() !== digests[algorithm]) {
      return new RegistryError("digest_mismatch", `${algorithm} of the ${what} is ${digests[algorithm]}, not ${stated}`);
    }
  }
  return null;
}

export class BlobStore {
  constructor(
    private readonly db: Database,
    private readonly bucket: R2Bucket,
    private readonly multipartThreshold = DEFAULT_MULTIPART_THRESHOLD,
  ) {}

  /** Streams a body into R2 and returns its (possibly pre-existing, deduplicated) blob row. */
  async store(input: ReadableStream<Uint8Array> | null, given: StoreBlobOptions): Promise<BlobRow> {
    let body = input;
    let options = given;
    if (!body || options.declaredSize === 0) {
      if (!options.allowEmpty) throw new RegistryError("body_empty", "request body is empty");
      body = new Blob([]).stream();
      options = { ...options, declaredSize: 0 };
    }
    if (options.maxSize !== undefined && options.declaredSize !== undefined && options.declaredSize > options.maxSize) {
      throw new RegistryError("too_large", `file exceeds the repository limit of ${options.maxSize} bytes`);
    }
    const key = `${BLOB_KEY_PREFIX}${crypto.randomUUID()}`;
    let digests: Digests;
    try {
      const single = options.declaredSize !== undefined && options.declaredSize <= this.multipartThreshold;
      digests = single ? await this.putSingle(key, body, options) : await this.putMultipart(key, body, options);
    } catch (error) {
      throw interrupted(error);
    }
    const bodyMismatch = digestMismatch(digests, options, "body");
    if (bodyMismatch) {
      await this.bucket.delete(key);
      throw bodyMismatch;
    }
    return this.recordBlob(key, digests);
  }

  /**
   * Records an R2 object already written under `key` (a completed multipart upload session)
   * as a blob: its digests are computed by streaming it back once; a duplicate of an
   * existing blob is dropped in favour of that blob.
   */
  async adopt(key: string, options: StoreBlobOptions = {}): Promise<BlobRow> {
    const object = await this.bucket.get(key);
    if (!object) throw new RegistryError("internal", `uploaded object ${key} is missing`);
    let digests: Digests;
    try {
      digests = await copyWithDigests(object.body, null, options);
    } catch (error) {
      await this.bucket.delete(key);
      throw error;
    }
    const uploadMismatch = digestMismatch(digests, options, "upload");
    if (uploadMismatch) {
      await this.bucket.delete(key);
      throw uploadMismatch;
    }
    return this.recordBlob(key, digests);
  }

  async findBySha256(sha256: string): Promise<BlobRow | null> {
    const row = await this.db.select().from(packageBlobs).where(eq(packageBlobs.sha256, sha256)).get();
    return row ?? null;
  }

  private async putSingle(key: string, body: ReadableStream<Uint8Array>, options: DigestingLimits & { declaredSize?: number }): Promise<Digests> {
    // R2 needs a stream of known length; FixedLengthStream also fails on a short body.
    const fixed = new FixedLengthStream(options.declaredSize ?? 0);
    const [copied, stored] = await Promise.allSettled([copyWithDigests(body, fixed.writable, options), this.bucket.put(key, fixed.readable)]);
    // The copy's error first: it names the broken limit, where R2 only sees a cancelled stream.
    if (copied.status === "fulfilled" && stored.status === "fulfilled") return copied.value;
    await this.bucket.delete(key).catch(() => {});
    throw copied.status === "rejected" ? copied.reason : (stored as PromiseRejectedResult).reason;
  }

  /** Equal parts from one reused part buffer; each part is uploaded before the buffer is refilled. */
  private async putMultipart(key: string, body: ReadableStream<Uint8Array>, options: DigestingLimits): Promise<Digests> {
    const upload = await this.bucket.createMultipartUpload(key);
    const digester = new Digester(options);
    const part = new Uint8Array(MULTIPART_PART_SIZE);
    const parts: R2UploadedPart[] = [];
    let filled = 0;
    const flush = async () => {
      parts.push(await upload.uploadPart(parts.length + 1, part.subarray(0, filled)));
      filled = 0;
    };
    try {
      const fill = async (chunk: Uint8Array) => {
        let offset = 0;
        while (offset < chunk.byteLength) {
          const take = Math.min(MULTIPART_PART_SIZE - filled, chunk.byteLength - offset);
          part.set(chunk.subarray(offset, offset + take), filled);
          filled += take;
          offset += take;
          if (filled === MULTIPART_PART_SIZE) await flush();
        }
      };
      await forEachChunk(body, (chunk) => digester.update(chunk), fill);
      const digests = await digester.finish();
      if (filled > 0 || parts.length === 0) await flush();
      await upload.complete(parts);
      return digests;
    } catch (error) {
      digester.abort(error);
      await upload.abort().catch(() => {});
      throw error;
    }
  }

  /** Inserts the blob row, or adopts the existing one with the same sha256 and drops our copy. */
  private async recordBlob(key: string, digests: Digests): Promise<BlobRow> {
    const existing = await this.findBySha256(digests.sha256);
    if (existing) {
      await this.bucket.delete(key);
      // Adopted again: take it off GC's list before the file row that references it lands.
      await this.db.update(packageBlobs).set({ orphanedAt: null }).where(eq(packageBlobs.id, existing.id));
      return existing;
    }
    try {
      return await this.db
        .insert(packageBlobs)
        .values({ ...digests, r2Key: key, createdAt: Date.now() })
        .returning()
        .get();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent upload of the same bytes won the insert; use its blob.
      await this.bucket.delete(key);
      const winner = await this.findBySha256(digests.sha256);
      if (!winner) throw error;
      return winner;
    }
  }
}

function interrupted(cause: unknown): RegistryError {
  if (cause instanceof RegistryError) return cause;
  return new RegistryError("bad_request", "upload was interrupted before the body was complete", { cause });
}
