/**
 * Small request readers shared by format routes: the raw (still percent-encoded) path after
 * a format's `/{format}/{repo}/` mount, and the declared `Content-Length` (a 400 when it is not
 * a number). Generic and Maven still have their own copies of `declaredLength`.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";

/**
 * `new URL(url).pathname` of a URL as the runtime serialized it (`request.url`: absolute,
 * http(s), so the path starts at the first "/" after the host), without parsing it again —
 * the request log and the warm-hit path read it on every request.
 */
export function pathnameOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  const fragment = url.indexOf("#", start);
  const end = Math.min(query < 0 ? url.length : query, fragment < 0 ? url.length : fragment);
  return url.slice(start, end);
}

/** The path after `/{format}/{repo}/`, as sent (escapes kept); "" for the repository root. */
export function pathAfterRepository(c: Context<AppEnv>, format: string): string {
  const raw = new URL(c.req.url).pathname;
  const prefix = `/${format}/${c.req.param("repo") ?? ""}/`;
  return raw.startsWith(prefix) ? raw.slice(prefix.length) : "";
}

export function declaredLength(c: Context<AppEnv>): number | undefined {
  const header = c.req.header("Content-Length");
  if (header === undefined) return undefined;
  if (!/^\d+$/.test(header)) throw new RegistryError("bad_request", "Content-Length is not a number", { field: "Content-Length" });
  return Number(header);
}
