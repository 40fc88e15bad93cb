/** Worker entry: HTTP via the Hono app, cron via the background jobs, and the Durable Object classes. */
import { buildApp } from "./app";
import { countRoundTrips } from "./db/round-trips";
import { countBindingCalls, REPORT_CALLS_HEADER, withCallCounts } from "./http/binding-calls";
import { openRequestSession } from "./db/session";
import type { Bindings } from "./env";
import { runScheduledJobs } from "./jobs/scheduled";
import { answerWarmHit } from "./virtual/warm-hits";

export { KeyedLock } from "./locks/keyed-lock";
export { IndexBuilder } from "./repositories/index-builder";
export { CacheFill } from "./virtual/cache-fill";
export { DocumentBuilder } from "./virtual/derived-document";

const app = buildApp();

export default {
  async fetch(request: Request, env: Bindings, ctx: ExecutionContext): Promise<Response> {
    // Benchmarks: the binding calls this response cost (work left to waitUntil excluded), for
    // the requests that ask; the load a benchmark measures runs without the counters.
    const counting = env.D1_ROUND_TRIPS_HEADER === "1" && request.headers.has(REPORT_CALLS_HEADER);
    const bindings = counting ? countBindingCalls(env) : null;
    // A warm read cache hit needs no D1 session and no app (src/virtual/warm-hits.ts).
    const hit = await answerWarmHit(request, bindings?.env ?? env, ctx);
    if (hit) return bindings ? withCallCounts(hit, { roundTrips: 0, calls: 0, statements: 0, writes: 0 }, bindings.counts) : hit;
    // One D1 session per request: replicas where the caller's bookmark allows (src/db/session.ts).
    const session = openRequestSession(env.DB, request);
    if (!bindings) return session.finish(request, await app.fetch(request, { ...env, DB: session.db }, ctx));
    const counter = countRoundTrips(session.db);
    const response = await app.fetch(request, { ...bindings.env, DB: counter.d1 }, ctx);
    return session.finish(request, withCallCounts(response, counter.counts, bindings.counts));
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledJobs(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;
