// OCI virtual repositories in workerd: a hosted member and a remote member (a scripted
// token-auth upstream). Tags are unioned and the higher-priority member wins a tag;
// manifests by digest and blobs come from the member that has them; a hosted image name
// shields the remote's image of that name; pushes go to the deploy member or are refused;
// the catalog lists the hosted members' names under the virtual.
import { describe, expect, it } from "vitest";
import { api, call, createRepository } from "../helpers/client";
import { useScriptedUpstream } from "../helpers/scripted-upstream";
import { digestOf, errorCode, OCI_MANIFEST, pushImage } from "./oci-helpers";
import { FakeDistribution, upstreamImage } from "./oci-upstream";

const upstream = useScriptedUpstream();
let n = 0;

async function setUp(settings: Record<string, unknown>) {
  const id = ++n;
  const hosted = `oci-vh-${id}`;
  const remote = `oci-vr-${id}`;
  const virtual = `oci-v-${id}`;
  const origin = `https://${remote}.reg.test`;
  const registry = new FakeDistribution(upstream, origin, `https://auth.test/${remote}/token`);
  await createRepository({ name: hosted, format: "oci", kind: "hosted", visibility: "private" });
  await createRepository({ name: remote, format: "oci", kind: "remote", visibility: "private", remote: { url: origin } });
  await createRepository({
    name: virtual, format: "oci", kind: "virtual", visibility: "private", settings,
    members: [{ repository: hosted, priority: 20 }, { repository: remote, priority: 10 }],
  });
  return { hosted, remote, virtual, registry };
}

const manifest = (path: string, ref: string) => call(`/v2/${path}/manifests/${ref}`, { headers: { Accept: OCI_MANIFEST } });
const tagsOf = async (path: string) => ((await (await call(`/v2/${path}/tags/list`)).json()) as { tags: string[] }).tags;

