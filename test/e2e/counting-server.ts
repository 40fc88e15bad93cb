/**
 * A tiny upstream for remote repositories in e2e tests and benchmarks: a node:http server
 * on 127.0.0.1 that serves files from memory and counts every request per path, so a test
 * can say exactly how often the registry went upstream.
 *
 * - GET/HEAD of a known path: 200 with Content-Length, Content-Type and a strong ETag
 *   (sha256); `If-None-Match` with that ETag answers 304. Unknown paths: 404.
 * - `delayMs` (per file) holds the response headers back, so concurrent callers really
 *   overlap while the registry's single upstream fetch is in flight.
 * - `stop()` closes the listener and every open connection: afterwards the port refuses,
 *   which is what a dead upstream looks like to the registry.
 *
 * Only erasable TypeScript and node built-ins (bench/*.mjs import this file under Node 24).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface ServedFile {
  body: Uint8Array;
  contentType?: string;
  /** Wait this long before answering (default 0). */
  delayMs?: number;
}

export interface UpstreamRequest {
  method: string;
  /** Path without the query string, as received (still percent-encoded). */
  path: string;
  status: number;
  at: number;
}

export interface CountingServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  baseUrl: string;
  port: number;
  /** Adds or replaces a file at `path` (leading slash, as requested on the wire). */
  put(path: string, file: ServedFile | Uint8Array | string): void;
  /** Every request so far, in arrival order. */
  readonly requests: readonly UpstreamRequest[];
  /** Requests seen for `path` (any method or status). */
  count(path: string): number;
  /** Requests whose path satisfies `test`. */
  countWhere(test: (path: string) => boolean): number;
  /** Forgets the request log (files stay). */
  reset(): void;
  /** Closes the listener and all connections; idempotent. */
  stop(): Promise<void>;
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

export async function startCountingServer(): Promise<CountingServer> {
  const files = new Map<string, { body: Uint8Array; contentType: string; delayMs: number; etag: string }>();
  const requests: UpstreamRequest[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    const file = files.get(path);
    const record = (status: number): void => {
      requests.push({ method, path, status, at: Date.now() });
    };
    if (method !== "GET" && method !== "HEAD") {
      record(405);
      res.writeHead(405).end();
      return;
    }
    if (!file) {
      record(404);
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    const answer = (): void => {
      if (req.headers["if-none-match"] === file.etag) {
        record(304);
        res.writeHead(304, { ETag: file.etag }).end();
        return;
      }
      record(200);
      res.writeHead(200, { "Content-Type": file.contentType, "Content-Length": String(file.body.byteLength), ETag: file.etag });
      res.end(method === "HEAD" ? undefined : file.body);
    };
    if (file.delayMs > 0) setTimeout(answer, file.delayMs);
    else answer();
  };

  const server: Server = createServer(handle);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((done, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => done());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  let stopped: Promise<void> | null = null;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    put(path, file) {
      const served: ServedFile = typeof file === "string" ? { body: new TextEncoder().encode(file) } : file instanceof Uint8Array ? { body: file } : file;
      files.set(path, {
        body: served.body,
        contentType: served.contentType ?? "application/octet-stream",
        delayMs: served.delayMs ?? 0,
        etag: `"${sha256(served.body)}"`,
      });
    },
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    countWhere: (test) => requests.filter((r) => test(r.path)).length,
    reset() {
      requests.length = 0;
    },
    stop() {
      stopped ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
