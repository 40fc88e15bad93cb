#!/usr/bin/env node
// OCI herd benchmark: `npm run bench:oci-herd`. A remote OCI repository under `npm start`
// (BENCH_SERVER=dev: `wrangler dev`; bench/lib/registry.mjs) pulls through CNCF distribution
// 2.8 (Debian `docker-registry`) with token auth enabled, behind a counting proxy
// (test/e2e/oci-upstream.ts). BENCH_HERD (50) concurrent cold pulls of one uncached layer of
// BENCH_LAYER_MIB (32) MiB, BENCH_ROUNDS (3) rounds, each round a new layer: prints per round
// the wall time, the answers that were complete and correct, and the upstream requests the
// herd caused (blob GETs and token requests). Then the binding calls
// (bench/oci/calls.mjs) of the last round's layer, warm, and of its manifest by tag (filled
// by a first request, counted on the second) through the remote, with the herd's
// credentials. Everything started here is stopped here.
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, cleanups } from "../lib/cleanup.mjs";
import { SERVER, startBenchRegistry } from "../lib/registry.mjs";
import { formatPullCalls, warmPullCalls } from "./calls.mjs";

if (!process.features.typescript) {
  console.error("bench/oci/herd.mjs needs Node >= 22.18 with type stripping; run it with `npm run bench:oci-herd` (Node 24).");
  process.exit(2);
}
const { apiOk, runCli } = await import("../../test/e2e/harness.ts");
const { imageLayout, ociAccount } = await import("../../test/e2e/oci.ts");
const { startTokenUpstream } = await import("../../test/e2e/oci-upstream.ts");

const HERD = Number(process.env.BENCH_HERD ?? 50);
const LAYER_MIB = Number(process.env.BENCH_LAYER_MIB ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const log = (...args) => console.log(...args);
const sha256 = (data) => createHash("sha256").update(data).digest("hex");

try {
  const dir = await mkdtemp(join(tmpdir(), "bench-oci-herd-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const upstream = await startTokenUpstream(dir);
  cleanups.push(() => upstream.stop());
  const registry = await startBenchRegistry("edge-registry-bench-oci-herd");
  cleanups.push(() => registry.stop());
  const account = await ociAccount(registry, "bench-herd");
  const remote = "bench-herd-remote";
  await apiOk(registry, 201, "/repositories", {
    method: "POST",
    body: { name: remote, format: "oci", kind: "remote", visibility: "private", remote: { url: upstream.url, username: upstream.user, password: upstream.password } },
  });
  await apiOk(registry, 200, `/users/${account.user}/grants`, { method: "PUT", body: { grants: [{ repository: remote, role: "read" }] } });
  const auth = { Authorization: `Basic ${Buffer.from(`any:${account.token}`).toString("base64")}` };
  log(`herd: ${HERD} concurrent cold pulls of one ${LAYER_MIB} MiB layer, ${ROUNDS} rounds; upstream: docker-registry 2.8 with token auth; ours under ${SERVER}`);
  let last;
  for (let round = 0; round < ROUNDS; round++) {
    const name = `herd/round-${round}`;
    const layout = await imageLayout(join(dir, `image-${round}`), "v1", [LAYER_MIB * 1024 * 1024]);
    const push = await runCli("skopeo", ["--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds", `${upstream.user}:${upstream.password}`, `oci:${layout.dir}:v1`, `docker://${upstream.host}/${name}:v1`], { timeoutMs: 600_000 });
    if (push.code !== 0) throw new Error(`skopeo push to the upstream: ${push.stderr}`);
    upstream.reset();
    const digest = layout.layerDigests[0];
    last = { name, digest };
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: HERD }, async () => {
        const res = await fetch(`${registry.baseUrl}/v2/${remote}/${name}/blobs/${digest}`, { headers: auth });
        return res.status === 200 && sha256(new Uint8Array(await res.arrayBuffer())) === digest.slice(7);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const blobPath = `/v2/${name}/blobs/${digest}`;
    const gets = upstream.requests.filter((r) => r.path === blobPath && r.method === "GET");
    log(
      `round ${round + 1}: ${seconds.toFixed(1)} s, ${answers.filter(Boolean).length}/${HERD} correct, upstream blob GETs ${gets.length} (${gets.filter((r) => r.status === 200).length} × 200, ${gets.filter((r) => r.status === 401).length} × 401), token requests ${upstream.tokenRequests.length}`,
    );
  }
  const calls = await warmPullCalls(registry.baseUrl, `${remote}/${last.name}`, "v1", last.digest, `Authorization: ${auth.Authorization}`);
  log(`calls per warm request, remote (D1 statements (round trips) · R2 · Durable Objects): ${formatPullCalls(calls)}`);
} finally {
  await cleanup();
}
