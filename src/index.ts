/** Worker entry: HTTP via the Hono app, cron via the background jobs, and the Durable Object classes. */
import { buildApp } from "./app";
import { countRoundTrips } from "./db/round-trips";
import type { Bindings } from "./env";
import { runScheduledJobs } from "./jobs/scheduled";

export { KeyedLock } from "./locks/keyed-lock";
export { IndexBuilder } from "./repositories/index-builder";
export { CacheFill } from "./virtual/cache-fill";
export { DocumentBuilder } from "./virtual/derived-document";

const app = buildApp();

export default {
  async fetch(request: Request, env: Bindings, ctx: ExecutionContext): Promise<Response> {
    if (env.D1_ROUND_TRIPS_HEADER !== "1") return app.fetch(request, env, ctx);
    // Benchmarks: how many sequential D1 round trips this response cost (work left to waitUntil excluded).
    const counter = countRoundTrips(env.DB);
    const response = await app.fetch(request, { ...env, DB: counter.d1 }, ctx);
    const reported = new Response(response.body, response);
    reported.headers.set("X-D1-Round-Trips", String(counter.counts.roundTrips));
    return reported;
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledJobs(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;
