/**
 * Helm charts as OCI artifacts with the real helm v3.22.0 (installed by clients/helm.ts):
 * `helm registry login`, `helm push` of a packaged chart to `oci://HOST/{repo}/charts`,
 * `helm pull oci://…` of it into a fresh directory (same bytes), `helm show chart` reading it
 * back; a wrong password is refused at login.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmGate, runHelm } from "./clients/helm";
import { startRegistry, type CliResult, type Registry } from "./harness";
import { ociAccount, type OciAccount } from "./oci";

const gate = helmGate();
const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

describe.skipIf(gate.skip)("Helm OCI charts", () => {
  let registry: Registry;
  let account: OciAccount;
  let home: string;

  beforeAll(async () => {
    gate.assertAvailable();
    registry = await startRegistry();
    account = await ociAccount(registry, "oci-helm");
    home = await mkdtemp(join(tmpdir(), "oci-helm-"));
  });

  afterAll(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  const helm = async (args: string[]): Promise<CliResult> => runHelm(args, { home, cwd: home, timeoutMs: 300_000 });
  const ok = (run: CliResult): CliResult => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    return run;
  };

  it("pushes and pulls a chart through oci://", async () => {
    const bad = await helm(["registry", "login", "--insecure", "-u", account.user, "-p", "wrong-password", account.host]);
    expect(bad.code).not.toBe(0);
    ok(await helm(["registry", "login", "--insecure", "-u", account.user, "-p", account.password, account.host]));
    ok(await helm(["create", "e2e-chart"]));
    ok(await helm(["package", "e2e-chart", "--version", "0.3.0"]));
    const packaged = await readFile(join(home, "e2e-chart-0.3.0.tgz"));
    const pushed = ok(await helm(["push", "--plain-http", "e2e-chart-0.3.0.tgz", `oci://${account.host}/${account.repo}/charts`]));
    expect(`${pushed.stdout}${pushed.stderr}`).toMatch(/Digest: sha256:[0-9a-f]{64}/);
    const out = join(home, "pulled");
    await mkdir(out);
    ok(await helm(["pull", "--plain-http", `oci://${account.host}/${account.repo}/charts/e2e-chart`, "--version", "0.3.0", "-d", out]));
    expect(sha256(await readFile(join(out, "e2e-chart-0.3.0.tgz")))).toBe(sha256(packaged));
    const shown = ok(await helm(["show", "chart", "--plain-http", `oci://${account.host}/${account.repo}/charts/e2e-chart`, "--version", "0.3.0"]));
    expect(shown.stdout).toContain("name: e2e-chart");
    const tags = await fetch(`${registry.baseUrl}/v2/${account.repo}/charts/e2e-chart/tags/list`, { headers: { Authorization: `Bearer ${account.token}` } });
    expect(await tags.json()).toEqual({ name: `${account.repo}/charts/e2e-chart`, tags: ["0.3.0"] });
  }, 600_000);
});
