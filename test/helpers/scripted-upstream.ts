/**
 * Public upstreams on several hosts at the network level (MSW), each URL answered by a
 * handler the test writes (redirects, 401 challenges, bodies that arrive in parts), with
 * every request logged. Only what is outside our control is mocked; the Worker, its D1, R2
 * and Durable Objects run unchanged. For remote fills that go through our RemoteSource API
 * directly (as a format would), `remoteSourceFor` builds one on the test's real bindings.
 */
import { bootstrapAdmin } from "../../src/auth/principal";
import { env } from "cloudflare:test";
import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { openDatabase } from "../../src/db/client";
import { findRepository } from "../../src/db/repositories";
import { BlobStore } from "../../src/storage/blob-store";
import { RemoteSource } from "../../src/virtual/remote-source";
import { createRepository } from "./client";

export type Handler = (request: Request) => Response | Promise<Response>;

export interface LoggedRequest {
  url: string;
  method: string;
  headers: Headers;
}

export class ScriptedUpstream {
  readonly requests: LoggedRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly server = setupServer(
    http.all("*", async ({ request }) => {
      const url = new URL(request.url);
      if (!url.hostname.endsWith(".test") || url.hostname === "registry.test") return undefined;
      this.requests.push({ url: request.url, method: request.method, headers: request.headers });
      const handler = this.routes.get(`${url.origin}${url.pathname}`);
      return handler ? handler(request as unknown as Request) : new Response("not here", { status: 404 });
    }),
  );

  start(): void {
    this.server.listen({ onUnhandledRequest: "bypass" });
  }

  stop(): void {
    this.server.close();
  }

  /** Answers `url` (origin + path, query ignored) with `handler`. */
  on(url: string, handler: Handler): void {
    this.routes.set(url, handler);
  }

  /** Requests whose URL (without query) is `url`. */
  to(url: string): LoggedRequest[] {
    return this.requests.filter((r) => r.url.split("?")[0] === url);
  }

  reset(): void {
    this.routes.clear();
    this.requests.length = 0;
  }
}

export function useScriptedUpstream(): ScriptedUpstream {
  const upstream = new ScriptedUpstream();
  beforeAll(() => upstream.start());
  afterAll(() => upstream.stop());
  beforeEach(() => upstream.reset());
  return upstream;
}

let n = 0;

/** A new private remote repository (generic format) on `url`; returns its name. */
export async function createRemote(url: (name: string) => string, settings: Record<string, unknown> = {}): Promise<string> {
  const name = `fill-${Date.now().toString(36)}-${++n}`;
  await createRepository({ name, format: "generic", kind: "remote", visibility: "private", remote: { url: url(name), ...settings } });
  return name;
}

/**
 * A RemoteSource for repository `name` on the test's real D1, R2 and CacheFill objects;
 * work it hands to `waitUntil` is collected in `background` for the test to await.
 */
export async function remoteSourceFor(name: string, background: Promise<unknown>[] = []): Promise<RemoteSource> {
  const db = openDatabase(env.DB);
  const repository = await findRepository(db, name);
  if (!repository) throw new Error(`no repository ${name}`);
  const context = {
    db,
    blobs: new BlobStore(db, env.BLOBS),
    bucket: env.BLOBS,
    principal: bootstrapAdmin(),
    requestId: "test",
    requestStartedAt: Date.now(),
    waitUntil: (promise: Promise<unknown>) => {
      background.push(promise);
    },
  } as ConstructorParameters<typeof RemoteSource>[1];
  return new RemoteSource(repository, context, env);
}

/**
 * A body the test releases in steps: each `send` queues bytes, `end` closes, `cut` errors it
 * mid-way. The stream itself is made inside the upstream handler (`stream()`), i.e. in the
 * context of the Durable Object that fetches it: workerd forbids one request context from
 * settling another's promises or streams, so the test only queues plain commands here and
 * the stream picks them up (polling with a short timer in its own context). Events are
 * logged when the upstream actually sends them.
 */
export class ControlledBody {
  readonly events: string[] = [];
  private readonly commands: ({ kind: "send"; bytes: Uint8Array; label: string } | { kind: "end" | "cut"; label: string })[] = [];

  send(bytes: Uint8Array, label: string): void {
    this.commands.push({ kind: "send", bytes, label });
  }

  end(label = "upstream finished"): void {
    this.commands.push({ kind: "end", label });
  }

  cut(label = "upstream cut off"): void {
    this.commands.push({ kind: "cut", label });
  }

  /** A new stream over the queued commands; call it inside the upstream handler. */
  stream(): ReadableStream<Uint8Array> {
    let cancelled = false;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (this.commands.length === 0 && !cancelled) await new Promise((resolve) => setTimeout(resolve, 2));
        const command = this.commands.shift();
        if (!command) return;
        this.events.push(command.label);
        if (command.kind === "send") controller.enqueue(command.bytes);
        else if (command.kind === "end") controller.close();
        else controller.error(new Error("connection reset"));
      },
      cancel: () => {
        cancelled = true;
      },
    });
  }
}
