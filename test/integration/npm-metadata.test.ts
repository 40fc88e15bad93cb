// npm hosted metadata changes, request by request as npm 11 sends them: dist-tag ls/add/rm,
// deprecate and undeprecate (PUT of the whole packument), stale revisions (409), PUTs that
// try to add versions without tarballs, unpublish of one version (PUT -rev, DELETE tarball
// -rev) and of a whole package (DELETE -rev), and republishing afterwards.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createRepository, createToken } from "../helpers/client";
import { packument, publish, putJson, tarballBytes } from "./npm-helpers";

const R = "npm-meta";
const tags = (name: string) => `/npm/${R}/-/package/${name.replace("/", "%2f")}/dist-tags`;
let reader: string;

async function publishAll(name: string, versions: string[]): Promise<void> {
  for (const [i, v] of versions.entries()) {
    const res = await publish(R, name, v, tarballBytes(50 + i, i + 1));
    expect(res.status, await res.clone().text()).toBe(201);
  }
}

async function json(res: Response, status: number): Promise<unknown> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as unknown;
}

beforeAll(async () => {
  await createRepository({ name: R, format: "npm", kind: "hosted", visibility: "public" });
  reader = await createToken({ name: "npm-meta-reader", scopes: ["read"] });
});

describe("dist-tags", () => {
  it("lists, adds, moves and removes tags", async () => {
    await publishAll("@t/tagged", ["1.0.0", "1.1.0", "2.0.0-rc.1"]);
    // Publishing with the default tag moved latest to the prerelease, as npm's registry does.
    expect(await json(await call(tags("@t/tagged"), { token: null }), 200)).toEqual({ latest: "2.0.0-rc.1" });
    expect(await json(await putJson(`${tags("@t/tagged")}/latest`, "1.1.0"), 200)).toEqual({ ok: true });
    expect(await json(await putJson(`${tags("@t/tagged")}/next`, "2.0.0-rc.1"), 200)).toEqual({ ok: true });
    expect(await json(await call(`${tags("@t/tagged")}/legacy`, { method: "PUT", body: "1.0.0" }), 200)).toEqual({ ok: true });
    expect(await json(await call(tags("@t/tagged"), { token: null }), 200)).toEqual({ latest: "1.1.0", next: "2.0.0-rc.1", legacy: "1.0.0" });
    expect((await packument(R, "@t/tagged"))["dist-tags"]).toEqual({ latest: "1.1.0", next: "2.0.0-rc.1", legacy: "1.0.0" });
    expect(await json(await call(`${tags("@t/tagged")}/legacy`, { method: "DELETE" }), 200)).toEqual({ ok: true });
    expect(await json(await call(tags("@t/tagged"), { token: null }), 200)).toEqual({ latest: "1.1.0", next: "2.0.0-rc.1" });
    // The scoped name also works unencoded.
    expect(await json(await call(`/npm/${R}/-/package/@t/tagged/dist-tags`, { token: null }), 200)).toEqual({ latest: "1.1.0", next: "2.0.0-rc.1" });
  });

  it("refuses bad tags, unknown versions and removing latest", async () => {
    expect(await json(await putJson(`${tags("@t/tagged")}/1.x`, "1.0.0"), 400)).toEqual({ error: "Tag name must not be a valid SemVer range: 1.x" });
    expect(await json(await putJson(`${tags("@t/tagged")}/v2`, "1.0.0"), 400)).toMatchObject({ error: expect.stringMatching(/SemVer range/) });
    expect(await json(await putJson(`${tags("@t/tagged")}/beta`, "9.9.9"), 404)).toMatchObject({ error: expect.stringMatching(/9\.9\.9/) });
    expect(await json(await putJson(`${tags("@t/tagged")}/beta`, 42), 400)).toMatchObject({ error: expect.stringMatching(/JSON string/) });
    expect(await json(await call(`${tags("@t/tagged")}/latest`, { method: "DELETE" }), 400)).toMatchObject({ error: expect.stringMatching(/latest/) });
    expect(await json(await call(`${tags("@t/tagged")}/nope`, { method: "DELETE" }), 404)).toMatchObject({ error: expect.stringMatching(/nope/) });
    expect(await json(await call(tags("@t/missing"), { token: null }), 404)).toMatchObject({ error: expect.any(String) });
    expect((await putJson(`${tags("@t/tagged")}/beta`, "1.0.0", null)).status).toBe(401);
    expect((await putJson(`${tags("@t/tagged")}/beta`, "1.0.0", reader)).status).toBe(403);
  });
});

