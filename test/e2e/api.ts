/**
 * Management API helpers for the e2e suites: JSON calls to a registry's `/api/v1`.
 *
 * Only erasable TypeScript: plain Node 24 imports this through harness.ts.
 */
import type { Registry } from "./registry.ts";

export interface ApiResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A JSON call to `/api/v1{path}` with `token` (default: the admin token; null: anonymous). */
export async function api<T = unknown>(registry: Registry, path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<ApiResult<T>> {
  const headers = new Headers();
  const token = init.token === undefined ? registry.adminToken : init.token;
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  const res = await fetch(`${registry.baseUrl}/api/v1${path}`, {
    method: init.method ?? "GET",
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, body: body as T, text };
}

/** `api()` that throws unless the status is `expected`. */
export async function apiOk<T = unknown>(registry: Registry, expected: number, path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<T> {
  const res = await api<T>(registry, path, init);
  if (res.status !== expected) throw new Error(`${init.method ?? "GET"} /api/v1${path}: expected ${expected}, got ${res.status} ${res.text}`);
  return res.body;
}
