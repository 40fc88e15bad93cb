/**
 * Real OCI clients against the shared registry: skopeo (push/pull with a 101 MiB layer —
 * above the platform's 100 MB request-body limit — and the same layer uploaded in 40 MiB
 * chunks, then pulled by skopeo), podman (login good/bad, pull, push; vfs storage), crane
 * (token login, copy with cross-name mount, ls, digest, delete), oras (artifact push, attach
 * + discover through the referrers API, pull) and anonymous pulls of a public repository
 * (anonymous pushes refused, nothing stored). Helm OCI charts are in oci-helm.test.ts.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiOk, clientGate, runCli, startRegistry, type CliResult, type Registry } from "./harness";
import { imageLayout, ociAccount, ociToolGate, tarOf, type OciAccount } from "./oci";

const skopeoGate = clientGate("skopeo");
const podmanGate = clientGate("podman");
const crane = ociToolGate("crane");
const oras = ociToolGate("oras");
const MiB = 1024 * 1024;

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
const ok = (run: CliResult): CliResult => {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
};

describe.skipIf(skopeoGate.skip || podmanGate.skip || crane.skip || oras.skip)("OCI clients", () => {
  let registry: Registry;
  let account: OciAccount;
  let work: string;
  const PUBLIC = "oci-clients-pub";

  beforeAll(async () => {
    for (const gate of [skopeoGate, podmanGate, crane, oras]) gate.assertAvailable();
    registry = await startRegistry();
    account = await ociAccount(registry, "oci-clients");
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: PUBLIC, format: "oci", kind: "hosted", visibility: "public" } });
    await apiOk(registry, 200, `/users/${account.user}/grants`, { method: "PUT", body: { grants: [{ repository: account.repo, role: "write" }, { repository: PUBLIC, role: "write" }] } });
    work = await mkdtemp(join(tmpdir(), "oci-clients-"));
  }, 120_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  const creds = () => `${account.user}:${account.password}`;
  const skopeo = (args: string[]) => runCli("skopeo", ["--insecure-policy", ...args], { timeoutMs: 600_000 });
  const ref = (path: string) => `docker://${account.host}/${path}`;

  /** Blob files of an OCI layout, by sha256. */
  const blobsOf = async (dir: string) => new Set(await readdir(join(dir, "blobs", "sha256")));

  it("skopeo pushes and pulls an image with a layer above the 100 MB body limit", async () => {
    const layout = await imageLayout(join(work, "big"), "v1", [1024, 2 * MiB, 101 * MiB]);
    ok(await skopeo(["copy", "--dest-tls-verify=false", "--dest-creds", creds(), `oci:${layout.dir}:v1`, ref(`${account.repo}/skopeo/big:v1`)]));
    const inspected = JSON.parse(ok(await skopeo(["inspect", "--tls-verify=false", "--creds", creds(), ref(`${account.repo}/skopeo/big:v1`)])).stdout) as { Layers: string[] };
    expect(inspected.Layers).toEqual(layout.layerDigests);
    const pulled = join(work, "big-pulled");
    ok(await skopeo(["copy", "--src-tls-verify=false", "--src-creds", creds(), ref(`${account.repo}/skopeo/big:v1`), `oci:${pulled}:v1`]));
    const blobs = await blobsOf(pulled);
    for (const digest of layout.layerDigests) expect(blobs.has(digest.slice(7))).toBe(true);
    const big = await readFile(join(pulled, "blobs", "sha256", (layout.layerDigests[2] as string).slice(7)));
    expect(sha256(big)).toBe((layout.layerDigests[2] as string).slice(7));
  }, 900_000);

  it("a layer above the body limit uploads in chunks below it, and skopeo pulls it", async () => {
    const tar = tarOf("chunked.bin", randomBytes(101 * MiB));
    const layer = gzipSync(tar, { level: 1 });
    const digest = `sha256:${sha256(layer)}`;
    const auth = { Authorization: `Basic ${Buffer.from(`any:${account.token}`).toString("base64")}` };
    const name = `${account.repo}/chunked/app`;
    const start = await fetch(`${registry.baseUrl}/v2/${name}/blobs/uploads/`, { method: "POST", headers: auth });
    expect(start.status).toBe(202);
    let location = start.headers.get("Location") ?? "";
    const CHUNK = 40 * MiB;
    for (let from = 0; from < layer.byteLength; from += CHUNK) {
      const chunk = layer.subarray(from, Math.min(from + CHUNK, layer.byteLength));
      const res = await fetch(new URL(location, registry.baseUrl), {
        method: "PATCH",
        body: chunk,
        headers: { ...auth, "Content-Type": "application/octet-stream", "Content-Range": `${from}-${from + chunk.byteLength - 1}` },
      });
      expect(res.status, await res.clone().text()).toBe(202);
      expect(res.headers.get("Range")).toBe(`0-${from + chunk.byteLength - 1}`);
      location = res.headers.get("Location") ?? "";
    }
    const done = await fetch(new URL(`${location}?digest=${digest}`, registry.baseUrl), { method: "PUT", headers: auth });
    expect(done.status, await done.clone().text()).toBe(201);
    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [`sha256:${sha256(tar)}`] } }));
    const configDigest = `sha256:${sha256(config)}`;
    expect((await fetch(`${registry.baseUrl}/v2/${name}/blobs/uploads/?digest=${configDigest}`, { method: "POST", body: config, headers: auth })).status).toBe(201);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.byteLength },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest, size: layer.byteLength }],
    });
    const put = await fetch(`${registry.baseUrl}/v2/${name}/manifests/v1`, { method: "PUT", body: manifest, headers: { ...auth, "Content-Type": "application/vnd.oci.image.manifest.v1+json" } });
    expect(put.status).toBe(201);
    const pulled = join(work, "chunked-pulled");
    ok(await skopeo(["copy", "--src-tls-verify=false", "--src-creds", creds(), ref(`${name}:v1`), `oci:${pulled}:v1`]));
    expect(sha256(await readFile(join(pulled, "blobs", "sha256", digest.slice(7))))).toBe(digest.slice(7));
  }, 900_000);

  it("podman logs in (a wrong password is refused), pulls and pushes", async () => {
    const home = await mkdtemp(join(work, "podman-"));
    const storage = ["--root", join(home, "root"), "--runroot", join(home, "run"), "--storage-driver", "vfs"];
    const podman = (args: string[]) => runCli("podman", [...storage, ...args], { home, timeoutMs: 600_000, env: { REGISTRY_AUTH_FILE: join(home, "auth.json"), XDG_RUNTIME_DIR: join(home, "run") } });
    const small = await imageLayout(join(work, "small"), "v1", [4096, 300_000]);
    ok(await skopeo(["copy", "--dest-tls-verify=false", "--dest-creds", creds(), `oci:${small.dir}:v1`, ref(`${account.repo}/podman/src:v1`)]));
    const bad = await podman(["login", "--tls-verify=false", "-u", account.user, "-p", "not-the-password", account.host]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("invalid username/password");
    expect(ok(await podman(["login", "--tls-verify=false", "-u", account.user, "-p", account.password, account.host])).stdout).toContain("Login Succeeded");
    ok(await podman(["pull", "--tls-verify=false", `${account.host}/${account.repo}/podman/src:v1`]));
    ok(await podman(["tag", `${account.host}/${account.repo}/podman/src:v1`, `${account.host}/${account.repo}/podman/dst:v2`]));
    ok(await podman(["push", "--tls-verify=false", `${account.host}/${account.repo}/podman/dst:v2`]));
    const tags = await fetch(`${registry.baseUrl}/v2/${account.repo}/podman/dst/tags/list`, { headers: { Authorization: `Bearer ${account.token}` } });
    expect(await tags.json()).toEqual({ name: `${account.repo}/podman/dst`, tags: ["v2"] });
  }, 900_000);

  it("crane logs in with a token, copies (mounting blobs), lists, digests and deletes", async () => {
    const home = await mkdtemp(join(work, "crane-"));
    const run = (args: string[]) => runCli(crane.path, args, { home, env: { DOCKER_CONFIG: join(home, ".docker") }, timeoutMs: 300_000 });
    const small = await imageLayout(join(work, "crane-src"), "v1", [2048]);
    ok(await skopeo(["copy", "--dest-tls-verify=false", "--dest-creds", creds(), `oci:${small.dir}:v1`, ref(`${account.repo}/crane/src:v1`)]));
    ok(await run(["auth", "login", account.host, "-u", "anything", "-p", account.token]));
    const copied = ok(await run(["copy", "--insecure", `${account.host}/${account.repo}/crane/src:v1`, `${account.host}/${account.repo}/crane/dst:v1`]));
    expect(copied.stderr).toContain("mounted blob");
    expect(ok(await run(["ls", "--insecure", `${account.host}/${account.repo}/crane/dst`])).stdout.trim()).toBe("v1");
    const digest = ok(await run(["digest", "--insecure", `${account.host}/${account.repo}/crane/dst:v1`])).stdout.trim();
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    ok(await run(["delete", "--insecure", `${account.host}/${account.repo}/crane/dst@${digest}`]));
    const gone = await run(["manifest", "--insecure", `${account.host}/${account.repo}/crane/dst:v1`]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain("MANIFEST_UNKNOWN");
    expect(ok(await run(["catalog", "--insecure", account.host])).stdout).toContain(`${account.repo}/crane/src`);
  }, 600_000);

  it("oras pushes an artifact, attaches a referrer, discovers it and pulls the file", async () => {
    const home = await mkdtemp(join(work, "oras-"));
    const run = (args: string[]) => runCli(oras.path, args, { home, cwd: home, env: { DOCKER_CONFIG: join(home, ".docker") }, timeoutMs: 300_000 });
    const content = randomBytes(5000);
    await writeFile(join(home, "data.bin"), content);
    await writeFile(join(home, "sig.txt"), "signature");
    const target = `${account.host}/${account.repo}/oras/artifact:1.0`;
    ok(await run(["login", "--plain-http", account.host, "-u", account.user, "-p", account.password]));
    ok(await run(["push", "--plain-http", target, "--artifact-type", "application/vnd.e2e.data", "data.bin"]));
    ok(await run(["attach", "--plain-http", target, "--artifact-type", "application/vnd.e2e.signature", "sig.txt"]));
    const discovered = ok(await run(["discover", "--plain-http", "--format", "json", target])).stdout;
    expect(discovered).toContain("application/vnd.e2e.signature");
    ok(await run(["pull", "--plain-http", "-o", join(home, "out"), target]));
    expect(sha256(await readFile(join(home, "out", "data.bin")))).toBe(sha256(content));
  }, 600_000);

  it("anonymous callers pull public images and cannot push", async () => {
    const image = await imageLayout(join(work, "public"), "v1", [1000]);
    ok(await skopeo(["copy", "--dest-tls-verify=false", "--dest-creds", creds(), `oci:${image.dir}:v1`, ref(`${PUBLIC}/app:v1`)]));
    const pulled = join(work, "public-pulled");
    ok(await skopeo(["copy", "--src-tls-verify=false", ref(`${PUBLIC}/app:v1`), `oci:${pulled}:v1`]));
    expect((await blobsOf(pulled)).has((image.layerDigests[0] as string).slice(7))).toBe(true);
    const refused = await skopeo(["copy", "--dest-tls-verify=false", `oci:${image.dir}:v1`, ref(`${PUBLIC}/anonymous:v1`)]);
    expect(refused.code).not.toBe(0);
    const tags = await fetch(`${registry.baseUrl}/v2/${PUBLIC}/anonymous/tags/list`);
    expect(tags.status).toBe(404);
    // A private repository is not even readable anonymously: the token carries no pull.
    const hidden = await skopeo(["inspect", "--tls-verify=false", ref(`${account.repo}/skopeo/big:v1`)]);
    expect(hidden.code).not.toBe(0);
  }, 600_000);
});