describe("deprecate", () => {
  it("sets and clears deprecation messages through a packument PUT (npm deprecate / undeprecate)", async () => {
    await publishAll("old-thing", ["1.0.0", "1.0.1", "2.0.0"]);
    const doc = await packument(R, "old-thing");
    for (const v of ["1.0.0", "1.0.1"]) (doc.versions[v] ?? {}).deprecated = "use 2.x";
    expect(await json(await putJson(`/npm/${R}/old-thing`, doc), 200)).toMatchObject({ ok: true });
    const after = await packument(R, "old-thing");
    expect(after.versions["1.0.0"]?.deprecated).toBe("use 2.x");
    expect(after.versions["1.0.1"]?.deprecated).toBe("use 2.x");
    expect(after.versions["2.0.0"]).not.toHaveProperty("deprecated");
    expect(after._rev).not.toBe(doc._rev);
    expect(String(after.time.modified) > String(doc.time.modified)).toBe(true);
    const abbreviated = await packument(R, "old-thing", "application/vnd.npm.install-v1+json");
    expect(abbreviated.versions["1.0.0"]?.deprecated).toBe("use 2.x");

    // npm undeprecate sends deprecated: "".
    (after.versions["1.0.1"] ?? {}).deprecated = "";
    expect((await putJson(`/npm/${R}/old-thing`, after)).status).toBe(200);
    const cleared = await packument(R, "old-thing");
    expect(cleared.versions["1.0.1"]).not.toHaveProperty("deprecated");
    expect(cleared.versions["1.0.0"]?.deprecated).toBe("use 2.x");
    const audit = await env.DB.prepare("SELECT action, target FROM audit_event WHERE action LIKE 'npm.%deprecate' ORDER BY id").all<{ action: string; target: string }>();
    expect(audit.results).toEqual([
      { action: "npm.deprecate", target: "old-thing@1.0.0" },
      { action: "npm.deprecate", target: "old-thing@1.0.1" },
      { action: "npm.undeprecate", target: "old-thing@1.0.1" },
    ]);
  });

  it("refuses a stale _rev (409) and versions without tarballs (400); changes nothing", async () => {
    const doc = await packument(R, "old-thing");
    const stale = { ...doc, _rev: "1-0" };
    expect(await json(await putJson(`/npm/${R}/old-thing`, stale), 409)).toMatchObject({ error: expect.stringMatching(/conflict/) });
    const withNew = { ...doc, versions: { ...doc.versions, "3.0.0": { name: "old-thing", version: "3.0.0", dist: {} } } };
    expect(await json(await putJson(`/npm/${R}/old-thing`, withNew), 400)).toMatchObject({ error: expect.stringMatching(/without a tarball: 3\.0\.0/) });
    const withoutAttachments = { ...doc, _attachments: {} };
    expect((await putJson(`/npm/${R}/old-thing`, withoutAttachments)).status).toBe(200);
    const now = await packument(R, "old-thing");
    expect(Object.keys(now.versions)).toEqual(["1.0.0", "1.0.1", "2.0.0"]);
    expect(now._rev).toBe(doc._rev);
    // A plain PUT may move tags to existing versions, never remove them.
    const retag = { ...doc, "dist-tags": { stable: "1.0.1" } };
    expect((await putJson(`/npm/${R}/old-thing`, retag)).status).toBe(200);
    expect((await packument(R, "old-thing"))["dist-tags"]).toEqual({ latest: "2.0.0", stable: "1.0.1" });
    expect((await putJson(`/npm/${R}/missing-pkg`, doc)).status).toBe(400);
  });
});

