/**
 * OCI pull-through with real clients: a CNCF distribution 2.8 upstream (Debian
 * `docker-registry`) with token auth (./oci-upstream.ts: our own token server, the remote's
 * stored credentials go to its realm), behind a counting proxy. skopeo pulls through a
 * remote repository and through a virtual one (hosted + remote, pushes to its deploy
 * member); 50 concurrent pulls of one uncached layer make exactly one upstream blob GET.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiOk, clientGate, runCli, startRegistry, type CliResult, type Registry } from "./harness";
import { imageLayout, ociAccount, type Layout, type OciAccount } from "./oci";
import { startTokenUpstream, type TokenUpstream } from "./oci-upstream";

const skopeoGate = clientGate("skopeo");
const distributionGate = clientGate("docker-registry");
const MiB = 1024 * 1024;
const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
const ok = (run: CliResult): CliResult => {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
};

describe.skipIf(skopeoGate.skip || distributionGate.skip)("OCI remote and virtual with skopeo and a token-auth distribution upstream", () => {
  let registry: Registry;
  let account: OciAccount;
  let upstream: TokenUpstream;
  let work: string;
  let image: Layout;
  const REMOTE = "oci-rs-remote";
  const VIRTUAL = "oci-rs-virtual";

  const skopeo = (args: string[]) => runCli("skopeo", ["--insecure-policy", ...args], { timeoutMs: 600_000 });
  const ours = (path: string) => `docker://${account.host}/${path}`;
  const creds = () => `${account.user}:${account.password}`;
  const pushUpstream = (layout: Layout, name: string) =>
    skopeo(["copy", "--dest-tls-verify=false", "--dest-creds", `${upstream.user}:${upstream.password}`, `oci:${layout.dir}:v1`, `docker://${upstream.host}/${name}:v1`]);
  const layerGets = (name: string, digests: readonly string[]) => digests.reduce((sum, d) => sum + upstream.count("GET", `/v2/${name}/blobs/${d}`, 200), 0);

  beforeAll(async () => {
    skopeoGate.assertAvailable();
    distributionGate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "oci-remote-skopeo-"));
    upstream = await startTokenUpstream(work);
    registry = await startRegistry();
    account = await ociAccount(registry, "oci-rs-hosted");
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: { name: REMOTE, format: "oci", kind: "remote", visibility: "private", remote: { url: upstream.url, username: upstream.user, password: upstream.password } },
    });
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: { name: VIRTUAL, format: "oci", kind: "virtual", visibility: "private", members: [{ repository: account.repo, priority: 10 }, { repository: REMOTE }], settings: { deployMember: account.repo } },
    });
    const grants = [{ repository: account.repo, role: "write" }, { repository: REMOTE, role: "read" }, { repository: VIRTUAL, role: "write" }];
    await apiOk(registry, 200, `/users/${account.user}/grants`, { method: "PUT", body: { grants } });
    image = await imageLayout(join(work, "app"), "v1", [4096, 3 * MiB]);
    ok(await pushUpstream(image, "team/app"));
    upstream.reset();
  }, 180_000);

  afterAll(async () => {
    await upstream?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("skopeo pulls through the remote: the token dance with the stored credentials, then layers from the cache", async () => {
    const pulled = join(work, "pulled-remote");
    ok(await skopeo(["copy", "--src-tls-verify=false", "--src-creds", creds(), ours(`${REMOTE}/team/app:v1`), `oci:${pulled}:v1`]));
    for (const digest of image.layerDigests) {
      const bytes = await readFile(join(pulled, "blobs", "sha256", digest.slice(7)));
      expect(sha256(bytes)).toBe(digest.slice(7));
    }
    expect(upstream.tokenRequests.length).toBeGreaterThan(0);
    expect(upstream.tokenRequests.every((t) => t.authorized && t.scope === "repository:team/app:pull")).toBe(true);
    expect(layerGets("team/app", image.layerDigests)).toBe(image.layerDigests.length);

    const inspected = JSON.parse(ok(await skopeo(["inspect", "--tls-verify=false", "--creds", creds(), ours(`${REMOTE}/team/app:v1`)])).stdout) as { Digest: string; Layers: string[] };
    expect(inspected.Digest).toBe(image.manifestDigest);
    expect(inspected.Layers).toEqual(image.layerDigests);
    ok(await skopeo(["copy", "--src-tls-verify=false", "--src-creds", creds(), ours(`${REMOTE}/team/app:v1`), `oci:${join(work, "pulled-again")}:v1`]));
    expect(layerGets("team/app", image.layerDigests)).toBe(image.layerDigests.length);
  }, 300_000);

  it("skopeo pulls through the virtual and pushes to its deploy member", async () => {
    const pulled = join(work, "pulled-virtual");
    ok(await skopeo(["copy", "--src-tls-verify=false", "--src-creds", creds(), ours(`${VIRTUAL}/team/app:v1`), `oci:${pulled}:v1`]));
    const layer = await readFile(join(pulled, "blobs", "sha256", (image.layerDigests[1] as string).slice(7)));
    expect(sha256(layer)).toBe((image.layerDigests[1] as string).slice(7));

    const own = await imageLayout(join(work, "own"), "v1", [2048]);
    ok(await skopeo(["copy", "--dest-tls-verify=false", "--dest-creds", creds(), `oci:${own.dir}:v1`, ours(`${VIRTUAL}/ours/app:v1`)]));
    const inHosted = JSON.parse(ok(await skopeo(["inspect", "--tls-verify=false", "--creds", creds(), ours(`${account.repo}/ours/app:v1`)])).stdout) as { Digest: string };
    expect(inHosted.Digest).toBe(own.manifestDigest);
    const tags = ok(await skopeo(["list-tags", "--tls-verify=false", "--creds", creds(), ours(`${VIRTUAL}/team/app`)])).stdout;
    expect((JSON.parse(tags) as { Tags: string[] }).Tags).toEqual(["v1"]);
  }, 300_000);

  it("50 concurrent pulls of one uncached layer make exactly one upstream blob GET", async () => {
    const big = await imageLayout(join(work, "big"), "v1", [8 * MiB]);
    ok(await pushUpstream(big, "team/big"));
    const auth = { Authorization: `Basic ${Buffer.from(`any:${account.token}`).toString("base64")}` };
    // The manifest first (as a client does): the upstream token for this image's scope is then cached.
    const manifest = await fetch(`${registry.baseUrl}/v2/${REMOTE}/team/big/manifests/v1`, { headers: { ...auth, Accept: "application/vnd.oci.image.manifest.v1+json" } });
    expect(manifest.status).toBe(200);
    upstream.reset();
    const digest = big.layerDigests[0] as string;
    const pulls = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await fetch(`${registry.baseUrl}/v2/${REMOTE}/team/big/blobs/${digest}`, { headers: auth });
        return { status: res.status, sha: sha256(new Uint8Array(await res.arrayBuffer())) };
      }),
    );
    expect(pulls.filter((p) => p.status === 200 && p.sha === digest.slice(7))).toHaveLength(50);
    const blobPath = `/v2/team/big/blobs/${digest}`;
    expect(upstream.requests.filter((r) => r.path === blobPath && r.method === "GET")).toEqual([{ method: "GET", path: blobPath, status: 200 }]);
  }, 300_000);

  it("an image the upstream does not have is the spec's MANIFEST_UNKNOWN", async () => {
    const res = await fetch(`${registry.baseUrl}/v2/${REMOTE}/team/absent/manifests/v1`, {
      headers: { Authorization: `Basic ${Buffer.from(`any:${account.token}`).toString("base64")}`, Accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe("MANIFEST_UNKNOWN");
  }, 60_000);
});
