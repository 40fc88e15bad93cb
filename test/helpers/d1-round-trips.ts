/**
 * Counts the D1 round trips one request makes, by running the Worker's own fetch with a
 * counting proxy around the D1 binding. Each D1 call is held back by a simulated network
 * latency before it runs, so calls a request makes concurrently (Promise.all, a lookup
 * started beside another) overlap deterministically; a round trip is a period with at
 * least one D1 call in flight. A `batch` is one call. Counts are taken when the response
 * is returned (work left to `waitUntil` is not on the read path).
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { countRoundTrips as countingD1, type RoundTrips } from "../../src/db/round-trips";
import { countBindingCalls, type BindingCalls } from "../../src/http/binding-calls";
import worker from "../../src/index";

const SIMULATED_LATENCY_MS = 30;

export type { RoundTrips } from "../../src/db/round-trips";

/**
 * Runs one request through the Worker and returns its response with the D1 round trips it
 * made and (`calls`) its R2 and Durable Object calls; `vars` overrides environment variables.
 */
export async function countRoundTrips(request: Request, vars: Record<string, string> = {}): Promise<{ response: Response; counts: RoundTrips; calls: BindingCalls }> {
  const counter = countingD1(env.DB, () => scheduler.wait(SIMULATED_LATENCY_MS));
  const bindings = countBindingCalls({ ...env, ...vars });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...bindings.env, DB: counter.d1 }, ctx);
  const snapshot = { ...counter.counts };
  const calls = { ...bindings.counts };
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return { response: new Response(request.method === "HEAD" || response.status === 304 ? null : body, response), counts: snapshot, calls };
}

/**
 * The round trips of a warm GET of `url` (Bearer `token`, or anonymous): one request first
 * (fills caches, builds what a first read builds; must answer 200), the buffered download
 * counts flushed, then the measured request.
 */
export async function warmReadRoundTrips(url: string, token: string | null): Promise<RoundTrips> {
  const request = () => new Request(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const first = await countRoundTrips(request());
  if (first.response.status !== 200) throw new Error(`${url}: ${first.response.status} on the warming read`);
  const { flushDownloads } = await import("../../src/repositories/download-counter");
  const { openDatabase } = await import("../../src/db/client");
  await flushDownloads(openDatabase(env.DB));
  return (await countRoundTrips(request())).counts;
}
