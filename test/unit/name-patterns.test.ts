import { describe, expect, it } from "vitest";
import { globToRegExp, memberServes } from "../../src/virtual/name-patterns";

describe("member name patterns", () => {
  it("matches globs whole and case-insensitively, with regex characters taken literally", () => {
    expect(globToRegExp("@acme/*").test("@acme/ui")).toBe(true);
    expect(globToRegExp("@acme/*").test("@acmex/ui")).toBe(false);
    expect(globToRegExp("org.acme:*").test("orgXacme:lib")).toBe(false);
    expect(globToRegExp("lib-?").test("LIB-1")).toBe(true);
  });

  it("applies include then exclude; paths without a package are always allowed", () => {
    const rules = { include: ["@acme/*"], exclude: ["@acme/secret-*"] };
    expect(memberServes(rules, "@acme/ui")).toBe(true);
    expect(memberServes(rules, "@acme/secret-x")).toBe(false);
    expect(memberServes(rules, "left-pad")).toBe(false);
    expect(memberServes(rules, null)).toBe(true);
    expect(memberServes({ include: null, exclude: null }, "anything")).toBe(true);
  });
});
