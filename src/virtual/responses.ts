/** Responses of the remote/virtual engine, labelled with the serving member and cache state. */
import type { CacheStatus } from "./remote-source";

/** Adds `X-Registry-Member` and `X-Cache` to a response (copying it if its headers are immutable). */
export function labelled(response: Response, member: string, cache: CacheStatus): Response {
  const copy = new Response(response.body, response);
  copy.headers.set("X-Registry-Member", member);
  copy.headers.set("X-Cache", cache);
  return copy;
}
