// OCI hosted push and pull through the Worker: monolithic and chunked blob uploads,
// manifests by tag and digest, content negotiation, tags, deletes, and bad input that
// must get the spec's error code and store nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { bytes, call, createRepository, sha256 } from "../helpers/client";
import { digestOf, errorCode, imageManifest, OCI_MANIFEST, pushBlob, pushImage, putManifest, text } from "./oci-helpers";

const MiB = 1024 * 1024;

beforeAll(async () => {
  await createRepository({ name: "oci-pp", format: "oci", kind: "hosted", visibility: "private" });
});

describe("OCI hosted push and pull", () => {
  it("pushes an image and pulls it by tag and by digest", async () => {
    const image = await pushImage("oci-pp/team/app", "v1", "a");
    const byTag = await call("/v2/oci-pp/team/app/manifests/v1", { headers: { Accept: OCI_MANIFEST } });
    expect(byTag.status).toBe(200);
    expect(byTag.headers.get("Docker-Content-Digest")).toBe(image.digest);
    expect(byTag.headers.get("Content-Type")).toBe(OCI_MANIFEST);
    expect(new Uint8Array(await byTag.arrayBuffer())).toEqual(image.manifest);
    const byDigest = await call(`/v2/oci-pp/team/app/manifests/${image.digest}`, { method: "HEAD" });
    expect(byDigest.status).toBe(200);
    expect(byDigest.headers.get("Content-Length")).toBe(String(image.manifest.byteLength));
    const layer = await call(`/v2/oci-pp/team/app/blobs/${await digestOf(image.layers[0] as Uint8Array)}`);
    expect(layer.status).toBe(200);
    expect(new Uint8Array(await layer.arrayBuffer())).toEqual(image.layers[0]);
    // An Accept that excludes the manifest's type.
    const refused = await call("/v2/oci-pp/team/app/manifests/v1", { headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" } });
    expect(refused.status).toBe(404);
    expect(await errorCode(refused)).toBe("MANIFEST_UNKNOWN");
  });

  it("uploads a blob in chunks of any size, larger than one part, and reports Range", async () => {
    const data = bytes(9 * MiB + 123, 7);
    const start = await call("/v2/oci-pp/chunked/blobs/uploads/", { method: "POST" });
    expect(start.status).toBe(202);
    let location = start.headers.get("Location") ?? "";
    expect(start.headers.get("Range")).toBe("0-0");
    const cuts = [0, 1000, 3 * MiB, 8 * MiB + 5, data.byteLength];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const from = cuts[i] as number;
      const to = cuts[i + 1] as number;
      const res = await call(location, { method: "PATCH", body: data.slice(from, to), headers: { "Content-Range": `${from}-${to - 1}`, "Content-Type": "application/octet-stream" } });
      expect(res.status, await res.clone().text()).toBe(202);
      expect(res.headers.get("Range")).toBe(`0-${to - 1}`);
      location = res.headers.get("Location") ?? "";
    }
    const status = await call(location);
    expect(status.status).toBe(204);
    expect(status.headers.get("Range")).toBe(`0-${data.byteLength - 1}`);
    const digest = `sha256:${await sha256(data)}`;
    const done = await call(`${location}?digest=${digest}`, { method: "PUT" });
    expect(done.status, await done.clone().text()).toBe(201);
    expect(done.headers.get("Docker-Content-Digest")).toBe(digest);
    const got = await call(`/v2/oci-pp/chunked/blobs/${digest}`);
    expect(await sha256(await got.arrayBuffer())).toBe(digest.slice(7));
  });

  it("refuses a chunk that does not continue the upload with 416 and the current Range", async () => {
    const start = await call("/v2/oci-pp/ranges/blobs/uploads/", { method: "POST" });
    const location = start.headers.get("Location") ?? "";
    await call(location, { method: "PATCH", body: text("abcd"), headers: { "Content-Range": "0-3" } });
    const wrong = await call(location, { method: "PATCH", body: text("efgh"), headers: { "Content-Range": "10-13" } });
    expect(wrong.status).toBe(416);
    expect(wrong.headers.get("Range")).toBe("0-3");
    expect(await errorCode(wrong)).toBe("BLOB_UPLOAD_INVALID");
  });

  it("stores nothing when the digest does not match", async () => {
    const start = await call("/v2/oci-pp/bad/blobs/uploads/", { method: "POST" });
    const location = start.headers.get("Location") ?? "";
    const wrongDigest = await digestOf(text("something else"));
    const res = await call(`${location}?digest=${wrongDigest}`, { method: "PUT", body: text("payload") });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("DIGEST_INVALID");
    expect((await call(`/v2/oci-pp/bad/blobs/${wrongDigest}`, { method: "HEAD" })).status).toBe(404);
    expect((await call(`/v2/oci-pp/bad/blobs/${await digestOf(text("payload"))}`, { method: "HEAD" })).status).toBe(404);
    const monolithic = await call(`/v2/oci-pp/bad/blobs/uploads/?digest=${wrongDigest}`, { method: "POST", body: text("payload") });
    expect(await errorCode(monolithic)).toBe("DIGEST_INVALID");
    // The session is gone after the failed PUT.
    expect(await errorCode(await call(location))).toBe("BLOB_UPLOAD_UNKNOWN");
  });

  it("accepts the empty blob", async () => {
    const digest = await digestOf(new Uint8Array(0));
    const res = await call(`/v2/oci-pp/empty/blobs/uploads/?digest=${digest}`, { method: "POST" });
    expect(res.status, await res.clone().text()).toBe(201);
    const start = await call("/v2/oci-pp/empty2/blobs/uploads/", { method: "POST" });
    const done = await call(`${start.headers.get("Location") ?? ""}?digest=${digest}`, { method: "PUT" });
    expect(done.status, await done.clone().text()).toBe(201);
    expect((await call(`/v2/oci-pp/empty2/blobs/${digest}`, { method: "HEAD" })).headers.get("Content-Length")).toBe("0");
  });

  it("refuses manifests referencing missing blobs, bad digests, oversized bodies, invalid names and tags", async () => {
    const manifest = await imageManifest(text("config-x"), [text("layer-x")]);
    const missing = await putManifest("oci-pp/missing", "v1", manifest);
    expect(missing.status).toBe(400);
    expect(await errorCode(missing)).toBe("MANIFEST_BLOB_UNKNOWN");
    expect((await call("/v2/oci-pp/missing/manifests/v1")).status).toBe(404);
    const wrongDigest = await putManifest("oci-pp/missing", await digestOf(text("other")), manifest);
    expect(await errorCode(wrongDigest)).toBe("DIGEST_INVALID");
    const huge = await putManifest("oci-pp/missing", "big", new Uint8Array(4 * MiB + 1).fill(32));
    expect(huge.status).toBe(413);
    expect(await errorCode(await putManifest("oci-pp/missing", "v1", text("{not json")))).toBe("MANIFEST_INVALID");
    expect(await errorCode(await putManifest("oci-pp/Bad_Name", "v1", manifest))).toBe("NAME_INVALID");
    expect(await errorCode(await putManifest("oci-pp/missing", "-bad-tag", manifest))).toBe("TAG_INVALID");
    expect(await errorCode(await call("/v2/oci-pp/missing/blobs/sha256:abc"))).toBe("DIGEST_INVALID");
    expect(await errorCode(await call("/v2/oci-pp/missing/blobs/uploads/00000000-0000-0000-0000-000000000000"))).toBe("BLOB_UPLOAD_UNKNOWN");
    expect((await call("/v2/oci-pp/missing/tags/list")).status).toBe(404);
  });

  it("lists tags with n/last and Link, and deletes manifests (tags follow) and blobs", async () => {
    const a = await pushImage("oci-pp/tags", "b", "t1");
    await putManifest("oci-pp/tags", "a", a.manifest);
    await putManifest("oci-pp/tags", "c", a.manifest);
    const b = await pushImage("oci-pp/tags", "d", "t2");
    const first = await call("/v2/oci-pp/tags/tags/list?n=2");
    expect(await first.json()).toEqual({ name: "oci-pp/tags", tags: ["a", "b"] });
    expect(first.headers.get("Link")).toBe('</v2/oci-pp/tags/tags/list?n=2&last=b>; rel="next"');
    const second = await call("/v2/oci-pp/tags/tags/list?n=2&last=b");
    expect(await second.json()).toEqual({ name: "oci-pp/tags", tags: ["c", "d"] });
    expect((await call(`/v2/oci-pp/tags/manifests/${a.digest}`, { method: "DELETE" })).status).toBe(202);
    expect(await (await call("/v2/oci-pp/tags/tags/list")).json()).toEqual({ name: "oci-pp/tags", tags: ["d"] });
    expect((await call(`/v2/oci-pp/tags/manifests/${a.digest}`)).status).toBe(404);
    expect((await call(`/v2/oci-pp/tags/manifests/${b.digest}`)).status).toBe(200);
    const layer = await digestOf(a.layers[0] as Uint8Array);
    expect((await call(`/v2/oci-pp/tags/blobs/${layer}`, { method: "DELETE" })).status).toBe(202);
    expect((await call(`/v2/oci-pp/tags/blobs/${layer}`, { method: "HEAD" })).status).toBe(404);
    expect(await errorCode(await call(`/v2/oci-pp/tags/blobs/${layer}`, { method: "DELETE" }))).toBe("BLOB_UNKNOWN");
  });

  it("mounts a blob from another name and answers an upload when it cannot", async () => {
    const digest = await pushBlob("oci-pp/source", text("mountable"));
    const mounted = await call(`/v2/oci-pp/target/blobs/uploads/?mount=${digest}&from=oci-pp/source`, { method: "POST" });
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get("Location")).toBe(`/v2/oci-pp/target/blobs/${digest}`);
    const fallback = await call(`/v2/oci-pp/target/blobs/uploads/?mount=${digest}&from=oci-pp/nowhere`, { method: "POST" });
    expect(fallback.status).toBe(202);
  });
});
