/**
 * RPM repositories with the real clients (installed by clients/rpm.ts): packages built by
 * rpmbuild, uploaded by curl into a group of a hosted repository; the repodata follows the
 * IndexBuilder's debounce. dnf 4.14 (`--installroot`, `--setopt=reposdir=`, `--releasever`)
 * installs from the group with `repo_gpgcheck=1` and our key from the `.repo` file; with
 * another repository's key it refuses the metadata (the signature is real). zypper adds the
 * group's `.repo` file and installs into a `--root`. A package built for another group's
 * distribution is refused. A virtual over both hosted repositories serves its own generation,
 * merged from theirs by its IndexBuilder after their builds and signed with its own key: dnf
 * installs through it, and refuses it with a member's key.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiOk, clientGate, runCli, sleep, startRegistry, type CliResult, type Registry } from "./harness";

const gates = ["rpmbuild", "dnf", "zypper"].map(clientGate);
const skip = gates.some((g) => g.skip);
const output = (r: CliResult) => `${r.stdout}\n${r.stderr}`;

/** Builds `name-version-release.noarch.rpm` with rpmbuild (no dependencies: the install root is empty). */
function rpmbuild(top: string, name: string, version: string, release: string): string {
  const spec = `Name: ${name}\nVersion: ${version}\nRelease: ${release}\nSummary: ${name} for the e2e suite\nLicense: MIT\nBuildArch: noarch\nAutoReqProv: no\n\n%description\n${name} e2e package.\n\n%install\nmkdir -p %{buildroot}/usr/share/${name}\necho ${name}-${version} > %{buildroot}/usr/share/${name}/VERSION\n\n%files\n/usr/share/${name}/VERSION\n\n%changelog\n* Mon Jan 01 2024 E2E <e2e@example.org> - ${version}-${release}\n- built by the e2e suite\n`;
  const specFile = join(top, `${name}.spec`);
  spawnSync("sh", ["-c", `cat > "$0"`, specFile], { input: spec });
  const run = spawnSync("rpmbuild", ["--define", `_topdir ${top}`, "--define", "_binary_payload w9.gzdio", "-bb", specFile], { encoding: "utf8", env: { PATH: "/usr/bin:/bin", HOME: top } });
  if (run.status !== 0) throw new Error(`rpmbuild failed: ${run.stderr}`);
  return join(top, "RPMS", "noarch", `${name}-${version}-${release}.noarch.rpm`);
}