describe("oci virtual", () => {
  it("unions tags, lets the higher-priority member win a tag, and serves digests and blobs from the member that has them", async () => {
    const { hosted, remote, virtual, registry } = await setUp({ shielding: false });
    const ours = await pushImage(`${hosted}/shared`, "1.0", "hosted shared");
    const theirs = await upstreamImage("upstream shared");
    const upOnly = await upstreamImage("upstream only");
    await registry.serve("shared", "1.0", theirs);
    await registry.serve("shared", "up-only", upOnly);

    expect(await tagsOf(`${virtual}/shared`)).toEqual(["1.0", "up-only"]);
    const won = await manifest(`${virtual}/shared`, "1.0");
    expect(won.headers.get("Docker-Content-Digest")).toBe(ours.digest);
    expect(won.headers.get("X-Registry-Member")).toBe(hosted);
    const fromRemote = await manifest(`${virtual}/shared`, "up-only");
    expect(fromRemote.headers.get("Docker-Content-Digest")).toBe(upOnly.digest);
    expect(fromRemote.headers.get("X-Registry-Member")).toBe(remote);
    const byDigest = await manifest(`${virtual}/shared`, theirs.digest);
    expect(byDigest.status).toBe(200);
    expect(new Uint8Array(await byDigest.arrayBuffer())).toEqual(theirs.manifest);

    const remoteLayer = await call(`/v2/${virtual}/shared/blobs/${upOnly.layerDigests[1]}`);
    expect(remoteLayer.headers.get("X-Registry-Member")).toBe(remote);
    expect(new Uint8Array(await remoteLayer.arrayBuffer())).toEqual(upOnly.layers[1]);
    const hostedLayer = await call(`/v2/${virtual}/shared/blobs/${await digestOf(ours.layers[0] ?? new Uint8Array())}`);
    expect(hostedLayer.headers.get("X-Registry-Member")).toBe(hosted);
    expect(new Uint8Array(await hostedLayer.arrayBuffer())).toEqual(ours.layers[0]);

    // No deploy member: pushes are refused with the spec's error.
    const push = await call(`/v2/${virtual}/shared/blobs/uploads/`, { method: "POST" });
    expect(push.status).toBe(405);
    expect(await errorCode(push)).toBe("UNSUPPORTED");
  });

  it("shields a hosted image name from the remote, sends pushes to the deploy member, and lists hosted names in the catalog", async () => {
    const { hosted, remote, virtual, registry } = await setUp({ deployMember: `oci-vh-${n + 1}` });
    await pushImage(`${hosted}/internal`, "1.0", "our internal image");
    const evil = await upstreamImage("dependency confusion");
    await registry.serve("internal", "evil", evil);
    const lib = await upstreamImage("a public library");
    await registry.serve("lib", "1.0", lib);

    expect(await tagsOf(`${virtual}/internal`)).toEqual(["1.0"]);
    const shielded = await manifest(`${virtual}/internal`, "evil");
    expect(shielded.status).toBe(404);
    expect(await errorCode(shielded)).toBe("MANIFEST_UNKNOWN");
    expect(await errorCode(await call(`/v2/${virtual}/internal/blobs/${evil.layerDigests[0]}`))).toBe("BLOB_UNKNOWN");
    expect(registry.requests("/v2/internal/manifests/evil") + registry.requests(`/v2/internal/blobs/${evil.layerDigests[0]}`)).toBe(0);

    const fromUpstream = await manifest(`${virtual}/lib`, "1.0");
    expect(fromUpstream.headers.get("X-Registry-Member")).toBe(remote);
    expect(fromUpstream.headers.get("Docker-Content-Digest")).toBe(lib.digest);

    const pushed = await pushImage(`${virtual}/pushed`, "v1", "pushed through the virtual");
    const inHosted = await manifest(`${hosted}/pushed`, "v1");
    expect(inHosted.headers.get("Docker-Content-Digest")).toBe(pushed.digest);

    const catalog = (await (await call("/v2/_catalog?n=10000")).json()) as { repositories: string[] };
    expect(catalog.repositories).toEqual(expect.arrayContaining([`${virtual}/internal`, `${virtual}/pushed`, `${hosted}/internal`]));
    expect(catalog.repositories.filter((r) => r.startsWith(`${remote}/`) || r === `${virtual}/lib`)).toEqual([]);
  });

  it("leaves a failing remote member out while another member answers", async () => {
    const { hosted, virtual, registry } = await setUp({ shielding: false });
    await pushImage(`${hosted}/mixed`, "ours", "still here");
    await registry.serve("mixed", "theirs", await upstreamImage("down"));
    registry.failure = 503;
    expect(await tagsOf(`${virtual}/mixed`)).toEqual(["ours"]);
    expect((await manifest(`${virtual}/mixed`, "ours")).status).toBe(200);
    const down = await manifest(`${virtual}/mixed`, "theirs");
    expect(down.status).toBe(502);
  });

  it("a registry token for a virtual reads through the members its holder can read and pushes to the deploy member", async () => {
    const { hosted, remote, virtual, registry } = await setUp({ deployMember: `oci-vh-${n + 1}`, shielding: false });
    await pushImage(`${hosted}/app`, "ours", "read through a token");
    await registry.serve("app", "theirs", await upstreamImage("through a token"));
    const user = `oci-v-user-${n}`;
    const password = `pw-${n}-${Date.now()}`;
    expect((await api("/users", "POST", { name: user, password })).status).toBe(201);
    const jwtFor = async (grants: { repository: string; role: string }[]) => {
      expect((await api(`/users/${user}/grants`, "PUT", { grants })).status).toBe(200);
      const res = await call(`/v2/token?service=registry.test&scope=repository:${virtual}/app:pull,push`, { token: null, headers: { Authorization: `Basic ${btoa(`${user}:${password}`)}` } });
      return { Authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
    };
    const full = await jwtFor([{ repository: virtual, role: "write" }, { repository: hosted, role: "write" }, { repository: remote, role: "read" }]);
    expect((await call(`/v2/${virtual}/app/manifests/ours`, { token: null, headers: { ...full, Accept: OCI_MANIFEST } })).status).toBe(200);
    expect((await call(`/v2/${virtual}/app/manifests/theirs`, { token: null, headers: { ...full, Accept: OCI_MANIFEST } })).status).toBe(200);
    const blob = new TextEncoder().encode("pushed with a registry token");
    const pushed = await call(`/v2/${virtual}/app/blobs/uploads/?digest=${await digestOf(blob)}`, { method: "POST", body: blob, token: null, headers: full });
    expect(pushed.status).toBe(201);

    // Read on the virtual alone: members the holder cannot read stay out of its view.
    const virtualOnly = await jwtFor([{ repository: virtual, role: "write" }]);
    expect((await call(`/v2/${virtual}/app/manifests/ours`, { token: null, headers: { ...virtualOnly, Accept: OCI_MANIFEST } })).status).toBe(404);
    const refused = await call(`/v2/${virtual}/app/blobs/uploads/`, { method: "POST", token: null, headers: virtualOnly });
    expect(refused.status).toBe(403);
  });
});
