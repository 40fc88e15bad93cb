/**
 * The FormatModule contract's request-level pieces: errors on a format's paths are written
 * by that format (even for unknown routes), and credentials are read before routing.
 */
import { describe, expect, it } from "vitest";
import { call, createRepository } from "../helpers/client";

describe("format contract", () => {
  it("answers unknown routes under a format's mount in that format's error shape", async () => {
    const npm = await call("/npm/nowhere/-/no/such/route/at/all", { method: "PATCH", token: null });
    expect(npm.status).toBe(404);
    expect(await npm.json()).toHaveProperty("error");

    const maven = await call("/maven/nowhere/x", { method: "PATCH", token: null });
    expect(maven.headers.get("Content-Type")).toMatch(/^text\/plain/);

    const other = await call("/no-such-format/x", { token: null });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("reads credentials on format paths and rejects wrong ones in the format's shape", async () => {
    await createRepository({ name: "contract-npm", format: "npm", kind: "hosted", visibility: "public" });
    const res = await call("/npm/contract-npm/-/whoami", { token: "er_wrong" });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic/);
    expect(await res.json()).toHaveProperty("error");
  });
});
