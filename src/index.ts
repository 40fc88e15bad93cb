/** Worker entry: HTTP via the Hono app, cron via the background jobs, and the Durable Object classes. */
import { buildApp } from "./app";
import type { Bindings } from "./env";
import { runScheduledJobs } from "./jobs/scheduled";

export { KeyedLock } from "./locks/keyed-lock";
export { IndexBuilder } from "./repositories/index-builder";
export { CacheFill } from "./virtual/cache-fill";
export { DocumentBuilder } from "./virtual/derived-document";

const app = buildApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledJobs(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;
