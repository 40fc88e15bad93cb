// OCI reads within the read-path budget (docs/architecture.md): a warm manifest by tag and a
// blob, with an API token (Basic, as podman sends after login) or a registry token (JWT),
// cost at most 2 sequential D1 round trips and write nothing.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { flushDownloads } from "../../src/repositories/download-counter";
import { BASE, call, createRepository, createToken } from "../helpers/client";
import { countRoundTrips } from "../helpers/d1-round-trips";
import { digestOf, OCI_MANIFEST, pushImage } from "./oci-helpers";

let basic = "";
let jwt = "";
let layer = "";

async function warm(path: string, authorization: string) {
  const request = () => new Request(`${BASE}${path}`, { headers: { Authorization: authorization, Accept: OCI_MANIFEST } });
  expect((await countRoundTrips(request())).response.status).toBe(200);
  await flushDownloads(openDatabase(env.DB));
  return countRoundTrips(request());
}

beforeAll(async () => {
  await createRepository({ name: "oci-rp", format: "oci", kind: "hosted", visibility: "private" });
  const image = await pushImage("oci-rp/app", "1.0", "read-path");
  layer = await digestOf(image.layers[0] as Uint8Array);
  const token = await createToken({ name: "oci-rp", scopes: ["read"] });
  basic = `Basic ${btoa(`podman:${token}`)}`;
  const res = await call("/v2/token?service=registry.test&scope=repository:oci-rp/app:pull", { token: null, headers: { Authorization: basic } });
  jwt = `Bearer ${((await res.json()) as { token: string }).token}`;
});

describe("OCI warm reads cost at most 2 D1 round trips and no write", () => {
  for (const [label, auth] of [["API token (Basic)", () => basic], ["registry token", () => jwt]] as const) {
    it(`manifest by tag and blob, ${label}`, async () => {
      for (const path of ["/v2/oci-rp/app/manifests/1.0", `/v2/oci-rp/app/blobs/${layer}`]) {
        const { response, counts } = await warm(path, auth());
        expect(response.status).toBe(200);
        expect(counts.roundTrips, path).toBeLessThanOrEqual(2);
        expect(counts.writes).toBe(0);
      }
    });
  }
});
