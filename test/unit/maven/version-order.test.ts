// Maven version ordering: cases ported from Maven 3.9.6 ComparableVersionTest plus the examples
// in the POM reference (https://maven.apache.org/pom.html#version-order-specification).
import { describe, expect, it } from "vitest";
import {
  canonicalMavenVersion,
  compareMavenVersions,
  sortMavenVersions,
} from "../../../src/formats/maven/version-order";

function expectOrdered(versions: readonly string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) {
      const low = versions[i] ?? "";
      const high = versions[j] ?? "";
      expect(compareMavenVersions(low, high), `${low} < ${high}`).toBe(-1);
      expect(compareMavenVersions(high, low), `${high} > ${low}`).toBe(1);
    }
  }
}

function expectEqual(a: string, b: string): void {
  expect(compareMavenVersions(a, b), `${a} == ${b}`).toBe(0);
  expect(compareMavenVersions(b, a), `${b} == ${a}`).toBe(0);
  expect(canonicalMavenVersion(a), `canonical(${a}) == canonical(${b})`).toBe(canonicalMavenVersion(b));
}

describe("compareMavenVersions: examples from the brief and the POM reference", () => {
  it.each([
    ["1", "1.1"],
    ["1-SNAPSHOT", "1"],
    ["1.0-alpha-1", "1.0-beta-1"],
    ["1.0-beta-1", "1.0-rc1"],
    ["1.0-rc1", "1.0"],
    ["1", "1-sp"],
    ["1.0.0-RC1", "1.0.0"],
    ["1-1.foo-bar-1-baz-0.1", "1-1.foo-bar-1-baz-0.2"],
    ["1.0-alpha-1", "1.0-alpha-2"],
  ])("%s < %s", (low, high) => expectOrdered([low, high]));

  it("treats trailing zeros, '-0' and release aliases as equal", () => {
    expectEqual("1.0", "1");
    expectEqual("1", "1.0.0");
    expectEqual("1-ga", "1");
    expectEqual("1-final", "1");
    expectEqual("1-release", "1");
    expectEqual("1.0-RC1", "1.0-cr1");
  });

  it("orders the qualifier ladder alpha < beta < milestone < rc < snapshot < ga < sp", () => {
    expectOrdered(["1-alpha", "1-beta", "1-milestone", "1-rc", "1-snapshot", "1", "1-sp"]);
  });
});

