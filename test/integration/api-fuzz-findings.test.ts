// What the schemathesis run (test/e2e/api-fuzz.test.ts) found, pinned here so it stays fixed
// without the fuzzer: an empty user PATCH was a 500, and error answers were undocumented.
import { describe, expect, it } from "vitest";
import { api } from "../helpers/client";

describe("schemathesis findings", () => {
  it("PATCH /users/{name} with {} changes nothing and answers the user (was a 500: UPDATE without columns)", async () => {
    expect((await api("/users", "POST", { name: "fuzz-empty-patch" })).status).toBe(201);
    const res = await api("/users/fuzz-empty-patch", "PATCH", {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "fuzz-empty-patch", admin: false, disabled: false });
  });

  it("every operation documents the error body as its default response", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { required?: string[] } }> }> }>> };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ op: `${method} ${path}`, responses: op.responses })));
    expect(operations.length).toBeGreaterThan(10);
    for (const { op, responses } of operations) {
      expect(responses.default?.content?.["application/json"]?.schema.required, op).toEqual(["error", "requestId"]);
    }
    // And an actual error answer has that shape.
    const missing = await api("/repositories/no-such-repository");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "not_found", message: expect.any(String) }, requestId: expect.any(String) });
  });
});
