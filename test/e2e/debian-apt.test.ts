/**
 * Debian with the real apt: packages built by `dpkg-deb --build` in the test are uploaded with
 * curl to a private hosted repository; after the IndexBuilder's debounce `apt-get update` in a
 * temp root (own sources.list with `signed-by=` our served key, state, cache, dpkg status)
 * verifies InRelease with gpgv, and `apt-get download` / `apt-get install --download-only`
 * fetch the .deb with hash checks; apt reads our `Packages.xz` (requested by hash, decoded by
 * liblzma). A sources.list pointing at another key makes apt refuse the repository (the
 * signature is real). Bad uploads get our plain-text error over the wire.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiOk, clientGate, runCli, sleep, startRegistry, type Registry } from "./harness";

const gate = clientGate("apt-get");
const REPO = "deb-e2e";
const VIRTUAL = "deb-e2e-all";

describe.skipIf(gate.skip)("Debian: curl upload, apt-get update + download/install with signed-by (real apt)", () => {
  let registry: Registry;
  let work: string;
  let token: string;

  const repoUrl = (repo = REPO) => `${registry.baseUrl.replace("localhost", "127.0.0.1")}/debian/${repo}`;

  async function buildDeb(name: string, version: string, arch = "amd64"): Promise<string> {
    const root = join(work, `${name}-${version}`);
    await mkdir(join(root, "DEBIAN"), { recursive: true });
    await mkdir(join(root, "usr/share", name), { recursive: true });
    await writeFile(join(root, "DEBIAN/control"), `Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}\nMaintainer: E2E <e2e@example.com>\nDescription: e2e package ${name}\n Built by dpkg-deb in the e2e suite.\n`);
    await writeFile(join(root, "usr/share", name, "greeting.txt"), `hello from ${name} ${version}\n`);
    const out = join(work, `${name}_${version}_${arch}.deb`);
    execFileSync("dpkg-deb", ["--root-owner-group", "--build", root, out], { stdio: "pipe" });
    return out;
  }

  async function upload(file: string, where = "stable/main"): Promise<{ status: number; body: string }> {
    const result = await runCli("curl", ["-sS", "-o", "-", "-w", "\n%{http_code}", "-u", `e2e:${token}`, "-T", file, `${repoUrl()}/pool/${where}/upload`]);
    const lines = result.stdout.trimEnd().split("\n");
    const status = Number(lines.pop());
    return { status, body: lines.join("\n").trimEnd() };
  }

  /** A temp apt root: sources.list with signed-by=`keyFile`, its own state, cache and dpkg status. */
  async function aptRoot(keyFile: string, label: string, repo = REPO): Promise<{ root: string; apt: (args: string[]) => Promise<{ code: number | null; out: string }> }> {
    const root = await mkdtemp(join(work, `apt-${label}-`));
    for (const dir of ["state/lists/partial", "cache/archives/partial", "etc/sources.list.d", "etc/preferences.d", "etc/trusted.gpg.d", "download"]) await mkdir(join(root, dir), { recursive: true });
    await writeFile(join(root, "status"), "");
    // Basic credentials in the URL: apt sends them (the repository is private).
    const url = repoUrl(repo).replace("http://", `http://e2e:${token}@`);
    await writeFile(join(root, "etc/sources.list"), `deb [signed-by=${keyFile}] ${url} stable main\n`);
    const options = [
      `Dir::Etc::SourceList=${join(root, "etc/sources.list")}`,
      `Dir::Etc::SourceParts=${join(root, "etc/sources.list.d")}`,
      `Dir::Etc::PreferencesParts=${join(root, "etc/preferences.d")}`,
      `Dir::Etc::TrustedParts=${join(root, "etc/trusted.gpg.d")}`,
      `Dir::Etc::Trusted=${join(root, "etc/trusted.gpg")}`,
      `Dir::State=${join(root, "state")}`,
      `Dir::State::status=${join(root, "status")}`,
      `Dir::Cache=${join(root, "cache")}`,
      "Debug::NoLocking=1",
      "APT::Architecture=amd64",
      "APT::Architectures::=amd64",
      "APT::Sandbox::User=root",
      "Acquire::Languages=none",
      "Acquire::http::Proxy=false",
      "Acquire::Retries=0",
    ].flatMap((o) => ["-o", o]);
    const apt = async (args: string[]) => {
      const run = await runCli("apt-get", [...options, ...args], { cwd: join(root, "download"), timeoutMs: 120_000 });
      return { code: run.code, out: `${run.stdout}\n${run.stderr}` };
    };
    return { root, apt };
  }

  beforeAll(async () => {
    gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-debian-"));
    registry = await startRegistry({ label: "edge-registry-e2e-debian" });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: REPO, format: "debian", kind: "hosted", visibility: "private" } });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: VIRTUAL, format: "debian", kind: "virtual", visibility: "private", members: [{ repository: REPO }] } });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-debian", scopes: ["read", "write"], repositories: [REPO, VIRTUAL] } })).token;
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("apt-get update verifies our InRelease; download and install fetch the package", async () => {
    const deb = await buildDeb("hello-e2e", "1.0-1");
    const uploadedAt = Date.now();
    const uploaded = await upload(deb);
    expect(uploaded.status, uploaded.body).toBe(201);
    expect(await upload(await buildDeb("hello-e2e-docs", "2.0", "all"))).toMatchObject({ status: 201 });

    // The index follows the upload after the IndexBuilder's debounce.
    let visibleMs = -1;
    for (let i = 0; i < 120 && visibleMs < 0; i++) {
      const res = await fetch(`${repoUrl()}/dists/stable/main/binary-amd64/Packages`, { headers: { Authorization: `Bearer ${token}` } });
      if (res.ok && (await res.text()).includes("Package: hello-e2e-docs")) visibleMs = Date.now() - uploadedAt;
      else await sleep(250);
    }
    expect(visibleMs).toBeGreaterThanOrEqual(0);
    // The virtual's index is built by its own IndexBuilder after the member's build (never by a read).
    let virtualMs = -1;
    for (let i = 0; i < 120 && virtualMs < 0; i++) {
      const res = await fetch(`${repoUrl(VIRTUAL)}/dists/stable/main/binary-amd64/Packages`, { headers: { Authorization: `Bearer ${token}` } });
      if (res.ok && (await res.text()).includes("Package: hello-e2e-docs")) virtualMs = Date.now() - uploadedAt;
      else await sleep(250);
    }
    expect(virtualMs).toBeGreaterThanOrEqual(0);
    console.log(`debian e2e: uploads visible in Packages ${visibleMs} ms (through the virtual ${virtualMs} ms) after the first upload`);

    const key = await fetch(`${repoUrl()}/repository.key`, { headers: { Authorization: `Bearer ${token}` } });
    expect(key.headers.get("content-type")).toBe("application/pgp-keys");
    const keyFile = join(work, "edge-registry.asc");
    await writeFile(keyFile, await key.text());

    const { root, apt } = await aptRoot(keyFile, "good");
    // HTTP debug output shows which index file apt requested.
    const update = await apt(["-o", "Debug::Acquire::http=true", "update"]);
    expect(update.out).not.toMatch(/NO_PUBKEY|not signed|GPG error|^E:/m);
    expect(update.code, update.out).toBe(0);
    // apt prefers Packages.xz when Release lists it: it fetched ours by hash (so the hash
    // matched) and decoded it with liblzma (the packages below are found through it).
    const release = await (await fetch(`${repoUrl()}/dists/stable/Release`, { headers: { Authorization: `Bearer ${token}` } })).text();
    const xzHash = / ([0-9a-f]{128}) +\d+ main\/binary-amd64\/Packages\.xz$/m.exec(release)?.[1];
    expect(xzHash).toBeDefined();
    // A boolean: the debug output carries the Authorization header, kept out of failure messages.
    const requested = update.out.match(/^GET \S+/gm) ?? [];
    expect(requested, "apt's requests").toContain(`GET /debian/${REPO}/dists/stable/main/binary-amd64/by-hash/SHA512/${xzHash}`);
    const download = await apt(["download", "hello-e2e"]);
    expect(download.code, download.out).toBe(0);
    const original = createHash("sha256").update(await readFile(deb)).digest("hex");
    const sha = async (path: string) => createHash("sha256").update(await readFile(path)).digest("hex");
    expect(await readdir(join(root, "download"))).toEqual(["hello-e2e_1.0-1_amd64.deb"]);
    expect(await sha(join(root, "download/hello-e2e_1.0-1_amd64.deb"))).toBe(original);
    const install = await apt(["install", "-y", "--download-only", "--no-install-recommends", "hello-e2e", "hello-e2e-docs"]);
    expect(install.code, install.out).toBe(0);
    expect(install.out).toMatch(/hello-e2e/);
    const archives = (await readdir(join(root, "cache/archives"))).filter((f) => f.endsWith(".deb")).sort();
    expect(archives).toEqual(["hello-e2e-docs_2.0_all.deb", "hello-e2e_1.0-1_amd64.deb"]);
    expect(await sha(join(root, "cache/archives/hello-e2e_1.0-1_amd64.deb"))).toBe(original);
    // The package installs: dpkg unpacks it into a temp root.
    execFileSync("dpkg-deb", ["-x", join(root, "cache/archives/hello-e2e_1.0-1_amd64.deb"), join(root, "installed")]);
    expect(await readFile(join(root, "installed/usr/share/hello-e2e/greeting.txt"), "utf8")).toBe("hello from hello-e2e 1.0-1\n");
    const served = await fetch(`${repoUrl()}/pool/stable/main/hello-e2e_1.0-1_amd64.deb`, { headers: { Authorization: `Bearer ${token}` } });
    expect(createHash("sha256").update(Buffer.from(await served.arrayBuffer())).digest("hex")).toBe(original);
  }, 240_000);

  it("apt installs through a virtual repository signed with the virtual's own key", async () => {
    const key = await fetch(`${repoUrl(VIRTUAL)}/repository.key`, { headers: { Authorization: `Bearer ${token}` } });
    const keyFile = join(work, "virtual.asc");
    await writeFile(keyFile, await key.text());
    const { root, apt } = await aptRoot(keyFile, "virtual", VIRTUAL);
    const update = await apt(["update"]);
    expect(update.code, update.out).toBe(0);
    expect(update.out).not.toMatch(/NO_PUBKEY|not signed|GPG error|^E:/m);
    const download = await apt(["download", "hello-e2e-docs"]);
    expect(download.code, download.out).toBe(0);
    expect(await readdir(join(root, "download"))).toEqual(["hello-e2e-docs_2.0_all.deb"]);
    // The member's key does not verify the virtual's InRelease.
    const { apt: wrong } = await aptRoot(join(work, "edge-registry.asc"), "virtual-wrong-key", VIRTUAL);
    expect((await wrong(["update"])).out).toMatch(/NO_PUBKEY|not signed|GPG error/);
  }, 120_000);

  it("apt refuses the repository when signed-by names another key", async () => {
    const otherHome = await mkdtemp(join(work, "gnupg-"));
    execFileSync("gpg", ["--homedir", otherHome, "--batch", "--passphrase", "", "--quick-gen-key", "Someone Else <else@example.com>", "ed25519", "sign", "never"], { stdio: "pipe" });
    const otherKey = join(work, "other.asc");
    await writeFile(otherKey, execFileSync("gpg", ["--homedir", otherHome, "--armor", "--export"], { encoding: "utf8" }));
    const { apt } = await aptRoot(otherKey, "wrong");
    const update = await apt(["update"]);
    expect(update.out).toMatch(/NO_PUBKEY|not signed|GPG error/);
    const download = await apt(["download", "hello-e2e"]);
    expect(download.code).not.toBe(0);
  }, 120_000);

  it("bad uploads get our error over the wire and change nothing", async () => {
    const junk = join(work, "junk.deb");
    await writeFile(junk, "this is not a debian package");
    const bad = await upload(junk);
    expect(bad).toEqual({ status: 400, body: "invalid .deb package: not an ar archive (a .deb starts with !<arch>)" });
    const again = await upload(join(work, "hello-e2e_1.0-1_amd64.deb"));
    expect(again.status).toBe(409);
    const packages = await apiOk<{ packages: { name: string }[] }>(registry, 200, `/repositories/${REPO}/packages`);
    expect(packages.packages.map((p) => p.name).sort()).toEqual(["hello-e2e", "hello-e2e-docs"]);
  }, 60_000);
});
