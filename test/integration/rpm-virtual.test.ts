// RPM virtual repositories in workerd: the hosted members' repodata merged per group and
// re-signed with the virtual's own key; a package location both members have is listed once,
// with the pkgid of the member the virtual serves it from (priority order); the virtual's
// key differs from its members'; members the caller cannot read are left out.
import { gunzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyDetached } from "../../src/signing/openpgp";
import { call, createRepository, sha256 } from "../helpers/client";
import { buildRpm } from "../helpers/rpm-packages";
import { checkGroup, rebuild, text, uploadRpm } from "./rpm-helpers";

beforeAll(async () => {
  await createRepository({ name: "rpm-v-high", format: "rpm", kind: "hosted", visibility: "public" });
  await createRepository({ name: "rpm-v-low", format: "rpm", kind: "hosted", visibility: "public" });
  await createRepository({ name: "rpm-v-secret", format: "rpm", kind: "hosted", visibility: "private" });
  await createRepository({
    name: "rpm-virtual", format: "rpm", kind: "virtual", visibility: "public",
    members: [{ repository: "rpm-v-high", priority: 10 }, { repository: "rpm-v-low", priority: 5 }, { repository: "rpm-v-secret", priority: 1 }],
    settings: { deployMember: "rpm-v-high" },
  });
});

describe("virtual RPM repository", () => {
  it("merges the members' repodata per group and re-signs it with its own key", async () => {
    const shared = { name: "shared", version: "1.0", release: "1.el9" };
    expect((await uploadRpm("rpm-v-high", { ...shared, payload: new TextEncoder().encode("high") }, "el9")).status).toBe(201);
    expect((await uploadRpm("rpm-v-low", { ...shared, payload: new TextEncoder().encode("low") }, "el9")).status).toBe(201);
    expect((await uploadRpm("rpm-v-low", { name: "only-low", version: "2.0", release: "1.el9" }, "el9")).status).toBe(201);
    expect((await uploadRpm("rpm-v-secret", { name: "secret", version: "1", release: "1.el9" }, "el9")).status).toBe(201);
    // Uploads through the virtual go to its deploy member.
    expect((await call("/rpm/rpm-virtual/upload", { method: "PUT", body: buildRpm({ name: "rooted", version: "1", release: "1" }) })).status).toBe(201);
    for (const repo of ["rpm-v-high", "rpm-v-low", "rpm-v-secret"]) await rebuild(repo);

    // The admin token reads every member, the private one included.
    const listed = await checkGroup("rpm-virtual", "el9");
    expect(listed).toEqual(["package/only-low/only-low-2.0-1.el9.x86_64.rpm", "package/secret/secret-1-1.el9.x86_64.rpm", "package/shared/shared-1.0-1.el9.x86_64.rpm"]);
    // Anonymous callers get the repodata of the members they can read.
    const anonymous = await call("/rpm/rpm-virtual/el9/repodata/primary.xml.gz", { token: null });
    const primary = new TextDecoder().decode(gunzipSync(new Uint8Array(await anonymous.arrayBuffer())));
    expect(primary).toContain('packages="2"');
    expect(primary).not.toContain("<name>secret</name>");
    const high = await (await call("/rpm/rpm-v-high/el9/package/shared/shared-1.0-1.el9.x86_64.rpm")).arrayBuffer();
    expect(primary).toContain(`pkgid="YES">${await sha256(high)}<`);
    expect(await checkGroup("rpm-virtual", "")).toEqual(["package/rooted/rooted-1-1.x86_64.rpm"]);

    const virtualKey = (await text("rpm-virtual", "repository.key")).body;
    const memberKey = (await text("rpm-v-high", "repository.key")).body;
    expect(virtualKey).toContain("BEGIN PGP PUBLIC KEY BLOCK");
    expect(virtualKey).not.toBe(memberKey);
    const repomd = (await text("rpm-virtual", "el9/repodata/repomd.xml")).body;
    const asc = (await text("rpm-virtual", "el9/repodata/repomd.xml.asc")).body;
    expect(await verifyDetached(memberKey, repomd, asc)).toBe(false);
    // Stable across requests: the same merged bytes for the same member generations.
    expect((await text("rpm-virtual", "el9/repodata/repomd.xml")).body).toBe(repomd);
    const repoFile = (await text("rpm-virtual", "el9.repo")).body;
    expect(repoFile).toMatch(/gpgkey=.*\/rpm\/rpm-virtual\/repository\.key/);

  });

  it("follows the members' next generation", async () => {
    expect((await call("/rpm/rpm-v-low/el9/package/only-low/2.0-1.el9/x86_64", { method: "DELETE" })).status).toBe(204);
    await rebuild("rpm-v-low");
    expect(await checkGroup("rpm-virtual", "el9")).toEqual(["package/secret/secret-1-1.el9.x86_64.rpm", "package/shared/shared-1.0-1.el9.x86_64.rpm"]);
    expect((await text("rpm-virtual", "el8/repodata/repomd.xml")).status).toBe(404);
  });
});
