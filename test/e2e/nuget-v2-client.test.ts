/**
 * NuGet v2 with the real nuget.exe 2.8.7 (Debian, mono; test/e2e/clients/nuget.ts): `nuget
 * push` with an API key to the v2 feed of a hosted repository, `nuget list` and `nuget
 * install` through the v2 feed (FindPackagesById, the Atom entries' content URL), `nuget
 * delete` unlisting, and nuget printing our 409 for a version that exists.
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nupkg } from "../integration/nuget-fixtures";
import { nugetGate, output, runNuGet } from "./clients/nuget";
import { apiOk, startRegistry, type Registry } from "./harness";

const gate = nugetGate();
const REPO = "nuget-e2e-v2";

describe.skipIf(gate.skip)("nuget.exe (v2): push, list, install, delete", () => {
  let registry: Registry;
  let work: string;
  let home: string;
  let token: string;
  const feed = () => `${registry.baseUrl}/nuget/${REPO}/api/v2/`;

  beforeAll(async () => {
    gate.assertAvailable();
    work = await mkdtemp(join(tmpdir(), "edge-registry-e2e-nuget-"));
    home = await mkdtemp(join(tmpdir(), "edge-registry-e2e-nuget-home-"));
    registry = await startRegistry({ label: "edge-registry-e2e-nuget-v2" });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: REPO, format: "nuget", kind: "hosted", visibility: "public" } });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-nuget", scopes: ["read", "write"] } })).token;
    await writeFile(join(work, "E2e.Greeter.1.0.0.nupkg"), nupkg("E2e.Greeter", "1.0.0"));
    await writeFile(join(work, "E2e.Greeter.1.1.0.nupkg"), nupkg("E2e.Greeter", "1.1.0", { dependencies: '<dependencies><dependency id="E2e.Dep" version="2.0.0" /></dependencies>' }));
    await writeFile(join(work, "E2e.Dep.2.0.0.nupkg"), nupkg("E2e.Dep", "2.0.0"));
  });

  afterAll(async () => {
    await registry?.stop();
    for (const dir of [work, home]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("nuget push sends the package with the API key", async () => {
    for (const file of ["E2e.Greeter.1.0.0.nupkg", "E2e.Greeter.1.1.0.nupkg", "E2e.Dep.2.0.0.nupkg"]) {
      const result = await runNuGet(["push", file, token, "-Source", feed()], home, work);
      expect(result.code, output(result)).toBe(0);
    }
    const flat = (await (await fetch(`${registry.baseUrl}/nuget/${REPO}/v3-flatcontainer/e2e.greeter/index.json`)).json()) as { versions: string[] };
    expect(flat.versions).toEqual(["1.0.0", "1.1.0"]);
  }, 600_000);

  it("nuget push of an existing version fails with our 409", async () => {
    const result = await runNuGet(["push", "E2e.Greeter.1.0.0.nupkg", token, "-Source", feed()], home, work);
    expect(result.code, output(result)).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/409|Conflict|already exists/);
  }, 300_000);

  it("nuget list and nuget install read the v2 feed (dependencies resolved)", async () => {
    const list = await runNuGet(["list", "E2e", "-Source", feed()], home, undefined, true);
    expect(list.code, output(list)).toBe(0);
    expect(list.stdout).toContain("E2e.Greeter 1.1.0");
    // nuget.exe reads arguments starting with "/" as switches: paths are relative to the working directory.
    const install = await runNuGet(["install", "E2e.Greeter", "-Version", "1.1.0", "-Source", feed(), "-OutputDirectory", "packages"], home, work);
    expect(install.code, output(install)).toBe(0);
    expect((await readdir(join(work, "packages"))).sort()).toEqual(["E2e.Dep.2.0.0", "E2e.Greeter.1.1.0"]);
  }, 450_000);

  it("nuget delete unlists the version", async () => {
    const result = await runNuGet(["delete", "E2e.Greeter", "1.1.0", token, "-Source", feed()], home);
    expect(result.code, output(result)).toBe(0);
    const list = await runNuGet(["list", "E2e.Greeter", "-Source", feed()], home, undefined, true);
    expect(list.stdout).toContain("E2e.Greeter 1.0.0");
    expect(list.stdout).not.toContain("E2e.Greeter 1.1.0");
    // Unlisted, still installable by exact version.
    const install = await runNuGet(["install", "E2e.Greeter", "-Version", "1.1.0", "-Source", feed(), "-OutputDirectory", "again"], home, work);
    expect(install.code, output(install)).toBe(0);
  }, 450_000);
});
