/** The drizzle client over D1; every query module takes one of these. */
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = ReturnType<typeof openDatabase>;

/** One drizzle client per D1 handle: building one walks the whole schema (~0.4 ms), and a request opens several. */
const clients = new WeakMap<D1Database, ReturnType<typeof build>>();

function build(d1: D1Database) {
  return drizzle(d1, { schema });
}

/**
 * A stand-in that builds the client on first use. A warm read answered from the isolate's
 * caches runs no query, and building the client (relational config of every table) was the
 * largest piece of such a request's own JS (bench/README.md "Where a warm hit's time goes").
 */
function lazy(d1: D1Database): ReturnType<typeof build> {
  let client: ReturnType<typeof build> | undefined;
  const real = () => (client ??= build(d1));
  // Methods run with `this` = the stand-in, so their own property reads come back here too.
  return new Proxy(Object.create(null) as ReturnType<typeof build>, {
    get: (_, prop) => Reflect.get(real(), prop),
    set: (_, prop, value) => Reflect.set(real(), prop, value),
    has: (_, prop) => Reflect.has(real(), prop),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

/**
 * The drizzle client over `d1`, one per handle, built when first used. A request's handle is
 * its own D1 session (src/db/session.ts), so per-request memos keyed on the client
 * (remembered virtual members) end with the request.
 */
export function openDatabase(d1: D1Database) {
  let client = clients.get(d1);
  if (!client) clients.set(d1, (client = lazy(d1)));
  return client;
}

/** True when a D1 error is a UNIQUE constraint violation (how races surface). */
export function isUniqueViolation(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
  return text.includes("UNIQUE constraint failed");
}