describe("unpublish", () => {
  it("one version the way libnpmpublish does it: PUT -rev without it, then DELETE its tarball", async () => {
    await publishAll("gone-soon", ["1.0.0", "1.1.0", "2.0.0-beta.0", "1.2.0"]);
    const before = await packument(R, "gone-soon");
    expect(before["dist-tags"]).toEqual({ latest: "1.2.0" });
    await json(await putJson(`/npm/${R}/-/package/gone-soon/dist-tags/beta`, "2.0.0-beta.0"), 200);
    const doc = await packument(R, "gone-soon");
    const { "1.2.0": removed, ...rest } = doc.versions;
    expect(removed).toBeDefined();
    const reduced = { ...doc, versions: rest, "dist-tags": { latest: "2.0.0-beta.0", beta: "2.0.0-beta.0" } };
    expect((await putJson(`/npm/${R}/gone-soon/-rev/${doc._rev}`, reduced)).status).toBe(200);
    const mid = await packument(R, "gone-soon");
    expect(Object.keys(mid.versions)).toEqual(["1.0.0", "1.1.0", "2.0.0-beta.0"]);
    // The server's rule, not the client's guess: latest moves to the highest remaining release.
    expect(mid["dist-tags"]).toEqual({ latest: "1.1.0", beta: "2.0.0-beta.0" });
    const del = await call(`/npm/${R}/gone-soon/-/gone-soon-1.2.0.tgz/-rev/${mid._rev}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect((await call(`/npm/${R}/gone-soon/-/gone-soon-1.2.0.tgz`, { token: null })).status).toBe(404);

    // The DELETE alone also removes a version (and its tags), with the current revision only.
    expect((await call(`/npm/${R}/gone-soon/-/gone-soon-2.0.0-beta.0.tgz/-rev/${doc._rev}`, { method: "DELETE" })).status).toBe(409);
    const cur = await packument(R, "gone-soon");
    expect((await call(`/npm/${R}/gone-soon/-/gone-soon-2.0.0-beta.0.tgz/-rev/${cur._rev}`, { method: "DELETE" })).status).toBe(200);
    const after = await packument(R, "gone-soon");
    expect(Object.keys(after.versions)).toEqual(["1.0.0", "1.1.0"]);
    expect(after["dist-tags"]).toEqual({ latest: "1.1.0" });
    const versions = await env.DB.prepare("SELECT count(*) AS n FROM package_version v JOIN package p ON p.id = v.package_id WHERE p.name = 'gone-soon'").first<{ n: number }>();
    expect(versions?.n).toBe(2);
  });

  it("a stale -rev PUT cannot drop a version published meanwhile", async () => {
    const doc = await packument(R, "gone-soon");
    await publishAll("gone-soon", ["1.3.0"]);
    const { "1.0.0": _dropped, ...rest } = doc.versions;
    expect((await putJson(`/npm/${R}/gone-soon/-rev/${doc._rev}`, { ...doc, versions: rest })).status).toBe(409);
    expect(Object.keys((await packument(R, "gone-soon")).versions)).toEqual(["1.0.0", "1.1.0", "1.3.0"]);
  });

  it("a whole package with DELETE -rev; then its name and versions may be published again", async () => {
    const doc = await packument(R, "gone-soon");
    expect((await call(`/npm/${R}/gone-soon/-rev/0-0`, { method: "DELETE" })).status).toBe(409);
    expect((await call(`/npm/${R}/gone-soon/-rev/${doc._rev}`, { method: "DELETE", token: reader })).status).toBe(403);
    expect(await json(await call(`/npm/${R}/gone-soon/-rev/${doc._rev}`, { method: "DELETE" }), 200)).toEqual({ ok: true });
    expect((await call(`/npm/${R}/gone-soon`, { token: null })).status).toBe(404);
    expect((await call(`/npm/${R}/gone-soon/-/gone-soon-1.0.0.tgz`, { token: null })).status).toBe(404);
    expect((await call(`/npm/${R}/gone-soon/-rev/${doc._rev}`, { method: "DELETE" })).status).toBe(404);
    const props = await env.DB.prepare("SELECT count(*) AS n FROM property WHERE ref_type = 'package' AND ref_id = (SELECT id FROM package WHERE name = 'gone-soon')").first<{ n: number }>();
    expect(props?.n).toBe(0);

    await publishAll("gone-soon", ["1.0.0"]);
    const again = await packument(R, "gone-soon");
    expect(Object.keys(again.versions)).toEqual(["1.0.0"]);
    expect(again["dist-tags"]).toEqual({ latest: "1.0.0" });
  });

  it("removing the last version through the -rev PUT removes the package", async () => {
    const doc = await packument(R, "gone-soon");
    expect((await putJson(`/npm/${R}/gone-soon/-rev/${doc._rev}`, { ...doc, versions: {} })).status).toBe(200);
    expect((await call(`/npm/${R}/gone-soon`, { token: null })).status).toBe(404);
  });
});
