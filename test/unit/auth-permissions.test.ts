// The permission model's pure rules (src/auth/permissions.ts): roles from grants and
// tokens, instance admin, grantable scopes, and the virtual-member filter.
import { describe, expect, it } from "vitest";
import { can, grantableScopes, isInstanceAdmin, patternMatches, readableMembers, roleOn } from "../../src/auth/permissions";
import { anonymous, bootstrapAdmin, expandScopes, type Grant, type Principal, type Scope } from "../../src/auth/principal";

const user = (grants: Grant[], token?: { scopes: Scope[]; repositories?: string[] }, userIsAdmin = false): Principal => ({
  kind: token ? "token" : "password",
  userId: 7,
  name: "u",
  userIsAdmin,
  grants,
  token: token ? { id: 1, name: "t", scopes: expandScopes(token.scopes), repositories: token.repositories ?? null, expiresAt: null } : null,
});
const repo = (name: string, visibility: "public" | "private" = "private") => ({ name, visibility });

describe("patterns", () => {
  it("match names exactly or as globs, never as regular expressions", () => {
    expect(patternMatches("team-*", "team-a")).toBe(true);
    expect(patternMatches("team-*", "team-")).toBe(true);
    expect(patternMatches("team-*", "xteam-a")).toBe(false);
    expect(patternMatches("a?c", "abc")).toBe(true);
    expect(patternMatches("a.c", "abc")).toBe(false);
    expect(patternMatches("*", "anything")).toBe(true);
    expect(patternMatches("docs", "docs2")).toBe(false);
  });
});

describe("roles", () => {
  it("a user's role is the highest matching grant; a token caps it", () => {
    const grants: Grant[] = [{ pattern: "team-*", role: "read" }, { pattern: "team-a", role: "admin" }];
    expect(roleOn(user(grants), "team-a")).toBe("admin");
    expect(roleOn(user(grants), "team-b")).toBe("read");
    expect(roleOn(user(grants), "other")).toBeNull();
    expect(roleOn(user(grants, { scopes: ["write"] }), "team-a")).toBe("write");
    expect(roleOn(user(grants, { scopes: ["admin"], repositories: ["team-b"] }), "team-a")).toBeNull();
    expect(roleOn(user(grants, { scopes: ["admin"], repositories: ["team-b"] }), "team-b")).toBe("read");
  });

  it("public repositories are readable by anyone; nothing else is", () => {
    expect(can(anonymous, "read", repo("x", "public"))).toBe(true);
    expect(can(anonymous, "write", repo("x", "public"))).toBe(false);
    expect(can(anonymous, "read", repo("x"))).toBe(false);
    expect(can(user([]), "read", repo("x"))).toBe(false);
  });

  it("instance admin: an admin user by password, ADMIN_TOKEN, or an unlimited admin-scope token", () => {
    expect(isInstanceAdmin(bootstrapAdmin())).toBe(true);
    expect(isInstanceAdmin(user([], undefined, true))).toBe(true);
    expect(isInstanceAdmin(user([], { scopes: ["admin"] }, true))).toBe(true);
    expect(isInstanceAdmin(user([], { scopes: ["write"] }, true))).toBe(false);
    expect(isInstanceAdmin(user([], { scopes: ["admin"], repositories: ["a"] }, true))).toBe(false);
    expect(isInstanceAdmin(user([{ pattern: "*", role: "admin" }], { scopes: ["admin"] }))).toBe(false);
    expect(roleOn(user([], { scopes: ["admin"], repositories: ["a"] }, true), "a")).toBe("admin");
  });

  it("new tokens may carry read, and what the user holds somewhere within the token's scopes", () => {
    expect([...grantableScopes(user([]))]).toEqual(["read"]);
    expect([...grantableScopes(user([{ pattern: "a", role: "write" }]))].sort()).toEqual(["read", "write"]);
    expect([...grantableScopes(user([{ pattern: "a", role: "admin" }], { scopes: ["write"] }))].sort()).toEqual(["read", "write"]);
    expect([...grantableScopes(bootstrapAdmin())].sort()).toEqual(["admin", "read", "write"]);
  });
});

describe("readableMembers", () => {
  it("keeps the members the principal may read, in order", () => {
    const members = [{ repository: repo("secret") }, { repository: repo("open", "public") }, { repository: repo("team-x") }];
    expect(readableMembers(anonymous, members).map((m) => m.repository.name)).toEqual(["open"]);
    expect(readableMembers(user([{ pattern: "team-*", role: "read" }]), members).map((m) => m.repository.name)).toEqual(["open", "team-x"]);
    expect(readableMembers(bootstrapAdmin(), members)).toHaveLength(3);
  });
});
