/**
 * Counts the R2 and Durable Object calls one request makes (beside the D1 counter in
 * src/db/round-trips.ts), for benchmarks and read-path tests: proxies around the R2 bucket
 * and the Durable Object namespaces note every call. R2: each bucket method (`get`, `head`,
 * `put`, `list`, `delete`, multipart create/resume). Durable Objects: each method called on a
 * stub (RPC or `fetch`). Work inside a Durable Object is not counted: it runs with its own
 * bindings, and the call that reached it already counted as one hop.
 */
import type { RoundTrips } from "../db/round-trips";
import type { Bindings } from "../env";
import { withHeaders } from "./response-headers";

export interface BindingCalls {
  r2: number;
  durableObjects: number;
}

const DO_BINDINGS = ["LOCKS", "FILLS", "BUILDERS", "INDEXES"] as const;

function countedBucket(bucket: R2Bucket, counts: BindingCalls): R2Bucket {
  return new Proxy(bucket, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counts.r2++;
        return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      };
    },
  });
}

function countedStub<T extends object>(stub: T, counts: BindingCalls): T {
  return new Proxy(stub, {
    get(target, prop) {
      // `then` must stay absent (a stub is not a thenable); `id`/`name` are properties, not calls.
      if (typeof prop === "symbol" || prop === "then" || prop === "id" || prop === "name") return Reflect.get(target, prop);
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counts.durableObjects++;
        return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      };
    },
  });
}

function countedNamespace<T extends object>(namespace: T, counts: BindingCalls): T {
  return new Proxy(namespace, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      const call = (...args: unknown[]) => Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      if (prop === "get" || prop === "getByName") return (...args: unknown[]) => countedStub(call(...args) as object, counts);
      return call;
    },
  });
}

/** `env` with counting R2 and Durable Object bindings, and the counts they fill. */
export function countBindingCalls(env: Bindings): { counts: BindingCalls; env: Bindings } {
  const counts: BindingCalls = { r2: 0, durableObjects: 0 };
  const counted: Bindings = { ...env, BLOBS: countedBucket(env.BLOBS, counts) };
  for (const name of DO_BINDINGS) (counted as unknown as Record<string, object>)[name] = countedNamespace(env[name], counts);
  return { counts, env: counted };
}

/**
 * Asks for the counts: with D1_ROUND_TRIPS_HEADER "1", only a request carrying this header is
 * counted (the proxies and four headers are not free: a benchmark's measured load runs
 * without them, and one more request with the header reads what it cost).
 */
export const REPORT_CALLS_HEADER = "X-Report-Calls";

/**
 * The response with the counts as headers (D1_ROUND_TRIPS_HEADER "1" and REPORT_CALLS_HEADER sent):
 * `X-D1-Round-Trips` (sequential periods with a D1 call in flight), `X-D1-Statements`,
 * `X-R2-Calls`, `X-DO-Calls`. bench/lib/call-counts.mjs reads them.
 */
export function withCallCounts(response: Response, d1: RoundTrips, calls: BindingCalls): Response {
  return withHeaders(response, (headers) => {
    headers.set("X-D1-Round-Trips", String(d1.roundTrips));
    headers.set("X-D1-Statements", String(d1.statements));
    headers.set("X-R2-Calls", String(calls.r2));
    headers.set("X-DO-Calls", String(calls.durableObjects));
  });
}
