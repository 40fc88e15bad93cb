/** Helpers for integration tests: requests through the Worker's own fetch, with auth. */
import { exports } from "cloudflare:workers";

export const ADMIN = "test-admin-token";
export const BASE = "http://registry.test";

export function call(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? ADMIN : init.token;
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return exports.default.fetch(new Request(`${BASE}${path}`, { ...init, headers }));
}

export function api(path: string, method = "GET", body?: unknown, token: string | null = ADMIN): Promise<Response> {
  return call(`/api/v1${path}`, {
    method,
    token,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
  });
}

export async function createRepository(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await api("/repositories", "POST", body);
  if (res.status !== 201) throw new Error(`create repository: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function createToken(body: Record<string, unknown>, token: string = ADMIN): Promise<string> {
  const res = await api("/tokens", "POST", body, token);
  if (res.status !== 201) throw new Error(`create token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export function bytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export async function sha256(data: Uint8Array | ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
