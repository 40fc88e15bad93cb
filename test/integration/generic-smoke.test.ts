import { describe, expect, it } from "vitest";
import { call, createRepository } from "../helpers/client";

describe("generic smoke", () => {
  it("uploads and downloads", async () => {
    await createRepository({ name: "tools", format: "generic", kind: "hosted", visibility: "public" });
    const put = await call("/generic/tools/cli/1.0.0/cli.tar.gz", { method: "PUT", body: "hello world" });
    expect(put.status, await put.clone().text()).toBe(201);
    const get = await call("/generic/tools/cli/1.0.0/cli.tar.gz", { token: null });
    expect(get.status).toBe(200);
    expect(await get.text()).toBe("hello world");
  });
});
