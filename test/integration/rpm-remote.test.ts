// RPM remote repositories in workerd: a mirror of an upstream tree laid out as a Fedora mirror
// (`repodata/repomd.xml`, `.asc`, hashed repodata files, `Packages/h/…rpm`), passed through
// unchanged (signatures included); packages are immutable artifacts served from the cache
// after the first fetch; the .repo file leaves the upstream's key to the user.
import { describe, expect, it } from "vitest";
import { call, createRepository } from "../helpers/client";
import { buildRpm } from "../helpers/rpm-packages";
import { useScriptedUpstream } from "../helpers/scripted-upstream";

const upstream = useScriptedUpstream();
const MIRROR = "https://mirror.test/fedora/releases/40/Everything/x86_64/os";

describe("RPM remote", () => {
  it("mirrors an upstream tree: repodata and signatures unchanged, packages cached", async () => {
    const repomd = '<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo"><revision>1</revision></repomd>\n';
    const signature = "-----BEGIN PGP SIGNATURE-----\n\nupstream signature bytes\n-----END PGP SIGNATURE-----\n";
    const rpm = buildRpm({ name: "hello", version: "2.12", release: "1.fc40" });
    const primary = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const hashed = `repodata/${"ab".repeat(32)}-primary.xml.gz`;
    upstream.on(`${MIRROR}/repodata/repomd.xml`, () => new Response(repomd, { headers: { "Content-Type": "text/xml" } }));
    upstream.on(`${MIRROR}/repodata/repomd.xml.asc`, () => new Response(signature, { headers: { "Content-Type": "text/plain" } }));
    upstream.on(`${MIRROR}/${hashed}`, () => new Response(primary, { headers: { "Content-Type": "application/gzip" } }));
    upstream.on(`${MIRROR}/Packages/h/hello-2.12-1.fc40.x86_64.rpm`, () => new Response(rpm, { headers: { "Content-Type": "application/x-rpm" } }));
    await createRepository({ name: "rpm-fedora", format: "rpm", kind: "remote", visibility: "public", remote: { url: `${MIRROR}/` } });

    expect(await (await call("/rpm/rpm-fedora/repodata/repomd.xml")).text()).toBe(repomd);
    expect(await (await call("/rpm/rpm-fedora/repodata/repomd.xml.asc")).text()).toBe(signature);
    expect(new Uint8Array(await (await call(`/rpm/rpm-fedora/${hashed}`)).arrayBuffer())).toEqual(primary);
    for (let i = 0; i < 2; i++) {
      const res = await call("/rpm/rpm-fedora/Packages/h/hello-2.12-1.fc40.x86_64.rpm");
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(rpm);
    }
    expect(upstream.to(`${MIRROR}/Packages/h/hello-2.12-1.fc40.x86_64.rpm`)).toHaveLength(1);
    expect((await call("/rpm/rpm-fedora/Packages/h/missing-1-1.x86_64.rpm")).status).toBe(404);
    // Writes go to hosted repositories only.
    expect((await call("/rpm/rpm-fedora/upload", { method: "PUT", body: rpm })).status).toBe(405);
    const repoFile = await (await call("/rpm/rpm-fedora.repo")).text();
    expect(repoFile).toContain("gpgcheck=1\nrepo_gpgcheck=0\n");
    expect(repoFile).not.toMatch(/^gpgkey=/m);
  });
});