describe.skipIf(skip)("RPM repositories with dnf and zypper", () => {
  let registry: Registry;
  let work: string;
  let token: string;

  const curl = async (args: string[]): Promise<{ status: string; body: string }> => {
    const run = await runCli("curl", ["-sS", "-u", `e2e:${token}`, ...args, "-w", "\n%{http_code}"]);
    const lines = run.stdout.trim().split("\n");
    return { status: lines.at(-1) ?? "", body: lines.slice(0, -1).join("\n").trim() };
  };
  const upload = (repo: string, group: string, file: string) => curl(["-T", file, `${registry.baseUrl}/rpm/${repo}/${group}/upload`]);

  /** Waits until the group's repomd.xml lists `count` packages' worth of primary (the debounced build ran). */
  async function waitForRepodata(repo: string, group: string, needle: string): Promise<number> {
    const started = Date.now();
    for (;;) {
      const res = await fetch(`${registry.baseUrl}/rpm/${repo}/${group}/repodata/primary.xml.gz`);
      if (res.ok) {
        const text = new TextDecoder().decode(new Uint8Array(await new Response(res.body?.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer()));
        if (text.includes(needle)) return Date.now() - started;
      } else await res.body?.cancel();
      if (Date.now() - started > 60_000) throw new Error(`repodata of ${repo}/${group} never listed ${needle}`);
      await sleep(250);
    }
  }

  // Debian's rpm keeps its database at `~/.rpmdb` (under the install root): every dnf call
  // gets the same HOME, so they all see one database.
  const dnf = async (root: string, reposdir: string, args: string[]): Promise<CliResult> =>
    runCli("dnf", [`--installroot=${root}`, `--setopt=reposdir=${reposdir}`, "--releasever=9", `--setopt=cachedir=${join(root, "cache")}`, "--setopt=install_weak_deps=False", "--disableplugin=*", "-y", ...args], { timeoutMs: 300_000, home: join(work, "home") });

  beforeAll(async () => {
    for (const gate of gates) gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-rpm-"));
    await mkdir(join(work, "home"));
    registry = await startRegistry({ label: "edge-registry-e2e-rpm" });
    const create = (body: Record<string, unknown>) => apiOk(registry, 201, "/repositories", { method: "POST", body });
    await create({ name: "rpm-e2e", format: "rpm", kind: "hosted", visibility: "public" });
    await create({ name: "rpm-e2e-other", format: "rpm", kind: "hosted", visibility: "public" });
    await create({ name: "rpm-e2e-all", format: "rpm", kind: "virtual", visibility: "public", members: [{ repository: "rpm-e2e", priority: 10 }, { repository: "rpm-e2e-other", priority: 5 }] });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-rpm", scopes: ["read", "write"] } })).token;
  }, 180_000);

  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("curl uploads rpmbuild packages into a group; a duplicate is 409, another distro's package 400", async () => {
    const top = join(work, "build");
    await mkdir(top, { recursive: true });
    expect(await upload("rpm-e2e", "el9/stable", rpmbuild(top, "edge-hello", "1.0", "1.el9"))).toMatchObject({ status: "201" });
    expect(await upload("rpm-e2e", "el9/stable", rpmbuild(top, "edge-hello", "1.1", "1.el9"))).toMatchObject({ status: "201" });
    const again = await upload("rpm-e2e", "el9/stable", join(top, "RPMS", "noarch", "edge-hello-1.1-1.el9.noarch.rpm"));
    expect(again).toEqual({ status: "409", body: "edge-hello-1.1-1.el9.noarch.rpm already exists in group el9/stable" });
    const wrong = await upload("rpm-e2e", "el9/stable", rpmbuild(top, "edge-fedora", "1.0", "1.fc40"));
    expect(wrong.status).toBe("400");
    expect(wrong.body).toContain("built for fc40");
    // Another repository's tree, only to have a different key at hand.
    expect(await upload("rpm-e2e-other", "el9", rpmbuild(top, "edge-other", "1.0", "1"))).toMatchObject({ status: "201" });
    const ms = await waitForRepodata("rpm-e2e", "el9/stable", 'ver="1.1"');
    await waitForRepodata("rpm-e2e-other", "el9", "edge-other");
    console.error(`rpm e2e: repodata visible ${ms} ms after the last upload`);
  }, 300_000);

  it("dnf installs the newest version from the group, verifying repomd.xml with our key", async () => {
    const root = join(work, "dnf-root");
    const reposdir = join(work, "dnf-repos");
    await mkdir(reposdir, { recursive: true });
    const repoFile = await (await fetch(`${registry.baseUrl}/rpm/rpm-e2e/el9/stable.repo`)).text();
    expect(repoFile).toContain("repo_gpgcheck=1");
    await writeFile(join(reposdir, "edge.repo"), repoFile);
    const install = await dnf(root, reposdir, ["install", "edge-hello"]);
    expect(install.code, output(install)).toBe(0);
    expect(await readFile(join(root, "usr/share/edge-hello/VERSION"), "utf8")).toBe("edge-hello-1.1\n");
    const installed = await dnf(root, reposdir, ["list", "installed", "edge-hello"]);
    expect(installed.stdout).toMatch(/edge-hello\.noarch\s+1\.1-1\.el9\s+@rpm-e2e-el9-stable/);
    const info = await dnf(root, reposdir, ["--showduplicates", "list", "available", "edge-hello"]);
    expect(output(info)).toContain("1.0-1.el9");
  }, 300_000);

  it("dnf refuses the repository when the key is another repository's", async () => {
    const root = join(work, "dnf-wrong-root");
    const reposdir = join(work, "dnf-wrong-repos");
    await mkdir(reposdir, { recursive: true });
    const repoFile = (await (await fetch(`${registry.baseUrl}/rpm/rpm-e2e/el9/stable.repo`)).text()).replace("/rpm/rpm-e2e/repository.key", "/rpm/rpm-e2e-other/repository.key");
    await writeFile(join(reposdir, "edge.repo"), repoFile);
    const install = await dnf(root, reposdir, ["install", "edge-hello"]);
    expect(install.code, output(install)).not.toBe(0);
    expect(output(install)).toMatch(/GPG|signature|verif/i);
    await expect(stat(join(root, "usr/share/edge-hello/VERSION"))).rejects.toThrow();
  }, 300_000);

  it("zypper adds the group's .repo file and installs into a --root", async () => {
    const root = join(work, "zypper-root");
    await mkdir(root, { recursive: true });
    const zypper = (args: string[]) => runCli("zypper", ["--root", root, "--non-interactive", "--gpg-auto-import-keys", ...args], { timeoutMs: 300_000 });
    const add = await zypper(["addrepo", `${registry.baseUrl}/rpm/rpm-e2e/el9/stable.repo`]);
    expect(add.code, output(add)).toBe(0);
    const refresh = await zypper(["refresh"]);
    expect(refresh.code, output(refresh)).toBe(0);
    const install = await zypper(["install", "--no-recommends", "edge-hello"]);
    expect(install.code, output(install)).toBe(0);
    expect(await readFile(join(root, "usr/share/edge-hello/VERSION"), "utf8")).toBe("edge-hello-1.1\n");
  }, 300_000);

  it("dnf installs through a virtual whose merged repodata is signed with the virtual's own key", async () => {
    const root = join(work, "dnf-virtual-root");
    const reposdir = join(work, "dnf-virtual-repos");
    await mkdir(reposdir, { recursive: true });
    // The virtual's own build follows its member's (the IndexBuilder, not a read).
    const ms = await waitForRepodata("rpm-e2e-all", "el9", "edge-other");
    console.error(`rpm e2e: virtual repodata listed edge-other after ${ms} ms of polling`);
    const repoFile = await (await fetch(`${registry.baseUrl}/rpm/rpm-e2e-all/el9.repo`)).text();
    expect(repoFile).toContain("/rpm/rpm-e2e-all/repository.key");
    await writeFile(join(reposdir, "edge.repo"), repoFile);
    const install = await dnf(root, reposdir, ["install", "edge-other"]);
    expect(install.code, output(install)).toBe(0);
    expect(await readFile(join(root, "usr/share/edge-other/VERSION"), "utf8")).toBe("edge-other-1.0\n");
    // A member's key does not verify the virtual's repomd.xml.
    const wrong = join(work, "dnf-virtual-wrong");
    await mkdir(wrong, { recursive: true });
    await writeFile(join(wrong, "edge.repo"), repoFile.replace("/rpm/rpm-e2e-all/repository.key", "/rpm/rpm-e2e-other/repository.key"));
    const refused = await dnf(join(work, "dnf-virtual-wrong-root"), wrong, ["install", "edge-other"]);
    expect(refused.code, output(refused)).not.toBe(0);
  }, 300_000);

  it("after a delete and the next build, dnf no longer sees the version", async () => {
    const del = await curl(["-X", "DELETE", `${registry.baseUrl}/rpm/rpm-e2e/el9/stable/package/edge-hello/1.1-1.el9/noarch`]);
    expect(del.status).toBe("204");
    const started = Date.now();
    for (;;) {
      const res = await fetch(`${registry.baseUrl}/rpm/rpm-e2e/el9/stable/repodata/primary.xml.gz`);
      const text = new TextDecoder().decode(new Uint8Array(await new Response(res.body?.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer()));
      if (!text.includes('ver="1.1"')) break;
      if (Date.now() - started > 60_000) throw new Error("1.1 still listed");
      await sleep(250);
    }
    const root = join(work, "dnf-after-delete");
    const reposdir = join(work, "dnf-repos");
    const list = await dnf(root, reposdir, ["--showduplicates", "list", "available", "edge-hello"]);
    expect(list.code, output(list)).toBe(0);
    expect(output(list)).toContain("1.0-1.el9");
    expect(output(list)).not.toContain("1.1-1.el9");
  }, 300_000);
});
