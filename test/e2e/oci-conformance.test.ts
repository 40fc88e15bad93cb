/**
 * The OCI distribution-spec conformance suite (opencontainers/distribution-spec
 * `conformance/`, pinned in clients/oci.ts) against the shared registry: pull, push, content
 * discovery and content management, all data variants it enables by default (sha256 and
 * sha512 blobs, indexes, artifacts, subjects/referrers, empty blobs, non-distributable
 * layers…) plus upload cancel. It authenticates with a user's password through our token
 * endpoint. Every test must pass: zero failures in its report.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startRegistry, type Registry } from "./harness";
import { ociAccount, ociToolGate, type OciAccount } from "./oci";

const gate = ociToolGate("conformance");

describe.skipIf(gate.skip)("OCI distribution-spec conformance", () => {
  let registry: Registry;
  let account: OciAccount;
  let results: string;

  beforeAll(async () => {
    gate.assertAvailable();
    registry = await startRegistry();
    account = await ociAccount(registry, "oci-conformance");
    results = await mkdtemp(join(tmpdir(), "oci-conformance-"));
  });

  afterAll(async () => {
    await rm(results, { recursive: true, force: true });
  });

  it("passes every test", async () => {
    const run = await runCli(gate.path, ["-test.timeout", "20m"], {
      cwd: results,
      timeoutMs: 1_200_000,
      env: {
        OCI_REGISTRY: account.host,
        OCI_TLS: "disabled",
        OCI_REPO1: `${account.repo}/repo1`,
        OCI_REPO2: `${account.repo}/repo2`,
        OCI_USERNAME: account.user,
        OCI_PASSWORD: account.password,
        OCI_RESULTS_DIR: join(results, "results"),
        OCI_API_BLOBS_UPLOAD_CANCEL: "true",
        OCI_LOG: "warn",
      },
    });
    const summary = run.stdout.split("\n").filter((l) => /FAIL|Pass|Disabled/.test(l));
    console.log(summary.filter((l) => /^\s*(Pass|FAIL|Disabled)\.+:/.test(l)).join("\n"));
    const failures = `${run.stdout}\n${run.stderr}`.split("\n").filter((l) => l.includes("failed test"));
    expect(failures, run.stdout.slice(-3000)).toEqual([]);
    expect(run.stdout).toMatch(/FAIL\.+:\s+0\b/);
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    const report = await readFile(join(results, "results", "results.yaml"), "utf8");
    expect(report.length).toBeGreaterThan(0);
  }, 1_300_000);
});
