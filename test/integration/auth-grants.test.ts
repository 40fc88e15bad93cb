// Grants: a user's roles on repositories named exactly or by pattern, managed by instance
// admins, evaluated at every request, and intersected with what a token allows.
import { describe, expect, it } from "vitest";
import { api, call, createRepository, createToken } from "../helpers/client";

const put = (repo: string, file: string, token: string) => call(`/generic/${repo}/p/1.0/${file}`, { method: "PUT", body: file, token });

describe("grants API", () => {
  it("replaces and lists a user's grants; validates patterns, roles and duplicates", async () => {
    expect((await api("/users", "POST", { name: "g-alice" })).status).toBe(201);
    const res = await api("/users/g-alice/grants", "PUT", { grants: [{ repository: "team-*", role: "write" }, { repository: "docs", role: "admin" }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: "g-alice", grants: [{ repository: "docs", role: "admin" }, { repository: "team-*", role: "write" }] });
    expect(await (await api("/users/g-alice/grants")).json()).toEqual({ user: "g-alice", grants: [{ repository: "docs", role: "admin" }, { repository: "team-*", role: "write" }] });

    for (const [body, fieldName] of [
      [{ grants: [{ repository: "Team X", role: "write" }] }, "grants.0.repository"],
      [{ grants: [{ repository: "team-*", role: "owner" }] }, "grants.0.role"],
      [{ grants: [{ repository: "a", role: "read" }, { repository: "a", role: "write" }] }, "grants.1.repository"],
      [{ grants: [{ repository: "a", role: "read", extra: 1 }] }, "grants.0.extra"],
      [{}, "grants"],
    ] as const) {
      const bad = await api("/users/g-alice/grants", "PUT", body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(((await bad.json()) as { error: { field: string } }).error.field).toBe(fieldName);
    }
    expect((await api("/users/g-nobody/grants")).status).toBe(404);
    expect((await api("/users/g-alice/grants", "PUT", { grants: [] })).status).toBe(200);
    expect(((await (await api("/users/g-alice/grants")).json()) as { grants: unknown[] }).grants).toEqual([]);
  });

  it("the highest matching grant wins; a token is limited to what both it and its user hold", async () => {
    for (const name of ["team-a", "team-b", "other"]) await createRepository({ name: `g-${name}`, format: "generic", kind: "hosted", visibility: "private" });
    expect((await api("/users", "POST", { name: "g-bob" })).status).toBe(201);
    expect((await api("/users/g-bob/grants", "PUT", { grants: [{ repository: "g-team-*", role: "read" }, { repository: "g-team-a", role: "write" }] })).status).toBe(200);
    const token = await createToken({ name: "bob", scopes: ["admin"], user: "g-bob" });
    expect((await put("g-team-a", "1", token)).status).toBe(201);
    expect((await put("g-team-b", "1", token)).status).toBe(403);
    expect((await put("g-other", "1", token)).status).toBe(404);
    // Scope admin on the token gives nothing the user lacks: no repository admin, no instance admin.
    expect((await api("/repositories/g-team-a", "PATCH", {}, token)).status).toBe(403);
    expect((await api("/users", "GET", undefined, token)).status).toBe(403);
    const whoami = (await (await api("/whoami", "GET", undefined, token)).json()) as Record<string, unknown>;
    expect(whoami).toMatchObject({ name: "g-bob", kind: "token", instanceAdmin: false, scopes: ["read", "write"] });

    // Promotion and demotion take effect on the next request.
    expect((await api("/users/g-bob/grants", "PUT", { grants: [{ repository: "g-team-*", role: "admin" }] })).status).toBe(200);
    expect((await api("/repositories/g-team-b", "PATCH", { settings: { maxFileSize: 5 } }, token)).status).toBe(200);
    expect((await api("/repositories/g-team-b", "DELETE", undefined, token)).status).toBe(403);
    expect((await api("/users/g-bob/grants", "PUT", { grants: [] })).status).toBe(200);
    expect((await put("g-team-a", "2", token)).status).toBe(404);
  });

  it("a repository admin manages its repository's settings, cache and cleanup, not its users or other repositories", async () => {
    await createRepository({ name: "g-mine", format: "generic", kind: "hosted", visibility: "private" });
    await createRepository({ name: "g-theirs", format: "generic", kind: "hosted", visibility: "public" });
    expect((await api("/users", "POST", { name: "g-carol" })).status).toBe(201);
    expect((await api("/users/g-carol/grants", "PUT", { grants: [{ repository: "g-mine", role: "admin" }] })).status).toBe(200);
    const token = await createToken({ name: "carol", scopes: ["admin"], user: "g-carol" });
    expect((await api("/repositories/g-mine", "PATCH", { visibility: "public", settings: { duplicates: "keep" } }, token)).status).toBe(200);
    expect((await api("/repositories/g-mine/cleanup", "POST", undefined, token)).status).toBe(200);
    expect((await put("g-mine", "a", token)).status).toBe(201);
    expect((await api("/repositories/g-mine/packages/p", "DELETE", undefined, token)).status).toBe(204);
    expect((await api("/repositories/g-theirs", "PATCH", {}, token)).status).toBe(403);
    expect((await api("/repositories/g-theirs/cleanup", "POST", undefined, token)).status).toBe(403);
    expect((await api("/users/g-carol/grants", "PUT", { grants: [{ repository: "*", role: "admin" }] }, token)).status).toBe(403);
    // A member it cannot read "does not exist" to it.
    await createRepository({ name: "g-hidden", format: "generic", kind: "hosted", visibility: "private" });
    await createRepository({ name: "g-front", format: "generic", kind: "virtual", visibility: "private", members: [] });
    expect((await api("/users/g-carol/grants", "PUT", { grants: [{ repository: "g-mine", role: "admin" }, { repository: "g-front", role: "admin" }] })).status).toBe(200);
    const hidden = await api("/repositories/g-front", "PATCH", { members: [{ repository: "g-hidden" }] }, token);
    expect(hidden.status).toBe(400);
    expect(((await hidden.json()) as { error: { message: string } }).error.message).toContain("does not exist");
    expect((await api("/repositories/g-front", "PATCH", { members: [{ repository: "g-mine" }] }, token)).status).toBe(200);
  });
});
