/**
 * Classic Helm chart repositories with the real helm v3.22.0 (installed by clients/helm.ts):
 * charts uploaded to a private hosted repository by curl (raw body and ChartMuseum multipart),
 * an upstream chart repository whose `index.yaml` sits on one local server and whose archives
 * sit on another (absolute URLs, as GitHub-release-hosted repositories do), and one private
 * virtual over both. `helm repo add` (Basic, token as password) / `helm repo update` /
 * `helm search repo` / `helm pull` / `helm install --dry-run=client` (against a fake
 * Kubernetes API that answers discovery only: helm still asks a cluster which kinds exist) / `helm template` read through the virtual. Bad uploads (not a gzip tarball, no
 * Chart.yaml, a non-SemVer version) are refused with ChartMuseum's JSON error and store nothing.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartArchive, tarGz } from "../helpers/helm-charts";
import { helmGate, runHelm } from "./clients/helm";
import { startCountingServer, type CountingServer } from "./counting-server";
import { startFakeKubeApi } from "./fake-kube-api";
import { apiOk, runCli, startRegistry, type CliResult, type Registry } from "./harness";

const gate = helmGate();
const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
const output = (r: CliResult) => `${r.stdout}\n${r.stderr}`;

describe.skipIf(gate.skip)("helm chart repositories through a virtual", () => {
  let registry: Registry;
  let indexHost: CountingServer;
  let chartHost: CountingServer;
  let home: string;
  let token: string;
  const upstreamChart = chartArchive("upstream-web", "2.1.0");
  const hostedChart = chartArchive("hosted-api", "1.0.0");

  const helm = (args: string[]): Promise<CliResult> => runHelm(args, { home, cwd: home, timeoutMs: 300_000 });
  const ok = (run: CliResult): CliResult => {
    expect(run.code, output(run)).toBe(0);
    return run;
  };
  /** curl's body, then the status code on the last line. */
  const curlUpload = async (repo: string, args: string[]): Promise<{ status: string; body: string }> => {
    const run = await runCli("curl", ["-sS", "-u", `__token__:${token}`, ...args, "-w", "\n%{http_code}", `${registry.baseUrl}/helm/${repo}/api/charts`]);
    const lines = run.stdout.trim().split("\n");
    return { status: lines.at(-1) ?? "", body: lines.slice(0, -1).join("\n") };
  };

  beforeAll(async () => {
    gate.assertAvailable();
    home = await mkdtemp(join(tmpdir(), "edge-registry-e2e-helm-"));
    indexHost = await startCountingServer();
    chartHost = await startCountingServer();
    chartHost.put("/releases/upstream-web-2.1.0.tgz", { body: upstreamChart, contentType: "application/gzip" });
    // The same chart name as the hosted one, at a higher version: shielding must hide it.
    chartHost.put("/releases/hosted-api-9.9.9.tgz", { body: chartArchive("hosted-api", "9.9.9"), contentType: "application/gzip" });
    const entry = (name: string, version: string, bytes: Uint8Array) =>
      `  ${name}:\n  - apiVersion: v2\n    name: ${name}\n    version: ${version}\n    appVersion: "1.0"\n    description: ${name} upstream\n    digest: ${sha256(bytes)}\n    urls:\n    - ${chartHost.baseUrl}/releases/${name}-${version}.tgz\n`;
    indexHost.put("/index.yaml", {
      body: new TextEncoder().encode(`apiVersion: v1\nentries:\n${entry("upstream-web", "2.1.0", upstreamChart)}${entry("hosted-api", "9.9.9", chartArchive("hosted-api", "9.9.9"))}generated: "2026-01-01T00:00:00Z"\n`),
      contentType: "application/x-yaml",
    });

    registry = await startRegistry({ label: "edge-registry-e2e-helm" });
    const create = (body: Record<string, unknown>) => apiOk(registry, 201, "/repositories", { method: "POST", body });
    await create({ name: "helm-hosted", format: "helm", kind: "hosted", visibility: "private" });
    await create({ name: "helm-remote", format: "helm", kind: "remote", visibility: "private", remote: { url: `${indexHost.baseUrl}/` } });
    await create({ name: "helm-all", format: "helm", kind: "virtual", visibility: "private", members: [{ repository: "helm-hosted", priority: 10 }, { repository: "helm-remote", priority: 1 }] });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-helm", scopes: ["read", "write"] } })).token;
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    await indexHost?.stop();
    await chartHost?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("curl uploads charts (raw and multipart); a duplicate is 409", async () => {
    await writeFile(join(home, "hosted-api-1.0.0.tgz"), hostedChart);
    expect(await curlUpload("helm-hosted", ["--data-binary", `@${join(home, "hosted-api-1.0.0.tgz")}`])).toEqual({ status: "201", body: '{"saved":true}' });
    await writeFile(join(home, "hosted-api-1.1.0.tgz"), chartArchive("hosted-api", "1.1.0"));
    expect((await curlUpload("helm-hosted", ["-F", `chart=@${join(home, "hosted-api-1.1.0.tgz")}`])).status).toBe("201");
    const again = await curlUpload("helm-hosted", ["--data-binary", `@${join(home, "hosted-api-1.0.0.tgz")}`]);
    expect(again.status).toBe("409");
    expect(again.body).toContain("file already exists");
  });

  it("refuses invalid chart archives with ChartMuseum's error, storing nothing", async () => {
    const cases: [string, Uint8Array, string][] = [
      ["not-gzip.tgz", new TextEncoder().encode("just text, not a chart"), "invalid chart archive"],
      ["no-chart-yaml.tgz", tarGz({ "broken/values.yaml": "a: 1\n" }), "invalid chart archive"],
      ["bad-version.tgz", tarGz({ "broken/Chart.yaml": "apiVersion: v2\nname: broken\nversion: one\n" }), "invalid chart archive"],
    ];
    for (const [file, bytes, message] of cases) {
      await writeFile(join(home, file), bytes);
      const refused = await curlUpload("helm-hosted", ["--data-binary", `@${join(home, file)}`]);
      expect(refused.status, file).toBe("400");
      expect(JSON.parse(refused.body).error, file).toContain(message);
    }
    const index = await fetch(`${registry.baseUrl}/helm/helm-hosted/index.yaml`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await index.text()).not.toContain("broken");
  });

  it("helm repo add / update / search see both members; shielding hides the upstream's look-alike", async () => {
    const bad = await helm(["repo", "add", "denied", `${registry.baseUrl}/helm/helm-all`, "--username", "__token__", "--password", "wrong"]);
    expect(bad.code).not.toBe(0);
    ok(await helm(["repo", "add", "edge", `${registry.baseUrl}/helm/helm-all`, "--username", "__token__", "--password", token]));
    ok(await helm(["repo", "update"]));
    const search = ok(await helm(["search", "repo", "edge/", "--versions", "-o", "json"]));
    const found = (JSON.parse(search.stdout) as { name: string; version: string }[]).map((c) => `${c.name}@${c.version}`).sort();
    expect(found).toEqual(["edge/hosted-api@1.0.0", "edge/hosted-api@1.1.0", "edge/upstream-web@2.1.0"]);
  }, 300_000);

  it("helm pull fetches each chart's bytes through the virtual; the upstream archive once", async () => {
    const out = join(home, "pulled");
    await mkdir(out, { recursive: true });
    ok(await helm(["pull", "edge/hosted-api", "--version", "1.0.0", "-d", out]));
    expect(sha256(await readFile(join(out, "hosted-api-1.0.0.tgz")))).toBe(sha256(hostedChart));
    ok(await helm(["pull", "edge/upstream-web", "--version", "2.1.0", "-d", out]));
    expect(sha256(await readFile(join(out, "upstream-web-2.1.0.tgz")))).toBe(sha256(upstreamChart));
    await rm(join(out, "upstream-web-2.1.0.tgz"));
    ok(await helm(["pull", "edge/upstream-web", "--version", "2.1.0", "-d", out]));
    expect(chartHost.count("/releases/upstream-web-2.1.0.tgz")).toBe(1);
    expect(chartHost.count("/releases/hosted-api-9.9.9.tgz")).toBe(0);
  }, 300_000);

  it("helm install --dry-run and helm template render a chart from the virtual", async () => {
    // helm 3.22's client-side dry run still reaches a cluster for discovery: a fake one (fake-kube-api.ts).
    const kube = await startFakeKubeApi(home);
    try {
      const install = ok(await runHelm(["install", "web", "edge/upstream-web", "--version", "2.1.0", "--dry-run=client", "--disable-openapi-validation"], { home, cwd: home, env: { KUBECONFIG: kube.kubeconfig }, timeoutMs: 300_000 }));
      expect(install.stdout).toContain("STATUS: pending-install");
      expect(install.stdout).toContain("name: web-upstream-web");
      expect(install.stdout).toContain('chart: "upstream-web-2.1.0"');
      expect(kube.requests.filter((r) => !r.startsWith("GET "))).toEqual([]);
    } finally {
      await kube.stop();
    }
    const template = ok(await helm(["template", "api", "edge/hosted-api", "--version", "1.1.0"]));
    expect(template.stdout).toContain('chart: "hosted-api-1.1.0"');
  }, 300_000);
});
