/**
 * A pass-through stream that computes sha256, sha1, md5 and sha512 of everything that
 * flows through it in one pass (crypto.DigestStream), counts bytes, and enforces the
 * declared length and the size limit — so a cut-off or oversized body fails the pipe.
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

export class DigestingStream extends TransformStream<Uint8Array, Uint8Array> {
  /** The reason this stream failed, if it did (the sink may report a vaguer error). */
  failure: RegistryError | undefined;
  readonly digests: Promise<Digests>;

  constructor(limits: DigestingLimits) {
    const hashers = Object.entries(algorithms).map(([name, algorithm]) => {
      const stream = new crypto.DigestStream(algorithm);
      return { name: name as AlgorithmName, stream, writer: stream.getWriter() };
    });
    let size = 0;
    let resolveSize: (n: number) => void = () => {};
    const finalSize = new Promise<number>((resolve) => (resolveSize = resolve));
    const fail = (error: RegistryError): never => {
      this.failure = error;
      for (const h of hashers) h.writer.abort(error).catch(() => {});
      throw error;
    };

    super({
      async transform(chunk, controller) {
        size += chunk.byteLength;
        if (limits.maxSize !== undefined && size > limits.maxSize) {
          fail(new RegistryError("too_large", `file exceeds the repository limit of ${limits.maxSize} bytes`));
        }
        if (limits.declaredSize !== undefined && size > limits.declaredSize) {
          fail(new RegistryError("bad_request", "body is longer than its Content-Length"));
        }
        await Promise.all(hashers.map((h) => h.writer.write(chunk)));
        controller.enqueue(chunk);
      },
      async flush() {
        if (size === 0 && !limits.allowEmpty) fail(new RegistryError("body_empty", "request body is empty"));
        if (limits.declaredSize !== undefined && size !== limits.declaredSize) {
          fail(new RegistryError("bad_request", `body ended after ${size} of ${limits.declaredSize} declared bytes`));
        }
        await Promise.all(hashers.map((h) => h.writer.close()));
        resolveSize(size);
      },
    });

    this.digests = (async () => {
      const values = await Promise.all(hashers.map(async (h) => [h.name, toHex(await h.stream.digest)] as const));
      const result: Digests = { sha256: "", sha1: "", md5: "", sha512: "", size: await finalSize };
      for (const [name, hex] of values) result[name] = hex;
      return result;
    })();
    // The digests promise is only awaited on success; keep a failed one from going unhandled.
    this.digests.catch(() => {});
  }
}
