/**
 * The HTTP client for one remote repository's upstream: URL resolution (the remote's base
 * URL + a path, or an absolute URL on any host), credentials (see upstream-auth.ts: stored
 * credentials only to the upstream's own origin, token challenges answered once),
 * conditional revalidation headers, a timeout until the response headers arrive, and
 * redirects followed by hand so credentials never follow a redirect to another host.
 * Every outcome is classified so the cache can decide what to keep: only 404/410 are
 * "missing" (negatively cacheable); 5xx, 401/403, timeouts and network errors are
 * "unavailable" (serve stale, never cache).
 */
import type { RemoteConfigRow } from "../db/repositories";
import { UpstreamAuth } from "./upstream-auth";

export type UpstreamOutcome =
  | { kind: "ok"; response: Response }
  | { kind: "not-modified" }
  | { kind: "missing"; status: number }
  | { kind: "unavailable"; reason: string };

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export interface UpstreamRequestOptions {
  validators?: Validators;
  credentialsKey: string | undefined;
  accept?: string;
  /** An absolute URL (any host) to fetch instead of the remote's base URL + path. */
  url?: string;
  /** Hosts besides the remote URL's own that may receive its stored credentials. */
  credentialHosts?: readonly string[];
  /** The token scope the upstream will challenge for (see UpstreamAuth). */
  tokenScope?: string;
  /** Default GET. */
  method?: "GET" | "HEAD";
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** Joins the upstream base URL and a repository-relative path (already percent-encoded). */
export function upstreamUrl(base: string, path: string): string {
  return `${base.endsWith("/") ? base : `${base}/`}${path.replace(/^\/+/, "")}`;
}

/** The URL to fetch: an absolute http(s) URL as given (any host), else the base URL + path. */
export function resolveUpstreamUrl(base: string, path: string, absolute?: string): string {
  if (absolute === undefined) return upstreamUrl(base, path);
  const url = URL.parse(absolute);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) throw new Error(`upstream URL ${absolute} is not an absolute http(s) URL`);
  return url.toString();
}

/** Picks the named headers (case-insensitive) of an upstream response, as lower-case name → value. */
export function keptHeaders(headers: Headers, names: readonly string[] | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names ?? []) {
    const value = headers.get(name);
    if (value !== null) kept[name.toLowerCase()] = value;
  }
  return kept;
}

export async function fetchUpstream(config: RemoteConfigRow, path: string, options: UpstreamRequestOptions): Promise<UpstreamOutcome> {
  const headers = new Headers({ "User-Agent": "edge-registry" });
  if (options.accept) headers.set("Accept", options.accept);
  if (options.validators?.etag) headers.set("If-None-Match", options.validators.etag);
  if (options.validators?.lastModified) headers.set("If-Modified-Since", options.validators.lastModified);
  const auth = new UpstreamAuth(config, options.credentialsKey, options.credentialHosts, options.tokenScope);
  // The timeout covers the wait for the response headers; a stalled body is cut by the fill's idle timeout.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException("upstream timed out", "TimeoutError")), config.timeoutMs);
  let response: Response;
  try {
    const url = resolveUpstreamUrl(config.url, path, options.url);
    const method = options.method ?? "GET";
    const first = await send(new URL(url), method, headers, auth, abort.signal);
    response = first.response;
    if (response.status === 401 && (await auth.answerChallenge(first.url, response))) {
      await response.body?.cancel();
      response = (await send(new URL(url), method, headers, auth, abort.signal)).response;
    }
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { kind: "unavailable", reason: timedOut ? `upstream timed out after ${config.timeoutMs} ms` : `upstream unreachable: ${String(error)}` };
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 304) return { kind: "not-modified" };
  if (response.ok) return { kind: "ok", response };
  await response.body?.cancel();
  if (response.status === 404 || response.status === 410) return { kind: "missing", status: response.status };
  return { kind: "unavailable", reason: `upstream answered ${response.status}` };
}

/** One request with redirects followed; each hop gets only the credentials its origin may see. */
async function send(start: URL, method: "GET" | "HEAD", headers: Headers, auth: UpstreamAuth, signal: AbortSignal): Promise<{ response: Response; url: URL }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const hopHeaders = new Headers(headers);
    const authorization = await auth.headerFor(url);
    if (authorization) hopHeaders.set("Authorization", authorization);
    const response = await fetch(url, { method, headers: hopHeaders, redirect: "manual", signal });
    const location = response.headers.get("Location");
    if (!REDIRECT_STATUSES.has(response.status) || !location) return { response, url };
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${start.origin}`);
    url = new URL(location, url);
  }
}
