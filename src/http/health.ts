/** `/healthz`: liveness plus D1 and R2 reachability, for load balancers and the e2e harness. */
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const healthRoutes = new Hono<AppEnv>();

healthRoutes.get("/healthz", async (c) => {
  const [d1, r2] = await Promise.allSettled([c.env.DB.prepare("SELECT 1").first(), c.env.BLOBS.head("healthz")]);
  const body = { status: d1.status === "fulfilled" && r2.status === "fulfilled" ? "ok" : "degraded", d1: d1.status === "fulfilled", r2: r2.status === "fulfilled" };
  return c.json(body, body.status === "ok" ? 200 : 503);
});
