import { describe, expect, it } from "vitest";
import { FormError, formatMembers, parseGrants, parseJsonObject, parseMembers, parseNameList, parseOptionalInt, safeNext, searchTerm } from "../../../src/ui/forms";

describe("admin form fields", () => {
  it("members: one per line, first line highest priority, options as key=value", () => {
    expect(parseMembers("libs-local include=@acme/*\n# comment\n\nnpmjs priority=-5 exclude=@acme/*,evil")).toEqual([
      { repository: "libs-local", priority: 100, include: ["@acme/*"] },
      { repository: "npmjs", priority: -5, exclude: ["@acme/*", "evil"] },
    ]);
    expect(() => parseMembers("a shield=on")).toThrow(FormError);
    expect(() => parseMembers("a priority=high")).toThrow(/priority must be an integer/);
    expect(() => parseMembers("a include")).toThrow(/key=value/);
  });

  it("members round-trip through their form text", () => {
    const members = [{ repository: "a", priority: 7, include: ["x*"], exclude: null }, { repository: "b", priority: 1, include: null, exclude: ["y"] }];
    expect(parseMembers(formatMembers(members))).toEqual([{ repository: "a", priority: 7, include: ["x*"] }, { repository: "b", priority: 1, exclude: ["y"] }]);
  });

  it("grants: `pattern role` lines", () => {
    expect(parseGrants("team-* write\r\ndocs admin\n")).toEqual([{ repository: "team-*", role: "write" }, { repository: "docs", role: "admin" }]);
    expect(() => parseGrants("team-*")).toThrow(FormError);
    expect(() => parseGrants("a b c")).toThrow(FormError);
  });

  it("JSON objects, integers and name lists: empty means not given, anything else is checked", () => {
    expect(parseJsonObject("  ", "settings")).toBeUndefined();
    expect(parseJsonObject('{"shielding":false}', "settings")).toEqual({ shielding: false });
    expect(() => parseJsonObject("[1]", "settings")).toThrow(/JSON object/);
    expect(() => parseJsonObject("{", "settings")).toThrow(/not valid JSON/);
    expect(parseOptionalInt("", "x")).toBeUndefined();
    expect(parseOptionalInt(" 300 ", "x")).toBe(300);
    expect(() => parseOptionalInt("-1", "x")).toThrow(FormError);
    expect(parseNameList("a, b c")).toEqual(["a", "b", "c"]);
    expect(parseNameList(" ")).toBeUndefined();
  });
});

describe("sign-in redirect target", () => {
  it("follows only same-site paths", () => {
    expect(safeNext("/ui/account")).toBe("/ui/account");
    for (const bad of ["//evil.test/", "/\\evil.test", "https://evil.test/", "javascript:alert(1)", undefined, 3]) expect(safeNext(bad)).toBe("/");
  });
});

describe("search terms", () => {
  it("are trimmed and capped at 200 characters (whole code points)", () => {
    expect(searchTerm("  left-pad ")).toBe("left-pad");
    expect(searchTerm(undefined)).toBe("");
    expect(searchTerm("x".repeat(300))).toHaveLength(200);
    expect([...searchTerm("😀".repeat(300))]).toHaveLength(200);
  });
});
