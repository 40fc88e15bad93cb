/**
 * A fake public upstream at the network level (MSW), counting requests per path. Only
 * what is outside our control is mocked: the Worker's own code runs unchanged.
 */
import { http, HttpResponse, type HttpResponseResolver } from "msw";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { setupServer } from "msw/node";

export const UPSTREAM = "https://upstream.test";

export interface FakeFile {
  body: string | Uint8Array;
  etag?: string;
  lastModified?: string;
  contentType?: string;
}

export class FakeUpstream {
  readonly files = new Map<string, FakeFile>();
  readonly requests: { path: string; headers: Headers }[] = [];
  /** When set, every request answers this status (e.g. 500) or fails at the network ("down"). */
  failure: number | "down" | null = null;
  private readonly server = setupServer(http.all(`${UPSTREAM}/*`, this.handle));

  start(): void {
    this.server.listen({ onUnhandledRequest: "bypass" });
  }

  stop(): void {
    this.server.close();
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  private get handle(): HttpResponseResolver {
    return ({ request }) => {
      const path = new URL(request.url).pathname;
      this.requests.push({ path, headers: request.headers });
      if (this.failure === "down") return HttpResponse.error();
      if (this.failure !== null) return new HttpResponse("upstream broke", { status: this.failure });
      const file = this.files.get(path);
      if (!file) return new HttpResponse("not here", { status: 404 });
      const headers = new Headers({ "Content-Type": file.contentType ?? "application/octet-stream" });
      if (file.etag) headers.set("ETag", file.etag);
      if (file.lastModified) headers.set("Last-Modified", file.lastModified);
      if (file.etag && request.headers.get("If-None-Match") === file.etag) return new HttpResponse(null, { status: 304, headers });
      return new HttpResponse(file.body, { status: 200, headers });
    };
  }
}

/** A FakeUpstream listening for the whole test file, with its failure mode and log reset before each test. */
export function useFakeUpstream(): FakeUpstream {
  const upstream = new FakeUpstream();
  beforeAll(() => upstream.start());
  afterAll(() => upstream.stop());
  beforeEach(() => {
    upstream.failure = null;
    upstream.requests.length = 0;
  });
  return upstream;
}
