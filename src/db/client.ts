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
 * The drizzle client over `d1`, built once per handle. A request's handle is its own D1
 * session (src/db/session.ts), so per-request memos keyed on the client (remembered virtual
 * members) end with the request.
 */
export function openDatabase(d1: D1Database) {
  let client = clients.get(d1);
  if (!client) clients.set(d1, (client = build(d1)));
  return client;
}

/** True when a D1 error is a UNIQUE constraint violation (how races surface). */
export function isUniqueViolation(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
  return text.includes("UNIQUE constraint failed");
}
