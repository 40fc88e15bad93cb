// NuGet through the remote/virtual engine with an api.nuget.org-style upstream: the service
// index on one host names the registration resource on the same host and the flat container
// on another; every URL a client follows is rewritten to us, .nupkg files are fetched from
// the flat container host and cached (immutable), metadata revalidated. A virtual merges
// flat-container index.json and registration indexes (union, priority wins a version) and
// shields remote members by package id.
import { describe, expect, it } from "vitest";
import { ADMIN, call, createRepository } from "../helpers/client";
import { useScriptedUpstream } from "../helpers/scripted-upstream";
import { nupkg, pushBody } from "./nuget-fixtures";

const upstream = useScriptedUpstream();
const API = "https://nuget-api.test";
const FLAT = "https://nuget-flat.test";

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

type Leaf = { "@id": string; packageContent: string; registration: string; catalogEntry: Record<string, unknown> };
type Page = { "@id": string; items?: Leaf[]; lower: string; upper: string; count: number };

/** An upstream with `versions` of `id`: service index + registration on API, flat container on FLAT. */
function upstreamPackage(root: string, id: string, versions: string[], options: { paged?: boolean } = {}): Record<string, Uint8Array> {
  const lid = id.toLowerCase();
  upstream.on(`${API}/${root}/v3/index.json`, () =>
    Response.json({
      version: "3.0.0",
      resources: [
        { "@id": `${FLAT}/${root}/v3-flatcontainer/`, "@type": "PackageBaseAddress/3.0.0" },
        { "@id": `${API}/${root}/v3/registration5-semver1/`, "@type": "RegistrationsBaseUrl" },
        { "@id": `${API}/${root}/v3/registration5-gz-semver2/`, "@type": "RegistrationsBaseUrl/3.6.0" },
        { "@id": "https://search.test/query", "@type": "SearchQueryService" },
      ],
    }),
  );
  const files: Record<string, Uint8Array> = {};
  for (const v of versions) {
    files[v] = nupkg(id, v);
    upstream.on(`${FLAT}/${root}/v3-flatcontainer/${lid}/${v}/${lid}.${v}.nupkg`, () => new Response(files[v], { headers: { "Content-Type": "application/octet-stream" } }));
  }
  upstream.on(`${FLAT}/${root}/v3-flatcontainer/${lid}/index.json`, () => Response.json({ versions }));
  for (const hive of ["registration5-semver1", "registration5-gz-semver2"]) {
    const reg = `${API}/${root}/v3/${hive}/${lid}`;
    const leaves = versions.map((v) => ({
      "@id": `${reg}/${v}.json`,
      "@type": "Package",
      catalogEntry: { "@id": `${API}/catalog/${lid}.${v}.json`, id, version: v, listed: true, published: "2020-01-01T00:00:00Z", dependencyGroups: [{ dependencies: [{ id: "Other", range: "[1.0.0, )", registration: `${API}/${root}/v3/${hive}/other/index.json` }] }], packageContent: `${FLAT}/${root}/v3-flatcontainer/${lid}/${v}/${lid}.${v}.nupkg` },
      packageContent: `${FLAT}/${root}/v3-flatcontainer/${lid}/${v}/${lid}.${v}.nupkg`,
      registration: `${reg}/index.json`,
    }));
    const lower = versions[0] ?? "";
    const upper = versions[versions.length - 1] ?? "";
    const page = { "@id": `${reg}/page/${lower}/${upper}.json`, "@type": "catalog:CatalogPage", count: leaves.length, lower, upper, parent: `${reg}/index.json` };
    upstream.on(`${reg}/index.json`, () => Response.json({ "@id": `${reg}/index.json`, count: 1, items: [options.paged ? page : { ...page, items: leaves }] }));
    upstream.on(`${reg}/page/${lower}/${upper}.json`, () => Response.json({ ...page, items: leaves }));
    for (const leaf of leaves) upstream.on(leaf["@id"], () => Response.json({ "@id": leaf["@id"], catalogEntry: leaf.catalogEntry["@id"], listed: true, packageContent: leaf.packageContent, registration: leaf.registration }));
  }
  return files;
}

async function remote(): Promise<string> {
  const name = unique("nuget-remote");
  await createRepository({ name, format: "nuget", kind: "remote", visibility: "private", remote: { url: `${API}/${name}/v3/` } });
  return name;
}

async function hosted(): Promise<string> {
  const name = unique("nuget-hosted");
  await createRepository({ name, format: "nuget", kind: "hosted", visibility: "private" });
  return name;
}

