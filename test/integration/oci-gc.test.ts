// OCI garbage collection in the cron: blobs no manifest references are removed once older
// than the grace period (a push in progress uploads blobs before its manifest), referenced
// ones stay, and the engine's orphan blob GC can then drop them from R2.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { runScheduledJobs } from "../../src/jobs/scheduled";
import { GC_GRACE_MS } from "../../src/formats/oci/hosted/gc";
import { call, createRepository } from "../helpers/client";
import { digestOf, pushBlob, pushImage, text } from "./oci-helpers";

const head = async (path: string): Promise<number> => (await call(path, { method: "HEAD" })).status;

beforeAll(async () => {
  await createRepository({ name: "oci-gc", format: "oci", kind: "hosted", visibility: "private" });
});

describe("OCI blob GC", () => {
  it("removes unreferenced blobs past the grace period and keeps referenced and recent ones", async () => {
    const image = await pushImage("oci-gc/app", "1.0", "gc");
    const orphan = await pushBlob("oci-gc/app", text("nobody references this blob"));
    const deletedImage = await pushImage("oci-gc/old", "1.0", "gone");
    expect((await call(`/v2/oci-gc/old/manifests/${deletedImage.digest}`, { method: "DELETE" })).status).toBe(202);

    // Within the grace period a blob may still be waiting for its manifest: nothing goes.
    await runScheduledJobs(env, Date.now());
    expect(await head(`/v2/oci-gc/app/blobs/${orphan}`)).toBe(200);

    await runScheduledJobs(env, Date.now() + GC_GRACE_MS + 60_000);
    expect(await head(`/v2/oci-gc/app/blobs/${orphan}`)).toBe(404);
    for (const blob of [image.config, ...image.layers]) expect(await head(`/v2/oci-gc/app/blobs/${await digestOf(blob)}`)).toBe(200);
    expect(await head(`/v2/oci-gc/app/manifests/1.0`)).toBe(200);
    // The deleted image's blobs are unreferenced now: collected too.
    expect(await head(`/v2/oci-gc/old/blobs/${await digestOf(deletedImage.config)}`)).toBe(404);
  });
});
