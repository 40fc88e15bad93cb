// RPM virtual repositories in workerd: their own generation, merged by their own IndexBuilder
// from the hosted members' stored generations and signed with the virtual's key; a package
// location both members have is listed once, with the pkgid of the member the virtual serves
// it from (priority order). A member's change reaches the virtual through the member's build
// and then the virtual's (never through a read); a caller who cannot read every hosted member
// gets no repodata.
import { env } from "cloudflare:test";
import { gunzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyDetached } from "../../src/signing/openpgp";
import { api, call, createRepository, createToken, sha256 } from "../helpers/client";
import { buildRpm } from "../helpers/rpm-packages";
import { repositoryId } from "./debian-helpers";
import { builderOf, checkGroup, rebuild, text, uploadRpm } from "./rpm-helpers";

const builds = async (repo: string): Promise<number> => (await (await builderOf(repo)).status()).builds;
const primaryHref = (repomd: string): string => /<data type="primary">[\s\S]*?<location href="([^"]+)"/.exec(repomd)?.[1] ?? "";

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
  it("merges the members' generations per group into its own, signed with its own key", async () => {
    const shared = { name: "shared", version: "1.0", release: "1.el9" };
    expect((await uploadRpm("rpm-v-high", { ...shared, payload: new TextEncoder().encode("high") }, "el9")).status).toBe(201);
    expect((await uploadRpm("rpm-v-low", { ...shared, payload: new TextEncoder().encode("low") }, "el9")).status).toBe(201);
    expect((await uploadRpm("rpm-v-low", { name: "only-low", version: "2.0", release: "1.el9" }, "el9")).status).toBe(201);
    expect((await uploadRpm("rpm-v-secret", { name: "secret", version: "1", release: "1.el9" }, "el9")).status).toBe(201);
    // Uploads through the virtual go to its deploy member.
    expect((await call("/rpm/rpm-virtual/upload", { method: "PUT", body: buildRpm({ name: "rooted", version: "1", release: "1" }) })).status).toBe(201);
    for (const repo of ["rpm-v-high", "rpm-v-low", "rpm-v-secret"]) expect(await rebuild(repo)).toBe(true);
    // The members' builds scheduled the virtual's; its alarm builds it (reads never do).
    expect(await rebuild("rpm-virtual")).toBe(true);

    const before = await builds("rpm-virtual");
    const listed = await checkGroup("rpm-virtual", "el9");
    expect(listed).toEqual(["package/only-low/only-low-2.0-1.el9.x86_64.rpm", "package/secret/secret-1-1.el9.x86_64.rpm", "package/shared/shared-1.0-1.el9.x86_64.rpm"]);
    expect(await checkGroup("rpm-virtual", "")).toEqual(["package/rooted/rooted-1-1.x86_64.rpm"]);
    // The shared location is the higher member's package, in the index and as served.
    const primary = new TextDecoder().decode(gunzipSync(new Uint8Array(await (await call("/rpm/rpm-virtual/el9/repodata/primary.xml.gz")).arrayBuffer())));
    const high = await (await call("/rpm/rpm-v-high/el9/package/shared/shared-1.0-1.el9.x86_64.rpm")).arrayBuffer();
    expect(primary).toContain(`pkgid="YES">${await sha256(high)}<`);
    const served = await call("/rpm/rpm-virtual/el9/package/shared/shared-1.0-1.el9.x86_64.rpm");
    expect(await sha256(await served.arrayBuffer())).toBe(await sha256(high));

    const virtualKey = (await text("rpm-virtual", "repository.key")).body;
    const memberKey = (await text("rpm-v-high", "repository.key")).body;
    expect(virtualKey).toContain("BEGIN PGP PUBLIC KEY BLOCK");
    expect(virtualKey).not.toBe(memberKey);
    expect((await text("rpm-virtual", "el9/repodata/repomd.xml.key")).body).toBe(virtualKey);
    const repomd = (await text("rpm-virtual", "el9/repodata/repomd.xml")).body;
    const asc = (await text("rpm-virtual", "el9/repodata/repomd.xml.asc")).body;
    expect(await verifyDetached(virtualKey, repomd, asc)).toBe(true);
    expect(await verifyDetached(memberKey, repomd, asc)).toBe(false);
    expect((await text("rpm-virtual", "el9/repodata/repomd.xml")).body).toBe(repomd);
    const repoFile = (await text("rpm-virtual", "el9.repo")).body;
    expect(repoFile).toMatch(/gpgkey=.*\/rpm\/rpm-virtual\/repository\.key/);
    expect(repoFile).toContain("repo_gpgcheck=1");
    // All those reads built nothing.
    expect(await builds("rpm-virtual")).toBe(before);
    expect(await rebuild("rpm-virtual")).toBe(false);
  });

  it("refuses the merged repodata to a caller who cannot read every hosted member", async () => {
    for (const path of ["el9/repodata/repomd.xml", "el9/repodata/primary.xml.gz", "repodata/repomd.xml.asc"]) {
      const res = await call(`/rpm/rpm-virtual/${path}`, { token: null });
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("rpm-v-secret");
    }
    const outsider = await createToken({ name: "rpm-v-outsider", scopes: ["read"], repositories: ["rpm-virtual"] });
    expect((await call("/rpm/rpm-virtual/el9/repodata/repomd.xml", { token: outsider })).status).toBe(404);
    // Its key and the packages of the members it can read stay reachable.
    expect((await text("rpm-virtual", "repository.key", null)).body).toContain("BEGIN PGP PUBLIC KEY BLOCK");
    expect((await call("/rpm/rpm-virtual/el9/package/only-low/only-low-2.0-1.el9.x86_64.rpm", { token: null })).status).toBe(200);
    expect((await call("/rpm/rpm-virtual/el9/package/secret/secret-1-1.el9.x86_64.rpm", { token: null })).status).toBe(404);
  });

  it("shows a member's change only after the member's build and then the virtual's", async () => {
    const builtBefore = await builds("rpm-virtual");
    const oldRepomd = (await text("rpm-virtual", "el9/repodata/repomd.xml")).body;
    expect((await uploadRpm("rpm-v-low", { name: "later", version: "3.0", release: "1.el9" }, "el9")).status).toBe(201);
    const without = ["package/only-low/only-low-2.0-1.el9.x86_64.rpm", "package/secret/secret-1-1.el9.x86_64.rpm", "package/shared/shared-1.0-1.el9.x86_64.rpm"];
    expect(await checkGroup("rpm-virtual", "el9")).toEqual(without);
    expect(await rebuild("rpm-virtual")).toBe(false); // nothing scheduled before the member's build
    expect(await rebuild("rpm-v-low")).toBe(true);
    expect(await checkGroup("rpm-virtual", "el9")).toEqual(without);
    expect(await builds("rpm-virtual")).toBe(builtBefore);
    expect(await rebuild("rpm-virtual")).toBe(true); // the member's build scheduled it
    expect(await checkGroup("rpm-virtual", "el9")).toEqual(["package/later/later-3.0-1.el9.x86_64.rpm", ...without].sort());
    // A dnf that read the previous repomd.xml still gets its files.
    const oldPrimary = await call(`/rpm/rpm-virtual/el9/${primaryHref(oldRepomd)}`);
    expect(oldPrimary.status).toBe(200);
    expect(await sha256(new Uint8Array(await oldPrimary.arrayBuffer()))).toBe(/<data type="primary">\s*<checksum type="sha256">([0-9a-f]{64})</.exec(oldRepomd)?.[1]);

    expect((await call("/rpm/rpm-v-low/el9/package/only-low/2.0-1.el9/x86_64", { method: "DELETE" })).status).toBe(204);
    expect(await rebuild("rpm-v-low")).toBe(true);
    expect(await rebuild("rpm-virtual")).toBe(true);
    expect(await checkGroup("rpm-virtual", "el9")).toEqual(["package/later/later-3.0-1.el9.x86_64.rpm", "package/secret/secret-1-1.el9.x86_64.rpm", "package/shared/shared-1.0-1.el9.x86_64.rpm"]);
    expect((await text("rpm-virtual", "el8/repodata/repomd.xml")).status).toBe(404);
  });

  it("re-signs with the virtual's new key when it is rotated", async () => {
    const oldKey = (await text("rpm-virtual", "repository.key")).body;
    expect((await api("/repositories/rpm-virtual/signing-key/rotate", "POST")).status).toBe(200);
    const newKey = (await text("rpm-virtual", "repository.key")).body;
    expect(newKey).not.toBe(oldKey);
    const repomd = (await text("rpm-virtual", "el9/repodata/repomd.xml")).body;
    const asc = (await text("rpm-virtual", "el9/repodata/repomd.xml.asc")).body;
    expect(await verifyDetached(newKey, repomd, asc)).toBe(true);
    expect(await verifyDetached(oldKey, repomd, asc)).toBe(false);
    await checkGroup("rpm-virtual", "el9");
  });

  it("without a stored generation schedules a build and answers 404 until it lands", async () => {
    await createRepository({ name: "rpm-v-fresh", format: "rpm", kind: "virtual", visibility: "public", members: [{ repository: "rpm-v-high", priority: 1 }] });
    expect(await checkGroup("rpm-v-fresh", "")).toEqual(["package/rooted/rooted-1-1.x86_64.rpm"]);
    // As a virtual created before virtual generations existed: none stored.
    await env.DB.prepare("DELETE FROM derived_document WHERE repository_id = ? AND key = 'index:rpm:generation.json'").bind(await repositoryId("rpm-v-fresh")).run();
    expect((await text("rpm-v-fresh", "repodata/repomd.xml")).status).toBe(404);
    expect(await rebuild("rpm-v-fresh")).toBe(true);
    expect(await checkGroup("rpm-v-fresh", "")).toEqual(["package/rooted/rooted-1-1.x86_64.rpm"]);
  });
});
