// Composer's warm reads within the read-path budget (docs/architecture.md): a hosted p2
// document, a hosted dist download and a p2 document through a virtual cost at most 2
// sequential D1 round trips and write nothing to D1. Counted with a proxy around the D1
// binding, never timed.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { flushDownloads } from "../../src/repositories/download-counter";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { ADMIN, BASE, call, createRepository, createToken } from "../helpers/client";
import { packageZip } from "../helpers/composer-packages";

let token = "";
let dist = "";

const basic = (secret: string) => `Basic ${btoa(`composer:${secret}`)}`;

async function warm(path: string) {
  const request = () => new Request(`${BASE}${path}`, { headers: { Authorization: basic(token) } });
  const first = await countRoundTrips(request());
  expect(first.response.status).toBe(200);
  await first.response.arrayBuffer();
  await flushDownloads(openDatabase(env.DB));
  return countRoundTrips(request());
}

beforeAll(async () => {
  await createRepository({ name: "rp-php", format: "composer", kind: "hosted", visibility: "private" });
  await createRepository({ name: "rp-php-all", format: "composer", kind: "virtual", visibility: "private", members: [{ repository: "rp-php" }] });
  for (const version of ["1.0.0", "1.1.0"]) {
    const res = await call(`/composer/rp-php?version=${version}`, { method: "PUT", token: null, body: packageZip("rp/lib", { files: { "v.txt": version } }), headers: { Authorization: basic(ADMIN) } });
    expect(res.status).toBe(201);
    dist = `/composer/rp-php/dists/rp/lib/${version}/${((await res.json()) as { shasum: string }).shasum}.zip`;
  }
  token = await createToken({ name: "rp-php", scopes: ["read"] });
});

describe("composer warm reads: at most 2 sequential D1 round trips, no D1 write", () => {
  for (const [what, path] of [
    ["hosted p2 document", () => "/composer/rp-php/p2/rp/lib.json"],
    ["hosted dist download", () => dist],
    ["p2 document through a virtual", () => "/composer/rp-php-all/p2/rp/lib.json"],
  ] as const) {
    it(what, async () => {
      const { response, counts } = await warm(path());
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(counts.writes).toBe(0);
      expect(counts.roundTrips).toBeLessThanOrEqual(2);
    });
  }
});
