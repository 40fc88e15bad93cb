/**
 * The HTTP client for one remote repository's upstream: URL joining, credentials (Basic
 * when a username is set, else Bearer), conditional revalidation headers, a timeout, and
 * redirects followed. Every outcome is classified so the cache can decide what to keep:
 * only 404/410 are "missing" (negatively cacheable); 5xx, timeouts and network errors are
 * "unavailable" (serve stale, never cache).
 */
import { decryptSecret } from "../auth/secrets";
import type { RemoteConfigRow } from "../db/repositories";

export type UpstreamOutcome =
  | { kind: "ok"; response: Response }
  | { kind: "not-modified" }
  | { kind: "missing"; status: number }
  | { kind: "unavailable"; reason: string };

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

/** Joins the upstream base URL and a repository-relative path (already percent-encoded). */
export function upstreamUrl(base: string, path: string): string {
  return `${base.endsWith("/") ? base : `${base}/`}${path.replace(/^\/+/, "")}`;
}

async function authorization(config: RemoteConfigRow, credentialsKey: string | undefined): Promise<string | null> {
  if (!config.secretEncrypted) return null;
  const secret = await decryptSecret(config.secretEncrypted, credentialsKey);
  if (config.username) return `Basic ${btoa(`${config.username}:${secret}`)}`;
  return `Bearer ${secret}`;
}

export async function fetchUpstream(
  config: RemoteConfigRow,
  path: string,
  options: { validators?: Validators; credentialsKey: string | undefined; accept?: string },
): Promise<UpstreamOutcome> {
  const headers = new Headers({ "User-Agent": "edge-registry" });
  const auth = await authorization(config, options.credentialsKey);
  if (auth) headers.set("Authorization", auth);
  if (options.accept) headers.set("Accept", options.accept);
  if (options.validators?.etag) headers.set("If-None-Match", options.validators.etag);
  if (options.validators?.lastModified) headers.set("If-Modified-Since", options.validators.lastModified);
  let response: Response;
  try {
    response = await fetch(upstreamUrl(config.url, path), { headers, redirect: "follow", signal: AbortSignal.timeout(config.timeoutMs) });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { kind: "unavailable", reason: timedOut ? `upstream timed out after ${config.timeoutMs} ms` : `upstream unreachable: ${String(error)}` };
  }
  if (response.status === 304) return { kind: "not-modified" };
  if (response.ok) return { kind: "ok", response };
  await response.body?.cancel();
  if (response.status === 404 || response.status === 410) return { kind: "missing", status: response.status };
  return { kind: "unavailable", reason: `upstream answered ${response.status}` };
}
