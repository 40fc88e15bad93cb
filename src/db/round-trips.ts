/**
 * Counts the D1 round trips of one request (docs/architecture.md "Read-path budget"): a
 * proxy around the D1 binding notes every call; a round trip is a period with at least one
 * call in flight, so calls made concurrently (Promise.all, a lookup started beside another)
 * count once. A `batch` is one call. Used by the read-path tests (with a simulated latency
 * so overlaps are deterministic) and, when `D1_ROUND_TRIPS_HEADER` is "1", by the Worker to
 * report `X-D1-Round-Trips` on each response to a request sending `X-Report-Calls` (benchmarks print it).
 */

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

export interface RoundTripCounter {
  readonly counts: RoundTrips;
  /** The binding to hand the Worker in place of the real one. */
  readonly d1: D1Database;
}

/** Wraps `d1`; `beforeCall` (tests: a simulated network latency) runs inside each call. */
export function countRoundTrips(d1: D1Database, beforeCall?: () => Promise<void>): RoundTripCounter {
  const counts: RoundTrips = { roundTrips: 0, calls: 0, statements: 0, writes: 0 };
  let inFlight = 0;
  const originals = new WeakMap<object, D1PreparedStatement>();
  const sqlOf = new WeakMap<object, string>();
  const track = async <T>(statements: readonly string[], run: () => Promise<T>): Promise<T> => {
    if (inFlight++ === 0) counts.roundTrips++;
    counts.calls++;
    counts.statements += statements.length;
    counts.writes += statements.filter((s) => !/^\s*(select|with)\b/i.test(s)).length;
    try {
      if (beforeCall) await beforeCall();
      return await run();
    } finally {
      inFlight--;
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
  const counted = <T extends D1Database | D1DatabaseSession>(database: T): T =>
    new Proxy(database, {
      get(target, prop) {
        if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
        // A D1 session (src/db/session.ts) is counted like the binding it came from.
        if (prop === "withSession" && "withSession" in target) return (start?: string) => counted(target.withSession(start));
        if (prop === "batch") {
          return (statements: D1PreparedStatement[]) =>
            track(statements.map((s) => sqlOf.get(s) ?? ""), () => target.batch(statements.map((s) => originals.get(s) ?? s)));
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return { counts, d1: counted(d1) };
}
