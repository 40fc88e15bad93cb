/** Worker entry: HTTP via the Hono app, cron via the background jobs, and the Durable Object classes. */
import { buildApp } from "./app";
import { countRoundTrips } from "./db/round-trips";
import { countBindingCalls, withCallCounts } from "./http/binding-calls";
import { openRequestSession } from "./db/session";
import type { Bindings } from "./env";
import { runScheduledJobs } from "./jobs/scheduled";

export { KeyedLock } from "./locks/keyed-lock";
export { IndexBuilder } from "./repositories/index-builder";
export { CacheFill } from "./virtual/cache-fill";
export { DocumentBuilder } from "./virtual/derived-document";

const app = buildApp();

export default {
  async fetch(request: Request, env: Bindings, ctx: ExecutionContext): Promise<Response> {
    // One D1 session per request: replicas where the caller's bookmark allows (src/db/session.ts).
    const session = openRequestSession(env.DB, request);
    if (env.D1_ROUND_TRIPS_HEADER !== "1") return session.finish(request, await app.fetch(request, { ...env, DB: session.db }, ctx));
    // Benchmarks: the binding calls this response cost (work left to waitUntil excluded).
    const counter = countRoundTrips(session.db);
    const bindings = countBindingCalls(env);
    const response = await app.fetch(request, { ...bindings.env, DB: counter.d1 }, ctx);
    return session.finish(request, withCallCounts(response, counter.counts, bindings.counts));
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledJobs(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;
