/**
 * Digests of a body computed while it streams to storage: sha256, sha1, md5 and sha512 in one
 * pass (crypto.DigestStream), the byte count, and the declared length and size limit enforced,
 * so a cut-off or oversized body fails the copy.
 *
 * `copyWithDigests` reads the body with a BYOB reader into two buffers it reuses for the whole
 * body (one being read and hashed while the other is written to storage), so an upload allocates no memory per
 * chunk: a `TransformStream` in JS made a new ArrayBuffer for every chunk, garbage that V8
 * collected late, and a 256 MiB upload grew the isolate by ~270 MiB (bench/generic). A
 * buffer is reused only after every consumer's write of it has resolved: crypto.DigestStream
 * hashes on write, and an internal writable (FixedLengthStream, the R2 part upload) resolves
 * a write once the bytes are read from it. Streams that are not byte streams (built in JS)
 * are copied chunk by chunk as they come.
 */
import { RegistryError } from "../errors";
import { toHex } from "../auth/crypto";

export interface Digests {
  sha256: string;
  sha1: string;
  md5: string;
  sha512: string;
  size: number;
}

export interface DigestingLimits {
  /** Content-Length the client declared; fewer or more bytes is an error. */
  declaredSize?: number;
  /** Largest body accepted; one byte more fails with too_large. */
  maxSize?: number;
  /** Accept an empty body (an OCI empty blob); by default an empty body is a 400. */
  allowEmpty?: boolean;
}

const algorithms = { sha256: "SHA-256", sha1: "SHA-1", md5: "MD5", sha512: "SHA-512" } as const;
type AlgorithmName = keyof typeof algorithms;

/** Bytes read per chunk; two such buffers live for the whole copy. */
export const COPY_CHUNK_BYTES = 1024 * 1024;

/** The four running digests of one body and its limits. */
export class Digester {
  private readonly hashers = Object.entries(algorithms).map(([name, algorithm]) => {
    const stream = new crypto.DigestStream(algorithm);
    const writer = stream.getWriter();
    // Aborted on a failed body: then nobody awaits these, and they must not go unhandled.
    stream.digest.catch(() => {});
    writer.closed.catch(() => {});
    return { name: name as AlgorithmName, stream, writer };
  });
  private size = 0;

  constructor(private readonly limits: DigestingLimits) {}

  /** Hashes `chunk`; resolves once every digest has consumed it (the caller may then reuse it). */
  async update(chunk: Uint8Array): Promise<void> {
    this.size += chunk.byteLength;
    if (this.limits.maxSize !== undefined && this.size > this.limits.maxSize) {
      this.fail(new RegistryError("too_large", `file exceeds the repository limit of ${this.limits.maxSize} bytes`));
    }
    if (this.limits.declaredSize !== undefined && this.size > this.limits.declaredSize) {
      this.fail(new RegistryError("bad_request", "body is longer than its Content-Length"));
    }
    await Promise.all(this.hashers.map((h) => h.writer.write(chunk)));
  }

  /** Checks the final length and returns the digests. */
  async finish(): Promise<Digests> {
    if (this.size === 0 && !this.limits.allowEmpty) this.fail(new RegistryError("body_empty", "request body is empty"));
    if (this.limits.declaredSize !== undefined && this.size !== this.limits.declaredSize) {
      this.fail(new RegistryError("bad_request", `body ended after ${this.size} of ${this.limits.declaredSize} declared bytes`));
    }
    await Promise.all(this.hashers.map((h) => h.writer.close()));
    const result: Digests = { sha256: "", sha1: "", md5: "", sha512: "", size: this.size };
    for (const h of this.hashers) result[h.name] = toHex(await h.stream.digest);
    return result;
  }

  /** Stops hashing (the body failed); idempotent. */
  abort(reason: unknown): void {
    for (const h of this.hashers) h.writer.abort(reason).catch(() => {});
  }

  private fail(error: RegistryError): never {
    this.abort(error);
    throw error;
  }
}

/**
 * Reads `body` chunk by chunk (into two reused buffers when it is a byte stream). Each chunk is
 * first `inspect`ed (awaited, in order), then handed on with `hand` (in order), which runs
 * while the next chunk is read and inspected; a buffer is read into again only after its
 * `hand` has resolved, so `hand` must be done with the bytes when it resolves.
 */
export async function forEachChunk(
  body: ReadableStream<Uint8Array>,
  inspect: (chunk: Uint8Array) => Promise<void>,
  hand: (chunk: Uint8Array) => Promise<void>,
  chunkBytes = COPY_CHUNK_BYTES,
): Promise<void> {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    // Not a byte stream (built in JS): read its chunks as they come.
  }
  const reader = byob ?? body.getReader();
  reader.closed.catch(() => {}); // a failed body rejects `closed`; the read reports it
  const buffers = byob ? [new ArrayBuffer(chunkBytes), new ArrayBuffer(chunkBytes)] : [];
  let current = 0;
  let previous: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      const { value, done } = byob ? await byob.read(new Uint8Array(buffers[current] as ArrayBuffer, 0, chunkBytes)) : await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
      if (done || !value) break;
      await inspect(value);
      // The previous chunk's hand must finish first: it holds the buffer read into next.
      await previous;
      previous = hand(value);
      previous.catch(() => {}); // awaited (and thrown) at the next chunk; not unhandled meanwhile
      if (byob) {
        buffers[current] = value.buffer as ArrayBuffer; // the read transferred it
        current ^= 1;
      }
    }
    await previous;
  } catch (error) {
    await previous.catch(() => {});
    reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    reader.releaseLock();
  }
}

/**
 * Copies `body` into `sink` (closing it at the end, aborting it on failure) while digesting it.
 * Throws the RegistryError of a broken limit, or what the body or sink failed with.
 */
export async function copyWithDigests(body: ReadableStream<Uint8Array>, sink: WritableStream<Uint8Array> | null, limits: DigestingLimits): Promise<Digests> {
  const digester = new Digester(limits);
  const writer = sink?.getWriter() ?? null;
  writer?.closed.catch(() => {}); // an aborted sink rejects `closed`; the write or close reports it
  try {
    await forEachChunk(
      body,
      (chunk) => digester.update(chunk),
      async (chunk) => {
        if (writer) await writer.write(chunk);
      },
    );
    const digests = await digester.finish();
    await writer?.close();
    return digests;
  } catch (error) {
    digester.abort(error);
    await writer?.abort(error).catch(() => {});
    throw error;
  }
}
