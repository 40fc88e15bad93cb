/**
 * The in-isolate token cache (src/auth/token-cache.ts): a warm request authenticates without
 * D1, and its revocation semantics hold — a change made through this isolate (revoke, disable,
 * grants) is seen on the next request; a change made elsewhere (another isolate: D1 written
 * directly here) within TOKEN_CACHE_SECONDS.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { api, BASE, createRepository } from "../helpers/client";

async function get(path: string, token: string, vars: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, { headers: { Authorization: `Bearer ${token}` } }), { ...env, ...vars }, ctx);
  await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return res;
}

async function userWithToken(name: string, grants: { repository: string; role: string }[] = []): Promise<{ id: number; token: string }> {
  const user = await api("/users", "POST", { name });
  expect(user.status, await user.clone().text()).toBe(201);
  if (grants.length) expect((await api(`/users/${name}/grants`, "PUT", { grants })).status).toBe(200);
  const res = await api("/tokens", "POST", { name: `${name}-ci`, scopes: ["read", "write"], user: name });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { id: number; token: string };
  return { id: body.id, token: body.token };
}

describe("token cache: changes made through this isolate apply on the next request", () => {
  it("a revoked token is refused at once", async () => {
    const { id, token } = await userWithToken("tc-revoke");
    expect((await get("/api/v1/whoami", token)).status).toBe(200);
    expect((await get("/api/v1/whoami", token)).status).toBe(200); // served from the cache
    expect((await api(`/tokens/${id}`, "DELETE")).status).toBe(204);
    expect((await get("/api/v1/whoami", token)).status).toBe(401);
  });

  it("replaced grants and a disabled user apply at once", async () => {
    await createRepository({ name: "tc-private", format: "generic", kind: "hosted", visibility: "private" });
    const upload = await fetchAsAdmin("/generic/tc-private/tool/1.0/a.txt", "hello");
    expect(upload).toBe(201);
    const { token } = await userWithToken("tc-grants", [{ repository: "tc-private", role: "read" }]);
    expect((await get("/generic/tc-private/tool/1.0/a.txt", token)).status).toBe(200);
    expect((await api("/users/tc-grants/grants", "PUT", { grants: [] })).status).toBe(200);
    expect((await get("/generic/tc-private/tool/1.0/a.txt", token)).status).toBe(404);
    expect((await api("/users/tc-grants/grants", "PUT", { grants: [{ repository: "tc-private", role: "read" }] })).status).toBe(200);
    expect((await get("/generic/tc-private/tool/1.0/a.txt", token)).status).toBe(200);
    expect((await api("/users/tc-grants", "PATCH", { disabled: true })).status).toBe(200);
    expect((await get("/generic/tc-private/tool/1.0/a.txt", token)).status).toBe(401);
  });
});

describe("token cache: a change made by another isolate", () => {
  it("is seen within TOKEN_CACHE_SECONDS (1 here)", async () => {
    const vars = { TOKEN_CACHE_SECONDS: "1" };
    const { id, token } = await userWithToken("tc-elsewhere");
    expect((await get("/api/v1/whoami", token, vars)).status).toBe(200);
    await env.DB.prepare("UPDATE token SET revoked_at = ? WHERE id = ?").bind(Date.now(), id).run();
    expect((await get("/api/v1/whoami", token, vars)).status).toBe(200); // the stated bound: still cached
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await get("/api/v1/whoami", token, vars)).status).toBe(401);
  });

  it("is seen at once with TOKEN_CACHE_SECONDS=0 (no cache)", async () => {
    const vars = { TOKEN_CACHE_SECONDS: "0" };
    const { id, token } = await userWithToken("tc-nocache");
    expect((await get("/api/v1/whoami", token, vars)).status).toBe(200);
    await env.DB.prepare("UPDATE token SET revoked_at = ? WHERE id = ?").bind(Date.now(), id).run();
    expect((await get("/api/v1/whoami", token, vars)).status).toBe(401);
  });
});

async function fetchAsAdmin(path: string, body: string): Promise<number> {
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, { method: "PUT", body, headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` } }),
    env,
    createExecutionContext(),
  );
  await res.arrayBuffer();
  return res.status;
}