describe("compareMavenVersions: Maven 3.9.6 ComparableVersionTest", () => {
  it("VERSIONS_QUALIFIER is strictly ascending", () => {
    expectOrdered([
      "1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2", "1-m11", "1-rc",
      "1-cr2", "1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123", "1-abc", "1-def", "1-pom-1",
      "1-1-snapshot", "1-1", "1-2", "1-123",
    ]);
  });

  it("VERSIONS_NUMBER is strictly ascending", () => {
    expectOrdered([
      "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1", "2.1.0.1",
      "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11", "11.a", "11b", "11c",
      "11m",
    ]);
  });

  it.each([
    ["1", "1"], ["1", "1.0"], ["1", "1.0.0"], ["1.0", "1.0.0"], ["1", "1-0"], ["1", "1.0-0"],
    ["1.0", "1.0-0"], ["1a", "1-a"], ["1a", "1.0-a"], ["1a", "1.0.0-a"], ["1.0a", "1-a"],
    ["1.0.0a", "1-a"], ["1x", "1-x"], ["1x", "1.0-x"], ["1x", "1.0.0-x"], ["1.0x", "1-x"],
    ["1.0.0x", "1-x"], ["1ga", "1"], ["1release", "1"], ["1final", "1"], ["1cr", "1rc"],
    ["1a1", "1-alpha-1"], ["1b2", "1-beta-2"], ["1m3", "1-milestone-3"], ["1X", "1x"], ["1A", "1a"],
    ["1B", "1b"], ["1M", "1m"], ["1Ga", "1"], ["1GA", "1"], ["1RELEASE", "1"], ["1RELeaSE", "1"],
    ["1Final", "1"], ["1FinaL", "1"], ["1FINAL", "1"], ["1Cr", "1Rc"], ["1cR", "1rC"],
    ["1m3", "1Milestone3"], ["1m3", "1MileStone3"], ["1m3", "1MILESTONE3"],
  ])("%s == %s", (a, b) => expectEqual(a, b));

  it.each([
    ["1", "2"], ["1.5", "2"], ["1", "2.5"], ["1.0", "1.1"], ["1.1", "1.2"], ["1.0.0", "1.1"],
    ["1.0.1", "1.1"], ["1.1", "1.2.0"], ["1.0-alpha-1", "1.0"], ["1.0-alpha-1", "1.0-alpha-2"],
    ["1.0-alpha-1", "1.0-beta-1"], ["1.0-beta-1", "1.0-SNAPSHOT"], ["1.0-SNAPSHOT", "1.0"],
    ["1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"], ["1.0", "1.0-1"], ["1.0-1", "1.0-2"], ["1.0.0", "1.0-1"],
    ["2.0-1", "2.0.1"], ["2.0.1-klm", "2.0.1-lmn"], ["2.0.1", "2.0.1-xyz"], ["2.0.1", "2.0.1-123"],
    ["2.0.1-xyz", "2.0.1-123"],
  ])("%s < %s", (low, high) => expectOrdered([low, high]));

  it("MNG-5568: ordering stays transitive", () => {
    expectOrdered(["6.1.0rc3", "6.1.0"]);
    expectOrdered(["6.1.0rc3", "6.1H.5-beta"]);
    expectOrdered(["6.1.0", "6.1H.5-beta"]);
  });

  it("MNG-6572: int, long and big-integer items order by size", () => {
    const a = "20190126.230843";
    const b = "1234567890.12345";
    const c = "123456789012345.1H.5-beta";
    const d = "12345678901234567890.1H.5-beta";
    expectOrdered([a, b, c, d]);
  });

  it("leading zeros do not matter, whatever the length", () => {
    for (let n = 1; n <= 19; n++) {
      expectEqual(`${"0".repeat(n - 1)}1`, "1");
      expectEqual("0".repeat(n), "0");
    }
  });

  it("MNG-6964: 1-0.alpha < 1-0.beta < 1", () => {
    expectOrdered(["1-0.alpha", "1-0.beta", "1"]);
  });

  it("is case and locale independent", () => {
    expectEqual("1-abcdefghijklmnopqrstuvwxyz", "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  });

  it.each(["abc", "alpha", "a", "beta", "b", "def", "milestone", "m", "RC"])(
    "MNG-7644: 1.0.0.%s1 < 1.0.0-%s2 and 2-X == 2.0.X == 2.0.0.X",
    (x) => {
      expectOrdered([`1.0.0.${x}1`, `1.0.0-${x}2`]);
      expectEqual(`2-${x}`, `2.0.${x}`);
      expectEqual(`2-${x}`, `2.0.0.${x}`);
      expectEqual(`2.0.${x}`, `2.0.0.${x}`);
    },
  );
});

describe("compareMavenVersions: golden order from Maven 3.9.6's own ComparableVersion", () => {
  // Produced by sorting these with the Java class (maven-artifact 3.9.6); "==" marks equal neighbours.
  const golden: [string, "<" | "=="][] = [
    ["0.9.9-dev", "<"], ["1.0-beta-2", "<"], ["1.0.0-rc.9", "<"], ["1.0.0-rc.10", "<"],
    ["1.0.0+build.5", "<"], ["1.0.0-jdk8", "<"], ["1.0.0-1", "<"], ["1.0.0.1", "<"],
    ["1.2.3-alpha.beta", "<"], ["1.2.3-alpha.1", "<"], ["1.2.3-rc1", "<"], ["1.2.3.RC2", "<"],
    ["1.2.3-SNAPSHOT", "<"], ["1.2.3", "=="], ["1.2.3.Final", "<"], ["1.2.3-sp1", "<"],
    ["1.2.3-20240101.120000-3", "<"], ["2.0.0-beta1", "<"], ["2.0.0-M1", "<"], ["2.0.0-m2", "<"],
    ["2.13.0-RC1-SNAPSHOT", "<"], ["3.0.0.CR2", "<"], ["4.0.0-alpha-8", "<"], ["5.3.0.GA", "=="],
    ["5.3.0", "<"], ["31.1-android", "<"], ["31.1-jre", "<"],
  ];

  it("agrees with Maven on every pair of the list", () => {
    // rank[i]: position with "==" neighbours sharing a rank.
    const rank: number[] = [0];
    for (let i = 1; i < golden.length; i++) rank.push((rank[i - 1] ?? 0) + (golden[i - 1]?.[1] === "==" ? 0 : 1));
    for (let i = 0; i < golden.length; i++) {
      for (let j = 0; j < golden.length; j++) {
        const a = golden[i]?.[0] ?? "";
        const b = golden[j]?.[0] ?? "";
        expect(compareMavenVersions(a, b), `${a} vs ${b}`).toBe(Math.sign((rank[i] ?? 0) - (rank[j] ?? 0)));
      }
    }
  });

  it.each([
    ["2.0.0-M1", "2-milestone-1"], ["1.2.3-alpha.beta", "1.2.3-alpha-beta"], ["1.0.0-jdk8", "1-jdk-8"],
    ["2.13.0-RC1-SNAPSHOT", "2.13-rc-1-snapshot"], ["1.0.0+build.5", "1-+build.5"], ["5.3.0.GA", "5.3"],
  ])("canonical(%s) = %s, as Maven prints it", (version, canonical) => {
    expect(canonicalMavenVersion(version)).toBe(canonical);
  });
});

describe("canonicalMavenVersion", () => {
  it.each([
    ["1.0.0", "1"],
    ["1.0-SNAPSHOT", "1-snapshot"],
    ["1.0-GA", "1"],
    ["1.0-alpha-1", "1-alpha-1"],
    ["1a1", "1-alpha-1"],
    ["1.0.RC2", "1-rc-2"],
    ["007", "7"],
  ])("canonical(%s) = %s", (version, canonical) => {
    expect(canonicalMavenVersion(version)).toBe(canonical);
  });

  it("is a fixed point: canonical(canonical(v)) == canonical(v)", () => {
    for (const v of ["1-alpha2snapshot", "2.1.0.1", "11.a2", "1-1.foo-bar-1-baz-0.1", "1.0.0.X1"]) {
      const canonical = canonicalMavenVersion(v);
      expect(canonicalMavenVersion(canonical)).toBe(canonical);
    }
  });
});

describe("sortMavenVersions", () => {
  it("sorts ascending without mutating its input", () => {
    const input = ["1.10", "1.2", "1.0-SNAPSHOT", "1.0", "1.0-rc1", "1.1-sp1"];
    const sorted = sortMavenVersions(input);
    expect(sorted).toEqual(["1.0-rc1", "1.0-SNAPSHOT", "1.0", "1.1-sp1", "1.2", "1.10"]);
    expect(input[0]).toBe("1.10");
  });

  it("handles degenerate inputs without throwing", () => {
    expect(compareMavenVersions("", "")).toBe(0);
    expect(compareMavenVersions("", "0")).toBe(0);
    expect(compareMavenVersions("", "1")).toBe(-1);
    expect(compareMavenVersions("...", "1")).toBe(-1);
    expect(compareMavenVersions("--", "")).toBe(0);
  });
});
