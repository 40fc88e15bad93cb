/** Response headers every OCI answer shares, and the paths `Location` points at. */
import type { Context } from "hono";
import type { AppEnv } from "../../env";

export const API_VERSION_HEADER = { "Docker-Distribution-API-Version": "registry/2.0" } as const;

export const blobLocation = (repo: string, name: string, digest: string): string => `/v2/${repo}/${name}/blobs/${digest}`;
export const manifestLocation = (repo: string, name: string, digest: string): string => `/v2/${repo}/${name}/manifests/${digest}`;
export const uploadLocation = (repo: string, name: string, id: string): string => `/v2/${repo}/${name}/blobs/uploads/${id}`;

/** `Range: 0-{size-1}` of an upload session (`0-0` while empty, as docker-distribution). */
export const uploadRange = (size: number): string => `0-${Math.max(size - 1, 0)}`;

/** Copies a reader's response, adding headers (reader responses may have immutable headers). */
export function withHeaders(response: Response, extra: Record<string, string>): Response {
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  headers.delete("Content-Disposition");
  return new Response(response.body, { status: response.status, headers });
}

export function empty(c: Context<AppEnv>, status: 201 | 202 | 204, headers: Record<string, string>): Response {
  return c.body(null, status, { ...headers, "Content-Length": "0" });
}
