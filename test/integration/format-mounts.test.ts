import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/env";
import { formatForPath, mountOf } from "../../src/formats";
import type { FormatModule } from "../../src/formats/types";

const format = (name: string, mount?: string): FormatModule => ({
  name,
  routes: new Hono<AppEnv>(),
  errorResponse: () => new Response(name),
  ...(mount ? { mount } : {}),
});

describe("format mounts", () => {
  const npm = format("npm");
  const oci = format("oci", "/v2");
  const all = [npm, oci];

  it("mounts at /{format}/:repo by default and where the format says otherwise", () => {
    expect(mountOf(npm)).toBe("/npm/:repo");
    expect(mountOf(oci)).toBe("/v2");
  });

  it("finds the format whose mount a path falls under, by whole segment", () => {
    expect(formatForPath("/npm/libs/react", all)).toBe(npm);
    expect(formatForPath("/v2/", all)).toBe(oci);
    expect(formatForPath("/v2/team/app/manifests/1.0", all)).toBe(oci);
    expect(formatForPath("/npmx/libs", all)).toBeUndefined();
    expect(formatForPath("/v22/x", all)).toBeUndefined();
    expect(formatForPath("/api/v1/repositories", all)).toBeUndefined();
  });
});
