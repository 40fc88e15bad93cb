/**
 * Cargo with the real cargo 1.95 (test/e2e/clients/cargo.ts): `cargo publish` to a private
 * hosted repository (token in credentials.toml, sent raw; `auth-required` makes cargo send it
 * for index reads and downloads too); `cargo build` of a crate depending on that hosted crate
 * and on an upstream crate through one private virtual's sparse index — the upstream a static
 * sparse index on one local port whose `dl` points at `.crate` files on another port; yank →
 * cargo refuses the yanked version for a new lockfile, unyank → accepted again; a duplicate
 * publish prints our error. Bad bodies cargo itself never sends (name/version mismatch,
 * corrupt `.crate`, bad names) go over HTTP: our JSON error, nothing stored.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageCrate, serveSparseIndex, type PackagedCrate } from "./cargo";
import { cargoClient, cargoGate, output, writeCrate, type CargoClient } from "./clients/cargo";
import { startCountingServer, type CountingServer } from "./counting-server";
import { api, apiOk, startRegistry, type Registry } from "./harness";

const gate = cargoGate();
const HOSTED = "cargo-e2e-local";
const REMOTE = "cargo-e2e-remote";
const VIRTUAL = "cargo-e2e-all";

describe.skipIf(gate.skip)("cargo: publish to hosted, build through a virtual with an upstream sparse index (real cargo)", () => {
  let registry: Registry;
  let cargo: CargoClient;
  let work: string;
  let token: string;
  let indexServer: CountingServer;
  let filesServer: CountingServer;
  let upstreamCrate: PackagedCrate;

  const indexUrl = (repo: string) => `${registry.baseUrl}/cargo/${repo}/index/`;

  beforeAll(async () => {
    gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-cargo-"));
    registry = await startRegistry({ label: "edge-registry-e2e-cargo" });
    indexServer = await startCountingServer();
    filesServer = await startCountingServer();
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: HOSTED, format: "cargo", kind: "hosted", visibility: "private" } });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: REMOTE, format: "cargo", kind: "remote", visibility: "private", remote: { url: `${indexServer.baseUrl}/`, metadataTtlSeconds: 3600 } } });
    await apiOk(registry, 201, "/repositories", {
      method: "POST",
      body: { name: VIRTUAL, format: "cargo", kind: "virtual", visibility: "private", members: [{ repository: HOSTED, priority: 10 }, { repository: REMOTE, priority: 1 }], settings: { deployMember: HOSTED } },
    });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-cargo", scopes: ["read", "write"], repositories: [HOSTED, REMOTE, VIRTUAL] } })).token;
    cargo = await cargoClient([
      { name: "local", indexUrl: indexUrl(HOSTED), token },
      { name: "virt", indexUrl: indexUrl(VIRTUAL), token },
    ]);
    upstreamCrate = await packageCrate(cargo, join(work, "upstream-dep"), "upstream-dep", "1.4.2", "pub fn upstream_value() -> u32 { 7 }\n");
    serveSparseIndex(indexServer, filesServer, [upstreamCrate]);
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
    await indexServer?.stop();
    await filesServer?.stop();
    await cargo?.cleanup();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function publish(dir: string, registryName: string): Promise<ReturnType<CargoClient["run"]>> {
    return cargo.run(["publish", "--registry", registryName, "--allow-dirty", "--no-verify"], { cwd: dir });
  }

  it("cargo publish puts a crate into the hosted repository; the index lists it at once", async () => {
    const dir = await writeCrate(join(work, "hosted-lib"), "hosted-lib", "0.1.0", { lib: "pub fn hosted_value() -> u32 { 35 }\n", publishTo: "local" });
    const result = await publish(dir, "local");
    expect(result.code, output(result)).toBe(0);
    expect(result.stderr).toMatch(/Published hosted-lib v0\.1\.0|Uploaded hosted-lib v0\.1\.0/);
    const { versions } = await apiOk<{ versions: { version: string }[] }>(registry, 200, `/repositories/${HOSTED}/packages/hosted-lib/versions`, { token });
    expect(versions.map((v) => v.version)).toEqual(["0.1.0"]);
    // Anonymous: cargo's challenge; with the token as cargo sends it (raw): the line and its cksum.
    expect((await fetch(`${indexUrl(HOSTED)}config.json`)).status).toBe(401);
    const line = JSON.parse(await (await fetch(`${indexUrl(HOSTED)}ho/st/hosted-lib`, { headers: { Authorization: token } })).text()) as { cksum: string; vers: string };
    expect(line.vers).toBe("0.1.0");
    const crate = new Uint8Array(await (await fetch(`${registry.baseUrl}/cargo/${HOSTED}/api/v1/crates/hosted-lib/0.1.0/download`, { headers: { Authorization: token } })).arrayBuffer());
    expect(createHash("sha256").update(crate).digest("hex")).toBe(line.cksum);
  });

  it("refused publishes: cargo prints our error, nothing changes", async () => {
    // cargo reads the index first and refuses an existing version itself: the index was current.
    const again = await publish(join(work, "hosted-lib"), "local");
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("hosted-lib@0.1.0 already exists");
    // A name differing only in case passes cargo's own check; our 409 is what it prints.
    const cased = await writeCrate(join(work, "Hosted-Lib"), "Hosted-Lib", "0.2.0", { lib: "pub fn x() {}\n", publishTo: "local" });
    const conflict = await publish(cased, "local");
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain("crate `Hosted-Lib` conflicts with the existing crate `hosted-lib`");
    const { versions } = await apiOk<{ versions: { version: string }[] }>(registry, 200, `/repositories/${HOSTED}/packages/hosted-lib/versions`, { token });
    expect(versions.map((v) => v.version)).toEqual(["0.1.0"]);
  });

  it("cargo build resolves a hosted crate and an upstream crate through the virtual's sparse index", async () => {
    const app = await writeCrate(join(work, "app"), "app", "0.1.0", {
      deps: ['hosted-lib = { version = "0.1", registry = "virt" }', 'upstream-dep = { version = "1", registry = "virt" }'],
      main: 'fn main() { println!("sum={}", hosted_lib::hosted_value() + upstream_dep::upstream_value()); }\n',
    });
    const build = await cargo.run(["run", "--quiet"], { cwd: app });
    expect(build.code, output(build)).toBe(0);
    expect(build.stdout.trim()).toBe("sum=42");
    const lock = await readFile(join(app, "Cargo.lock"), "utf8");
    expect(lock).toContain(`source = "sparse+${indexUrl(VIRTUAL)}"`);
    expect(lock).toContain(`checksum = "${upstreamCrate.cksum}"`);
    // The upstream served its index file and config.json, and the .crate from the other port.
    expect(indexServer.requests.some((r) => r.path === "/up/st/upstream-dep")).toBe(true);
    expect(indexServer.requests.some((r) => r.path === "/config.json")).toBe(true);
    expect(filesServer.requests.filter((r) => r.path === "/files/upstream-dep/upstream-dep-1.4.2.crate")).toHaveLength(1);
    // The hosted crate was never asked of the upstream (its index was, for the merge; no .crate).
    expect(filesServer.requests.some((r) => r.path.includes("hosted-lib"))).toBe(false);
  });

  it("yank: cargo will not pick the yanked version for a new lockfile; unyank brings it back", async () => {
    const lib = await writeCrate(join(work, "yank-me"), "yank-me", "1.0.0", { lib: "pub fn v() -> u32 { 1 }\n", publishTo: "local" });
    expect((await publish(lib, "local")).code).toBe(0);
    const yank = await cargo.run(["yank", "--registry", "local", "--version", "1.0.0", "yank-me"], { cwd: lib });
    expect(yank.code, output(yank)).toBe(0);
    const app = await writeCrate(join(work, "yank-app"), "yank-app", "0.1.0", { deps: ['yank-me = { version = "1", registry = "virt" }'], main: "fn main() { println!(\"{}\", yank_me::v()); }\n" });
    const refused = await cargo.run(["generate-lockfile"], { cwd: app });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/version 1\.0\.0 is yanked/);
    const unyank = await cargo.run(["yank", "--undo", "--registry", "local", "--version", "1.0.0", "yank-me"], { cwd: lib });
    expect(unyank.code, output(unyank)).toBe(0);
    const accepted = await cargo.run(["generate-lockfile"], { cwd: app });
    expect(accepted.code, output(accepted)).toBe(0);
  });

  it("cargo search lists hosted crates", async () => {
    const result = await cargo.run(["search", "--registry", "local", "hosted"], { cwd: work });
    expect(result.code, output(result)).toBe(0);
    expect(result.stdout).toContain('hosted-lib = "0.1.0"');
  });

  it("bodies cargo never sends (mismatch, corrupt .crate, bad name) get our JSON error and store nothing", async () => {
    const frame = (metadata: object, crate: Uint8Array) => {
      const json = new TextEncoder().encode(JSON.stringify(metadata));
      const out = new Uint8Array(8 + json.length + crate.length);
      const view = new DataView(out.buffer);
      view.setUint32(0, json.length, true);
      out.set(json, 4);
      view.setUint32(4 + json.length, crate.length, true);
      out.set(crate, 8 + json.length);
      return out;
    };
    const meta = (name: string, vers: string) => ({ name, vers, deps: [], features: {}, authors: [], description: null, license: "MIT", links: null });
    const cases: [Uint8Array, RegExp][] = [
      [frame(meta("upstream-dep", "9.9.9"), upstreamCrate.bytes), /Cargo.toml|has no upstream-dep-9.9.9/],
      [frame(meta("mismatched", "1.4.2"), upstreamCrate.bytes), /has no mismatched-1.4.2\/Cargo.toml/],
      [frame(meta("corrupt", "1.0.0"), new TextEncoder().encode("not a gzip")), /^invalid .crate file/],
      [frame(meta("9-bad", "1.0.0"), upstreamCrate.bytes), /invalid crate name/],
    ];
    for (const [body, detail] of cases) {
      const res = await fetch(`${registry.baseUrl}/cargo/${HOSTED}/api/v1/crates/new`, { method: "PUT", body, headers: { Authorization: token } });
      expect(res.status).toBe(400);
      const error = (await res.json()) as { errors: { detail: string }[] };
      expect(error.errors[0]?.detail).toMatch(detail);
    }
    const packages = await api<{ packages: { name: string }[] }>(registry, `/repositories/${HOSTED}/packages`, { token });
    expect(packages.body.packages.map((p) => p.name).sort()).toEqual(["hosted-lib", "yank-me"]);
  });
});
