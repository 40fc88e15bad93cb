/**
 * End-to-end harness: runs the real Worker under `wrangler dev` (workerd, local D1/R2/DO)
 * on a free loopback port with a fresh state directory, and runs real clients (curl, …)
 * against it with a scrubbed environment.
 *
 * The one import for suites and benches; the parts live by concept:
 * - wrangler-dev.ts: `wrangler dev` of any Worker in its own process group (free port, env
 *   file instead of `.dev.vars`, readiness polling, `stop()` of the whole group), `repoRoot`,
 *   `freePort()`, `sleep()`;
 * - registry.ts: the registry itself, the run's shared instance (global-setup.ts) or a
 *   private one (bundled once, or live `src/` with E2E_WORKER_SOURCE=src);
 * - api.ts: management API calls (`api()`, `apiOk()`);
 * - cli.ts: running real clients with a scrubbed environment (`runCli()`) and gating a suite
 *   on its client (`clientGate()`, `isCI()`).
 *
 * Only erasable TypeScript (no enums, no parameter properties), node built-ins and explicit
 * `.ts` imports, so plain Node 24 can import these files too (bench/*.mjs do).
 */
export { type ApiResult, api, apiOk } from "./api.ts";
export { CLIENT_PATH, type CliOptions, type CliResult, clientGate, hasClient, isCI, runCli } from "./cli.ts";
export {
  type PrivateRegistry,
  type Registry,
  SHARED_REGISTRY_KEY,
  type SharedRegistryInfo,
  type StartOptions,
  sharedRegistry,
  startPrivateRegistry,
  startRegistry,
} from "./registry.ts";
export { freePort, repoRoot, sleep, startWranglerDev, type WranglerDev, type WranglerDevOptions } from "./wrangler-dev.ts";