async function virtual(members: string[], settings: Record<string, unknown> = {}): Promise<string> {
  const name = unique("nuget-virtual");
  await createRepository({ name, format: "nuget", kind: "virtual", visibility: "private", members: members.map((repository, i) => ({ repository, priority: 100 - i })), settings });
  return name;
}

async function push(repo: string, id: string, version: string): Promise<Uint8Array> {
  const bytes = nupkg(id, version);
  const { body, contentType } = pushBody(bytes);
  const res = await call(`/nuget/${repo}/`, { method: "PUT", token: null, body, headers: { "X-NuGet-ApiKey": ADMIN, "Content-Type": contentType } });
  expect(res.status, await res.clone().text()).toBe(201);
  return bytes;
}

async function json(path: string): Promise<Record<string, unknown>> {
  const res = await call(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

describe("nuget remote", () => {
  it("locates resources through the upstream service index, rewrites registration URLs to us, caches .nupkg files", async () => {
    const repo = await remote();
    const files = upstreamPackage(repo, "Serilog", ["2.0.0", "2.1.0"]);
    const base = `http://registry.test/nuget/${repo}`;
    expect(await json(`/nuget/${repo}/v3-flatcontainer/serilog/index.json`)).toEqual({ versions: ["2.0.0", "2.1.0"] });

    const index = await json(`/nuget/${repo}/registration-semver2/serilog/index.json`);
    expect(index["@id"]).toBe(`${base}/registration-semver2/serilog/index.json`);
    const leaves = (index.items as Page[])[0]?.items ?? [];
    expect(leaves.map((l) => [l["@id"], l.packageContent, l.registration])).toEqual(
      ["2.0.0", "2.1.0"].map((v) => [`${base}/registration-semver2/serilog/${v}.json`, `${base}/v3-flatcontainer/serilog/${v}/serilog.${v}.nupkg`, `${base}/registration-semver2/serilog/index.json`]),
    );
    expect(JSON.stringify(index)).not.toContain("nuget-flat.test");
    expect((leaves[0]?.catalogEntry.dependencyGroups as { dependencies: { registration: string }[] }[])[0]?.dependencies[0]?.registration).toBe(`${base}/registration-semver2/other/index.json`);
    const leaf = await json(`/nuget/${repo}/registration/serilog/2.0.0.json`);
    expect(leaf).toMatchObject({ "@id": `${base}/registration/serilog/2.0.0.json`, packageContent: `${base}/v3-flatcontainer/serilog/2.0.0/serilog.2.0.0.nupkg` });

    const first = await call(`/nuget/${repo}/v3-flatcontainer/serilog/2.1.0/serilog.2.1.0.nupkg`);
    expect(first.status).toBe(200);
    expect(await bytesOf(first)).toEqual(files["2.1.0"]);
    const again = await call(`/nuget/${repo}/v3-flatcontainer/Serilog/2.1.0/Serilog.2.1.0.nupkg`);
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect(await bytesOf(again)).toEqual(files["2.1.0"]);
    expect(upstream.to(`${FLAT}/${repo}/v3-flatcontainer/serilog/2.1.0/serilog.2.1.0.nupkg`)).toHaveLength(1);
    expect(upstream.to(`${API}/${repo}/v3/index.json`)).toHaveLength(1);
    expect((await call(`/nuget/${repo}/v3-flatcontainer/serilog/9.9.9/serilog.9.9.9.nupkg`)).status).toBe(404);
    expect((await call(`/nuget/${repo}/v3-flatcontainer/nothing/index.json`)).status).toBe(404);
  });

  it("keeps an upstream's non-inlined registration pages as page references served from that upstream", async () => {
    const repo = await remote();
    upstreamPackage(repo, "Big.Pkg", ["1.0.0", "1.1.0"], { paged: true });
    const base = `http://registry.test/nuget/${repo}`;
    const pages = (await json(`/nuget/${repo}/registration-semver2/big.pkg/index.json`)).items as Page[];
    expect(pages).toHaveLength(1);
    expect(pages[0]?.["@id"]).toBe(`${base}/registration-semver2/big.pkg/page/1.0.0/1.1.0.json`);
    const page = await json(`/nuget/${repo}/registration-semver2/big.pkg/page/1.0.0/1.1.0.json`);
    expect((page.items as Leaf[]).map((l) => l.packageContent)).toEqual(["1.0.0", "1.1.0"].map((v) => `${base}/v3-flatcontainer/big.pkg/${v}/big.pkg.${v}.nupkg`));
    expect(page["@id"]).toBe(`${base}/registration-semver2/big.pkg/page/1.0.0/1.1.0.json`);
  });

  it("refuses pushes to a remote repository", async () => {
    const repo = await remote();
    const { body, contentType } = pushBody(nupkg("X", "1.0.0"));
    const res = await call(`/nuget/${repo}/`, { method: "PUT", token: null, body, headers: { "X-NuGet-ApiKey": ADMIN, "Content-Type": contentType } });
    expect(res.status).toBe(405);
    expect(await res.json()).toHaveProperty("Message");
  });
});

describe("nuget virtual", () => {
  it("merges flat container and registration indexes: union, the higher-priority member wins a version", async () => {
    const local = await hosted();
    const up = await remote();
    const upstreamFiles = upstreamPackage(up, "Mixed", ["1.0.0", "2.0.0"]);
    const localBytes = await push(local, "Mixed", "2.0.0");
    await push(local, "Mixed", "3.0.0");
    const all = await virtual([local, up], { shielding: false });
    const base = `http://registry.test/nuget/${all}`;
    expect(await json(`/nuget/${all}/v3-flatcontainer/mixed/index.json`)).toEqual({ versions: ["1.0.0", "2.0.0", "3.0.0"] });
    const leaves = ((await json(`/nuget/${all}/registration/mixed/index.json`)).items as Page[]).flatMap((p) => p.items ?? []);
    expect(leaves.map((l) => l.catalogEntry.version)).toEqual(["1.0.0", "2.0.0", "3.0.0"]);
    // 2.0.0 is the hosted member's (its leaf has our published date, not the upstream's).
    expect(leaves[1]?.catalogEntry.published).not.toBe("2020-01-01T00:00:00Z");
    expect(leaves.every((l) => l.packageContent.startsWith(`${base}/v3-flatcontainer/mixed/`))).toBe(true);
    expect(await bytesOf(await call(`/nuget/${all}/v3-flatcontainer/mixed/2.0.0/mixed.2.0.0.nupkg`))).toEqual(localBytes);
    expect(await bytesOf(await call(`/nuget/${all}/v3-flatcontainer/mixed/1.0.0/mixed.1.0.0.nupkg`))).toEqual(upstreamFiles["1.0.0"]);
    const service = await json(`/nuget/${all}/index.json`);
    expect((service.resources as { "@id": string }[]).every((r) => r["@id"].startsWith(base))).toBe(true);
  });

  it("shields remote members by package id once a hosted member has the id", async () => {
    const local = await hosted();
    const up = await remote();
    upstreamPackage(up, "Shielded", ["1.0.0", "9.0.0"]);
    upstreamPackage(up, "Only.Upstream", ["1.0.0"]);
    await push(local, "shielded", "1.0.0");
    const all = await virtual([local, up], { shielding: true });
    expect(await json(`/nuget/${all}/v3-flatcontainer/shielded/index.json`)).toEqual({ versions: ["1.0.0"] });
    const leaves = ((await json(`/nuget/${all}/registration/shielded/index.json`)).items as Page[]).flatMap((p) => p.items ?? []);
    expect(leaves.map((l) => l.catalogEntry.version)).toEqual(["1.0.0"]);
    expect((await call(`/nuget/${all}/v3-flatcontainer/shielded/9.0.0/shielded.9.0.0.nupkg`)).status).toBe(404);
    expect(await json(`/nuget/${all}/v3-flatcontainer/only.upstream/index.json`)).toEqual({ versions: ["1.0.0"] });
  });

  it("pushes through the virtual to its deploy member and searches hosted members", async () => {
    const local = await hosted();
    const all = await virtual([local], { deployMember: local });
    const { body, contentType } = pushBody(nupkg("Via.Virtual", "1.0.0"));
    const res = await call(`/nuget/${all}/`, { method: "PUT", token: null, body, headers: { "X-NuGet-ApiKey": ADMIN, "Content-Type": contentType } });
    expect(res.status).toBe(201);
    expect((await json(`/nuget/${local}/v3-flatcontainer/via.virtual/index.json`)).versions).toEqual(["1.0.0"]);
    const search = await json(`/nuget/${all}/query?q=via.virtual`);
    expect(search.totalHits).toBe(1);
    expect((search.data as { registration: string }[])[0]?.registration).toBe(`http://registry.test/nuget/${all}/registration/via.virtual/index.json`);
  });
});
