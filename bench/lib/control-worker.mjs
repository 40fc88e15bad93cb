// The control Worker (bench/generic/control/worker.js: streams a body into one R2 put and the
// object back, nothing else) served as `npm start` serves the registry: workerd through
// Miniflare's API, a direct socket, local R2 persisted under `dir`. The ceiling a Worker
// reaches moving bytes through this runtime and R2 simulator on this machine.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

const { freePort } = await import("../../test/e2e/harness.ts");

export async function startControlWorker(dir) {
  const port = await freePort();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      cf: false,
      resourcePersistencePath: join(dir, "control-state"),
      workers: [
        {
          name: "control",
          modules: true,
          script: readFileSync(new URL("../generic/control/worker.js", import.meta.url), "utf8"),
          compatibilityDate: "2026-11-01",
          compatibilityFlags: ["nodejs_compat"],
          r2Buckets: ["BLOBS"],
          unsafeDirectSockets: [{ host: "127.0.0.1", port }],
        },
      ],
    }),
  );
  await mf.ready;
  return { baseUrl: `http://127.0.0.1:${port}`, stop: () => mf.dispose() };
}
