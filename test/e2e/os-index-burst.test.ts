/**
 * A burst against the running server, for each signed OS format (Debian, RPM, Alpine): 50
 * concurrent uploads into a hosted repository that a virtual contains. Every upload answers at
 * once; the IndexBuilder's debounce turns the burst into a handful of builds (read from
 * `GET /api/v1/repositories/{name}/indexes`), the hosted index and then the virtual's list all
 * 50, and every listed file downloads with the size the index gives. Prints time-to-visible and
 * build counts (issue 14's closing numbers); asserts only counts, never times.
 */
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApk, readSignedIndex, stanzas } from "../helpers/apk-packages";
import { debPackage } from "../helpers/debian-packages";
import { buildRpm } from "../helpers/rpm-packages";
import { apiOk, sleep, startRegistry, type Registry } from "./harness";

const BURST = 50;
/** "A handful of rebuilds, not 50": the debounce may split a burst that straddles it. */
const MAX_BUILDS = 5;

interface Listing {
  /** Listed file paths (relative to the repository's format root) with their sizes. */
  files: { path: string; size: number }[];
}

interface OsFormat {
  format: "debian" | "rpm" | "alpine";
  upload(i: number): { path: string; body: Uint8Array };
  /** The index path whose listing the test polls. */
  index: string;
  parse(bytes: Uint8Array): Listing;
}

const fieldsOf = (text: string, field: string): string[] => [...text.matchAll(new RegExp(`^${field}: (.+)$`, "gm"))].map((m) => m[1] ?? "");

const formats: OsFormat[] = [
  {
    format: "debian",
    upload: (i) => ({ path: "pool/stable/main/upload", body: debPackage({ name: `burst${i}`, version: "1.0", architecture: "amd64" }) }),
    index: "dists/stable/main/binary-amd64/Packages",
    parse: (bytes) => {
      const text = new TextDecoder().decode(bytes);
      const sizes = fieldsOf(text, "Size").map(Number);
      return { files: fieldsOf(text, "Filename").map((path, i) => ({ path, size: sizes[i] ?? -1 })) };
    },
  },
  {
    format: "rpm",
    upload: (i) => ({ path: "upload", body: buildRpm({ name: `burst${i}`, version: "1.0", release: "1", arch: "x86_64" }) }),
    index: "repodata/primary.xml.gz",
    parse: (bytes) => {
      const xml = gunzipSync(bytes).toString("utf8");
      return { files: [...xml.matchAll(/<size package="(\d+)"[^>]*\/>\s*<location href="([^"]+)"/g)].map((m) => ({ path: m[2] ?? "", size: Number(m[1]) })) };
    },
  },
  {
    format: "alpine",
    upload: (i) => ({ path: "v3.20/main", body: buildApk({ name: `burst${i}`, version: "1.0-r0" }).bytes }),
    index: "v3.20/main/x86_64/APKINDEX.tar.gz",
    parse: (bytes) => ({ files: stanzas(readSignedIndex(bytes).apkindex).map((s) => ({ path: `v3.20/main/x86_64/${s.P}-${s.V}.apk`, size: Number(s.S) })) }),
  },
];

describe.each(formats)("$format: a burst of 50 uploads", (os) => {
  let registry: Registry;
  const hosted = `burst-${os.format}`;
  const virtual = `burst-${os.format}-virtual`;
  const auth = () => ({ Authorization: `Bearer ${registry.adminToken}` });
  const url = (repo: string, path: string) => `${registry.baseUrl}/${os.format}/${repo}/${path}`;

  beforeAll(async () => {
    registry = await startRegistry({ label: `edge-registry-e2e-burst-${os.format}` });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: hosted, format: os.format, kind: "hosted", visibility: "private" } });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: virtual, format: os.format, kind: "virtual", visibility: "private", members: [{ repository: hosted }] } });
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
  });

  /** Polls a repository's index until it lists the whole burst; ms since `started`, and the listing. */
  async function untilListed(repo: string, started: number): Promise<{ ms: number; listing: Listing }> {
    let listing: Listing = { files: [] };
    for (let i = 0; i < 240; i++) {
      const res = await fetch(url(repo, os.index), { headers: auth() });
      if (res.ok) listing = os.parse(new Uint8Array(await res.arrayBuffer()));
      if (listing.files.length >= BURST) return { ms: Date.now() - started, listing };
      await sleep(250);
    }
    throw new Error(`${repo}: ${listing.files.length} of ${BURST} listed after 60 s`);
  }

  it("answers every upload at once, builds a handful of times, lists all 50 in the member and then the virtual", async () => {
    const started = Date.now();
    const uploads = await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        const { path, body } = os.upload(i);
        const res = await fetch(url(hosted, path), { method: "PUT", body, headers: auth() });
        return { status: res.status, text: await res.text() };
      }),
    );
    const uploadedMs = Date.now() - started;
    expect(uploads.filter((u) => u.status !== 201), JSON.stringify(uploads.find((u) => u.status !== 201))).toEqual([]);

    const member = await untilListed(hosted, started);
    const through = await untilListed(virtual, started);
    expect(member.listing.files).toHaveLength(BURST);
    expect(through.listing.files).toHaveLength(BURST);

    const status = await apiOk<{ builds: number; current: boolean }>(registry, 200, `/repositories/${hosted}/indexes`);
    const virtualStatus = await apiOk<{ builds: number; current: boolean }>(registry, 200, `/repositories/${virtual}/indexes`);
    expect(status.builds).toBeGreaterThanOrEqual(1);
    expect(status.builds).toBeLessThanOrEqual(MAX_BUILDS);
    expect(status.current).toBe(true);
    // The virtual is built once on creation (empty), then after each member build.
    expect(virtualStatus.builds).toBeLessThanOrEqual(MAX_BUILDS + 1);

    // No index lists a file that is not downloadable: every listed file, with the listed size.
    const heads = await Promise.all(member.listing.files.map((f) => fetch(url(hosted, f.path), { method: "HEAD", headers: auth() })));
    expect(heads.map((r) => r.status)).toEqual(Array(BURST).fill(200));
    expect(heads.map((r) => Number(r.headers.get("Content-Length")))).toEqual(member.listing.files.map((f) => f.size));

    console.log(
      `${os.format} burst: ${BURST} uploads answered in ${uploadedMs} ms; all listed after ${member.ms} ms (member, ${status.builds} build(s)), ` +
        `${through.ms} ms (virtual, ${virtualStatus.builds} build(s) including the one at creation)`,
    );
  }, 180_000);
});
