/**
 * vitest globalSetup for test/e2e: starts ONE registry (`wrangler dev`, see harness.ts) for
 * the whole run and provides its URL, admin token and log file to every suite, which gets it
 * from `startRegistry()`. Suites isolate themselves by their own repositories and tokens. The
 * registry is stopped (process group killed, state removed) after the last suite.
 */
import type { TestProject } from "vitest/node";
import { SHARED_REGISTRY_KEY, startPrivateRegistry, type SharedRegistryInfo } from "./harness.ts";

declare module "vitest" {
  export interface ProvidedContext {
    [SHARED_REGISTRY_KEY]: SharedRegistryInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const registry = await startPrivateRegistry({ label: "edge-registry-e2e-shared" });
  console.log(`e2e: shared registry at ${registry.baseUrl} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s; log ${registry.logFile})`);
  const info: SharedRegistryInfo = {
    baseUrl: registry.baseUrl,
    port: registry.port,
    stateDir: registry.stateDir,
    pid: registry.pid,
    adminToken: registry.adminToken,
    logFile: registry.logFile,
  };
  project.provide(SHARED_REGISTRY_KEY, info);
  return () => registry.stop();
}
