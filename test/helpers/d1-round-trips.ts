/**
 * Counts the D1 round trips one request makes, by running the Worker's own fetch with a
 * counting proxy around the D1 binding. Each D1 call is held back by a simulated network
 * latency before it runs, so calls a request makes concurrently (Promise.all, a lookup
 * started beside another) overlap deterministically; a round trip is a period with at
 * least one D1 call in flight. A `batch` is one call. Counts are taken when the response
 * is returned (work left to `waitUntil` is not on the read path).
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";

const SIMULATED_LATENCY_MS = 30;

export interface RoundTrips {
  /** Sequential round trips: periods with at least one D1 call in flight. */
  roundTrips: number;
  /** D1 calls (a batch counts once). */
  calls: number;
  /** SQL statements sent, batches counted by their statements. */
  statements: number;
  /** Statements that are not reads (INSERT, UPDATE, DELETE). */
  writes: number;
}

function countingD1(d1: D1Database, counts: RoundTrips & { inFlight: number }): D1Database {
  const originals = new WeakMap<object, D1PreparedStatement>();
  const sqlOf = new WeakMap<object, string>();
  const track = async <T>(statements: readonly string[], run: () => Promise<T>): Promise<T> => {
    if (counts.inFlight++ === 0) counts.roundTrips++;
    counts.calls++;
    counts.statements += statements.length;
    counts.writes += statements.filter((s) => !/^\s*(select|with)\b/i.test(s)).length;
    try {
      await scheduler.wait(SIMULATED_LATENCY_MS);
      return await run();
    } finally {
      counts.inFlight--;
    }
  };
  const wrap = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values), sql);
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          return (...args: unknown[]) => track([sql], () => (target[prop] as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    originals.set(proxy, statement);
    sqlOf.set(proxy, sql);
    return proxy;
  };
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) =>
          track(statements.map((s) => sqlOf.get(s) ?? ""), () => target.batch(statements.map((s) => originals.get(s) ?? s)));
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Runs one request through the Worker and returns its response with the D1 round trips it made. */
export async function countRoundTrips(request: Request): Promise<{ response: Response; counts: RoundTrips }> {
  const counts = { roundTrips: 0, calls: 0, statements: 0, writes: 0, inFlight: 0 };
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, DB: countingD1(env.DB, counts) }, ctx);
  const { inFlight: _, ...snapshot } = counts;
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return { response: new Response(request.method === "HEAD" ? null : body, response), counts: snapshot };
}
