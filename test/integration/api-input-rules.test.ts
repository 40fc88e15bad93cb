// Management API input rules: path parameters validated by their patterns, empty PATCHes,
// settings as a JSON Merge Patch (RFC 7396), and no repository deleted from under a virtual.
import { describe, expect, it } from "vitest";
import { api, createRepository } from "../helpers/client";

async function field(res: Response, status: number): Promise<string | undefined> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (JSON.parse(text) as { error?: { field?: string } }).error?.field;
}

describe("path parameters", () => {
  it("repository and user names must match their patterns; ids must be decimal integers", async () => {
    expect(await field(await api("/repositories/Not_Valid"), 400)).toBe("name");
    expect(await field(await api("/repositories/-dash/packages"), 400)).toBe("name");
    expect(await field(await api("/users/bad%20name", "PATCH", {}), 400)).toBe("name");
    expect(await field(await api("/users/bad%20name/grants"), 400)).toBe("name");
    expect(await field(await api("/tokens/0x10", "DELETE"), 400)).toBe("id");
    expect(await field(await api("/tokens/99999999999999999999", "DELETE"), 400)).toBe("id");
    await createRepository({ name: "in-files", format: "generic", kind: "hosted", visibility: "public" });
    expect(await field(await api("/repositories/in-files/packages/p/versions/1/files/0x1", "DELETE"), 400)).toBe("fileId");
    // A valid name that does not exist is a 404 as before.
    expect((await api("/repositories/in-nothing")).status).toBe(404);
    expect((await api("/users/in-nobody", "PATCH", {})).status).toBe(404);
  });
});

describe("empty PATCH", () => {
  it("changes nothing and answers 200 for repositories and users", async () => {
    await createRepository({ name: "in-empty", format: "generic", kind: "hosted", visibility: "public", settings: { maxFileSize: 10 } });
    const res = await api("/repositories/in-empty", "PATCH", {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ visibility: "public", settings: { maxFileSize: 10 } });
    expect((await api("/users", "POST", { name: "in-user" })).status).toBe(201);
    expect((await api("/users/in-user", "PATCH", {})).status).toBe(200);
  });
});

describe("settings PATCH is a JSON Merge Patch", () => {
  it("keeps keys not sent, merges nested objects, resets keys sent as null", async () => {
    await createRepository({
      name: "in-merge", format: "generic", kind: "hosted", visibility: "public",
      settings: { duplicates: "keep", maxFileSize: 1000, cleanup: { keepCount: 3, removeDays: 30 } },
    });
    const patch = async (settings: unknown) => {
      const res = await api("/repositories/in-merge", "PATCH", { settings });
      expect(res.status, await res.clone().text()).toBe(200);
      return ((await res.json()) as { settings: Record<string, unknown> }).settings;
    };
    expect(await patch({ maxFileSize: 2000 })).toMatchObject({ duplicates: "keep", maxFileSize: 2000, cleanup: { keepCount: 3, removeDays: 30 } });
    expect(await patch({ cleanup: { keepCount: 5 } })).toMatchObject({ duplicates: "keep", maxFileSize: 2000, cleanup: { keepCount: 5, removeDays: 30 } });
    const reset = await patch({ duplicates: null, maxFileSize: null });
    expect(reset).toMatchObject({ duplicates: "reject", cleanup: { keepCount: 5 } });
    expect(reset).not.toHaveProperty("maxFileSize");
    expect(await patch({ cleanup: null })).not.toHaveProperty("cleanup");
    // The merged result is validated whole; errors name the setting.
    expect(await field(await api("/repositories/in-merge", "PATCH", { settings: { maxFileSize: "big" } }), 400)).toBe("settings.maxFileSize");
    expect(await field(await api("/repositories/in-merge", "PATCH", { settings: { nonsense: 1 } }), 400)).toBe("settings.nonsense");
    expect(await field(await api("/repositories/in-merge", "PATCH", { settings: [] }), 400)).toBe("settings");
  });
});

describe("deleting a member of a virtual", () => {
  it("is a 409 naming the virtuals, and deletes nothing", async () => {
    await createRepository({ name: "in-member", format: "generic", kind: "hosted", visibility: "public" });
    await createRepository({ name: "in-v1", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "in-member" }], settings: { deployMember: "in-member" } });
    await createRepository({ name: "in-v2", format: "generic", kind: "virtual", visibility: "public", members: [{ repository: "in-member" }] });
    const res = await api("/repositories/in-member", "DELETE");
    expect(res.status).toBe(409);
    const message = ((await res.json()) as { error: { message: string } }).error.message;
    expect(message).toContain("in-v1");
    expect(message).toContain("in-v2");
    expect((await api("/repositories/in-member")).status).toBe(200);
    // Once no virtual lists it, it can go.
    expect((await api("/repositories/in-v1", "DELETE")).status).toBe(204);
    expect((await api("/repositories/in-v2", "PATCH", { members: [] })).status).toBe(200);
    expect((await api("/repositories/in-member", "DELETE")).status).toBe(204);
  });
});
