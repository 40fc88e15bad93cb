// Size: a 4,000-version package (rows inserted straight into D1, as a migration of a big
// package would leave them) served as full and abbreviated packuments, and a ~60 MB
// tarball published through the chunked base64 path and read back byte for byte.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { call, createRepository } from "../helpers/client";
import { ABBREVIATED, digestHex, integrityOf, packument, publish, tarballBytes } from "./npm-helpers";

const R = "npm-large";
const VERSIONS = 4000;

beforeAll(async () => {
  await createRepository({ name: R, format: "npm", kind: "hosted", visibility: "public" });
});

describe("a 4,000-version package", () => {
  beforeAll(async () => {
    // One real publish creates the package row, its blob and state; then 3,999 more versions in SQL.
    expect((await publish(R, "huge", "0.0.0", tarballBytes(100))).status).toBe(201);
    const metadata = (n: string) =>
      `json_object('name','huge','version',${n},'description','a package with many versions','dependencies',json_object('left-pad','^1.0.0','lodash','^4.17.0'),'dist',json_object('integrity','sha512-AAAA','shasum','00'),'scripts',json_object('test','node t.js'))`;
    await env.DB.prepare(
      `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${VERSIONS - 1})
       INSERT INTO package_version (package_id, version, lower_version, metadata, created_at)
       SELECT p.id, '1.' || (seq.n / 100) || '.' || (seq.n % 100), '1.' || (seq.n / 100) || '.' || (seq.n % 100),
              ${metadata("'1.' || (seq.n / 100) || '.' || (seq.n % 100)")}, 1700000000000 + seq.n
       FROM seq, package p WHERE p.name = 'huge'`,
    ).run();
  });

  it("serves the full packument with every version in SemVer order, parsing each stored version once", async () => {
    // Observe (not replace) JSON.parse while the Worker builds the document: the build must
    // parse each version's stored metadata exactly once; quadratic work would parse more.
    const parse = vi.spyOn(JSON, "parse");
    let parsed: unknown[][];
    let doc: Awaited<ReturnType<typeof packument>>;
    try {
      doc = await packument(R, "huge");
    } finally {
      parsed = [...parse.mock.calls];
      parse.mockRestore();
    }
    const versionParses = parsed.filter(([input]) => typeof input === "string" && input.startsWith('{"name":"huge","version":'));
    expect(versionParses).toHaveLength(VERSIONS);
    expect(new Set(versionParses.map(([input]) => (JSON.parse(String(input)) as { version: string }).version)).size).toBe(VERSIONS);
    // Everything else parsed on the way (rows, state, the test's own res.json()) stays linear too.
    expect(parsed.length).toBeLessThan(3 * VERSIONS);
    const keys = Object.keys(doc.versions);
    expect(keys.length).toBe(VERSIONS);
    expect(keys.slice(0, 3)).toEqual(["0.0.0", "1.0.1", "1.0.2"]);
    expect(keys[keys.length - 1]).toBe("1.39.99");
    expect(Object.keys(doc.time).length).toBe(VERSIONS + 2);
    expect(doc.versions["1.20.5"]?.dist).toEqual({ integrity: "sha512-AAAA", shasum: "00", tarball: `http://registry.test/npm/${R}/huge/-/huge-1.20.5.tgz` });
  });

  it("serves the abbreviated packument with install fields only", async () => {
    const res = await call(`/npm/${R}/huge`, { token: null, headers: { Accept: ABBREVIATED } });
    const doc = (await res.json()) as { versions: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.versions).length).toBe(VERSIONS);
    expect(Object.keys(doc.versions["1.0.1"] ?? {}).sort()).toEqual(["dependencies", "dist", "name", "version"]);
  });
});

describe("a ~60 MB tarball, close to the largest a 128 MB Worker publishes", () => {
  it("publishes (about 80 MB of base64) and downloads byte for byte", async () => {
    const size = 60 * 1024 * 1024 + 12345;
    const tgz = tarballBytes(size, 42);
    const res = await publish(R, "big-tarball", "1.0.0", tgz);
    expect(res.status, await res.clone().text()).toBe(201);
    const doc = await packument(R, "big-tarball");
    expect(doc.versions["1.0.0"]?.dist).toMatchObject({ integrity: await integrityOf(tgz), shasum: await digestHex("SHA-1", tgz) });
    const download = await call(`/npm/${R}/big-tarball/-/big-tarball-1.0.0.tgz`, { token: null });
    expect(download.headers.get("Content-Length")).toBe(String(size));
    const body = new Uint8Array(await download.arrayBuffer());
    expect(body.length).toBe(size);
    expect(await digestHex("SHA-512", body)).toBe(await digestHex("SHA-512", tgz));
  }, 60_000);
});
