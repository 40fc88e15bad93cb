// NuGet hosted: service index, push (multipart and raw, X-NuGet-ApiKey), flat container,
// registration documents (inlined and paged, SemVer 1/2 hives), leaves, unlist/relist,
// search/autocomplete, the v2 OData feed, the management API's delete rebuilding documents,
// and bad input (corrupt nupkg, missing nuspec, id/version mismatches) storing nothing.
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, call, createRepository } from "../helpers/client";
import { nupkg, pushBody, type NupkgOptions } from "./nuget-fixtures";

const ROOT = "http://registry.test/nuget/nu";

async function push(bytes: Uint8Array, options: { repo?: string; path?: string; filename?: string; raw?: boolean; key?: string | null } = {}): Promise<Response> {
  const key = options.key === undefined ? ADMIN : options.key;
  const headers: Record<string, string> = key ? { "X-NuGet-ApiKey": key } : {};
  const url = `/nuget/${options.repo ?? "nu"}/${options.path ?? ""}`;
  if (options.raw) return call(url, { method: "PUT", token: null, body: bytes, headers: { ...headers, "Content-Type": "application/octet-stream" } });
  const { body, contentType } = pushBody(bytes, options.filename);
  return call(url, { method: "PUT", token: null, body, headers: { ...headers, "Content-Type": contentType } });
}

const pushPackage = (id: string, version: string, options: NupkgOptions = {}, repo = "nu") => push(nupkg(id, version, options), { repo });

async function json(path: string, status = 200): Promise<Record<string, unknown>> {
  const res = await call(path, { token: null });
  expect(res.status, path).toBe(status);
  return (await res.json()) as Record<string, unknown>;
}

async function counts(): Promise<{ files: number; versions: number }> {
  const files = (await env.DB.prepare("SELECT count(*) AS n FROM package_file").first<{ n: number }>())?.n ?? 0;
  const versions = (await env.DB.prepare("SELECT count(*) AS n FROM package_version").first<{ n: number }>())?.n ?? 0;
  return { files, versions };
}

type Page = { "@id": string; count: number; lower: string; upper: string; items?: { catalogEntry: Record<string, unknown>; packageContent: string; "@id": string }[] };

beforeAll(async () => {
  await createRepository({ name: "nu", format: "nuget", kind: "hosted", visibility: "public" });
  await createRepository({ name: "nu-private", format: "nuget", kind: "hosted", visibility: "private" });
});

describe("nuget hosted", () => {
  it("serves the v3 service index with absolute URLs on this host", async () => {
    const index = await json("/nuget/nu/index.json");
    expect(index.version).toBe("3.0.0");
    const resources = index.resources as { "@id": string; "@type": string }[];
    const byType = (type: string) => resources.find((r) => r["@type"] === type)?.["@id"];
    expect(byType("PackagePublish/2.0.0")).toBe(`${ROOT}/`);
    expect(byType("PackageBaseAddress/3.0.0")).toBe(`${ROOT}/v3-flatcontainer/`);
    expect(byType("RegistrationsBaseUrl")).toBe(`${ROOT}/registration/`);
    expect(byType("RegistrationsBaseUrl/3.6.0")).toBe(`${ROOT}/registration-semver2/`);
    expect(byType("SearchQueryService/3.5.0")).toBe(`${ROOT}/query`);
    expect(byType("SearchAutocompleteService")).toBe(`${ROOT}/autocomplete`);
    const hidden = await call("/nuget/nu-private/index.json", { token: null });
    expect(hidden.status).toBe(401);
    expect(hidden.headers.get("WWW-Authenticate")).toContain("Basic");
    expect((await call("/nuget/nu-private/index.json", { token: ADMIN })).status).toBe(200);
  });

  it("pushes a package and serves flat container, nuspec, registration index and leaf", async () => {
    const bytes = nupkg("Contoso.Lib", "1.0.0", { dependencies: '<dependencies><group targetFramework="net8.0"><dependency id="Newtonsoft.Json" version="13.0.1" /></group></dependencies>' });
    expect((await push(bytes)).status).toBe(201);
    expect(await json("/nuget/nu/v3-flatcontainer/contoso.lib/index.json")).toEqual({ versions: ["1.0.0"] });
    const download = await call("/nuget/nu/v3-flatcontainer/contoso.lib/1.0.0/contoso.lib.1.0.0.nupkg", { token: null });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    const manifest = await call("/nuget/nu/v3-flatcontainer/contoso.lib/1.0.0/contoso.lib.nuspec", { token: null });
    expect(await manifest.text()).toContain("<id>Contoso.Lib</id>");

    const registration = await json("/nuget/nu/registration/contoso.lib/index.json");
    expect(registration["@id"]).toBe(`${ROOT}/registration/contoso.lib/index.json`);
    const pages = registration.items as Page[];
    expect(pages).toHaveLength(1);
    const leaf = pages[0]?.items?.[0];
    expect(leaf?.packageContent).toBe(`${ROOT}/v3-flatcontainer/contoso.lib/1.0.0/contoso.lib.1.0.0.nupkg`);
    expect(leaf?.catalogEntry).toMatchObject({ id: "Contoso.Lib", version: "1.0.0", authors: "Tester", listed: true, tags: ["test", "nuget"] });
    expect(leaf?.catalogEntry.dependencyGroups).toMatchObject([{ targetFramework: "net8.0", dependencies: [{ id: "Newtonsoft.Json", range: "13.0.1", registration: `${ROOT}/registration/newtonsoft.json/index.json` }] }]);
    const leafDocument = await json("/nuget/nu/registration/contoso.lib/1.0.0.json");
    expect(leafDocument).toMatchObject({ listed: true, packageContent: leaf?.packageContent, registration: registration["@id"] });
    // Another host name gets URLs on that host.
    const other = await exports.default.fetch(new Request("http://other.test/nuget/nu/registration/contoso.lib/index.json"));
    expect(await other.text()).toContain("http://other.test/nuget/nu/v3-flatcontainer/contoso.lib/1.0.0/contoso.lib.1.0.0.nupkg");
  });

  it("normalises versions, keeps SemVer 2.0 versions out of the SemVer 1 hive, and refuses duplicates with 409", async () => {
    expect((await pushPackage("Norm", "1.0")).status).toBe(201);
    expect((await pushPackage("Norm", "2.0.0-beta.1")).status).toBe(201);
    expect((await pushPackage("Norm", "1.5.0-RC")).status).toBe(201);
    expect(await json("/nuget/nu/v3-flatcontainer/norm/index.json")).toEqual({ versions: ["1.0.0", "1.5.0-rc", "2.0.0-beta.1"] });
    const semver1 = (await json("/nuget/nu/registration/norm/index.json")).items as Page[];
    expect(semver1[0]?.items?.map((l) => l.catalogEntry.version)).toEqual(["1.0.0", "1.5.0-RC"]);
    const semver2 = (await json("/nuget/nu/registration-semver2/norm/index.json")).items as Page[];
    expect(semver2[0]).toMatchObject({ lower: "1.0.0", upper: "2.0.0-beta.1", count: 3 });
    const duplicate = await pushPackage("norm", "1.0.0.0");
    expect(duplicate.status).toBe(409);
    expect(((await duplicate.json()) as { Message: string }).Message).toContain("already exists");
  });

  it("accepts raw bodies and the v2 push paths", async () => {
    expect((await push(nupkg("Raw.Pkg", "1.0.0"), { raw: true })).status).toBe(201);
    expect((await push(nupkg("Raw.Pkg", "1.1.0"), { path: "api/v2/package" })).status).toBe(201);
    expect((await push(nupkg("Raw.Pkg", "1.2.0"), { path: "api/v2/" })).status).toBe(201);
    expect(await json("/nuget/nu/v3-flatcontainer/raw.pkg/index.json")).toEqual({ versions: ["1.0.0", "1.1.0", "1.2.0"] });
  });

  it("needs write access to push: anonymous 401, wrong key 401", async () => {
    expect((await push(nupkg("Anon", "1.0.0"), { key: null })).status).toBe(401);
    expect((await push(nupkg("Anon", "1.0.0"), { key: "not-a-token" })).status).toBe(401);
  });

  it("refuses bad packages with a NuGet error and stores nothing", async () => {
    const before = await counts();
    const cases: [Uint8Array, string, string?][] = [
      [new TextEncoder().encode("this is not a zip file at all, sorry"), "not a zip archive"],
      [nupkg("NoSpec", "1.0.0", { nuspecName: null }), "has no .nuspec"],
      [nupkg("Bad", "1.0.0", { nuspecName: "Other.nuspec" }), "does not match the package id"],
      [nupkg("Bad", "1.0.0", { authors: null }), "<authors> is missing"],
      [nupkg("Bad", "not.a.version"), "not a valid NuGet version"],
      [nupkg("Bad Id", "1.0.0", { nuspecName: "bad.nuspec" }), "not a valid package id"],
      [nupkg("Bad", "1.0.0", { manifest: "<package><metadata><id>Bad</id>" }), "not well-formed"],
      [nupkg("Bad", "1.0.0", { packageType: "SymbolsPackage" }), "symbol packages"],
      [nupkg("Bad", "1.0.0"), "named Other.2.0.0.nupkg", "Other.2.0.0.nupkg"],
      [nupkg("Bad", "1.0.0"), "named Bad.2.0.0.nupkg", "Bad.2.0.0.nupkg"],
      [nupkg("Bad", "1.0.0").subarray(0, 200), ""],
    ];
    for (const [bytes, message, filename] of cases) {
      const res = await push(bytes, filename ? { filename } : {});
      expect(res.status, message).toBe(400);
      expect(res.headers.get("Content-Type")).toContain("application/json");
      expect(((await res.json()) as { Message: string }).Message).toContain(message);
    }
    expect(await counts()).toEqual(before);
    expect((await call("/nuget/nu/v3-flatcontainer/bad/index.json", { token: null })).status).toBe(404);
  });

  it("unlists on DELETE (still restorable) and relists on POST", async () => {
    await pushPackage("Unlist.Me", "1.0.0");
    await pushPackage("Unlist.Me", "2.0.0");
    const del = await call("/nuget/nu/Unlist.Me/2.0.0", { method: "DELETE", token: null, headers: { "X-NuGet-ApiKey": ADMIN } });
    expect(del.status).toBe(204);
    const leaves = ((await json("/nuget/nu/registration/unlist.me/index.json")).items as Page[])[0]?.items ?? [];
    expect(leaves.map((l) => [l.catalogEntry.version, l.catalogEntry.listed])).toEqual([["1.0.0", true], ["2.0.0", false]]);
    expect(await json("/nuget/nu/registration/unlist.me/2.0.0.json")).toMatchObject({ listed: false });
    expect(await json("/nuget/nu/v3-flatcontainer/unlist.me/index.json")).toEqual({ versions: ["1.0.0", "2.0.0"] });
    const search = await json("/nuget/nu/query?q=unlist.me");
    expect((search.data as { version: string }[])[0]?.version).toBe("1.0.0");
    expect((await call("/nuget/nu/Unlist.Me/9.9.9", { method: "DELETE", token: null, headers: { "X-NuGet-ApiKey": ADMIN } })).status).toBe(404);
    expect((await call("/nuget/nu/api/v2/package/Unlist.Me/2.0.0", { method: "POST", token: null, headers: { "X-NuGet-ApiKey": ADMIN } })).status).toBe(200);
    expect((((await json("/nuget/nu/query?q=unlist.me")).data as { version: string }[])[0])?.version).toBe("2.0.0");
    expect((await call("/nuget/nu/Unlist.Me/1.0.0", { method: "DELETE", token: null })).status).toBe(401);
  });

  it("searches and autocompletes with prerelease and semVerLevel", async () => {
    await pushPackage("Search.Alpha", "1.0.0");
    await pushPackage("Search.Alpha", "2.0.0-beta");
    await pushPackage("Search.Alpha", "3.0.0-beta.2");
    await pushPackage("Search.Beta", "0.1.0");
    const stable = await json("/nuget/nu/query?q=search.&take=10");
    expect(stable.totalHits).toBe(2);
    const first = (stable.data as Record<string, unknown>[])[0];
    expect(first).toMatchObject({ id: "Search.Alpha", version: "1.0.0", registration: `${ROOT}/registration/search.alpha/index.json` });
    expect(((await json("/nuget/nu/query?q=search.alpha&prerelease=true")).data as { version: string }[])[0]?.version).toBe("2.0.0-beta");
    const semver2 = (await json("/nuget/nu/query?q=search.alpha&prerelease=true&semVerLevel=2.0.0")).data as { version: string; versions: unknown[]; registration: string }[];
    expect(semver2[0]).toMatchObject({ version: "3.0.0-beta.2", registration: `${ROOT}/registration-semver2/search.alpha/index.json` });
    expect(semver2[0]?.versions).toHaveLength(3);
    expect((await json("/nuget/nu/query?q=packageid:search.beta")).totalHits).toBe(1);
    expect((await json("/nuget/nu/query?q=search.&skip=1&take=1")).data).toHaveLength(1);
    expect(await json("/nuget/nu/autocomplete?q=search.")).toEqual({ totalHits: 2, data: ["Search.Alpha", "Search.Beta"] });
    expect(await json("/nuget/nu/autocomplete?id=search.alpha&prerelease=true")).toEqual({ totalHits: 2, data: ["1.0.0", "2.0.0-beta"] });
  });

  it("serves the v2 OData feed", async () => {
    await pushPackage("V2.Pkg", "1.0.0", { dependencies: '<dependencies><dependency id="Dep" version="[1.0,2.0)" /></dependencies>' });
    await pushPackage("V2.Pkg", "1.1.0-pre");
    const service = await call("/nuget/nu/api/v2/", { token: null });
    expect(await service.text()).toContain('<collection href="Packages">');
    expect(await (await call("/nuget/nu/api/v2/$metadata", { token: null })).text()).toContain('FunctionImport Name="FindPackagesById"');
    const byId = await (await call("/nuget/nu/api/v2/FindPackagesById()?id='v2.pkg'", { token: null })).text();
    expect(byId.match(/<entry>/g)).toHaveLength(2);
    expect(byId).toContain(`src="${ROOT}/v3-flatcontainer/v2.pkg/1.0.0/v2.pkg.1.0.0.nupkg"`);
    expect(byId).toContain("<d:Dependencies>Dep:[1.0,2.0):</d:Dependencies>");
    expect(await (await call("/nuget/nu/api/v2/FindPackagesById()/$count?id='V2.Pkg'", { token: null })).text()).toBe("2");
    const one = await call("/nuget/nu/api/v2/Packages(Id='V2.Pkg',Version='1.0.0')", { token: null });
    expect(one.headers.get("Content-Type")).toContain("atom+xml");
    expect(await one.text()).toContain('<d:IsLatestVersion m:type="Edm.Boolean">true</d:IsLatestVersion>');
    const search = await (await call("/nuget/nu/api/v2/Search()?searchTerm='v2.pkg'&includePrerelease=true&$filter=IsAbsoluteLatestVersion", { token: null })).text();
    expect(search.match(/<d:Version>[^<]+/g)).toEqual(["<d:Version>1.1.0-pre"]);
    expect(await (await call("/nuget/nu/api/v2/Packages()/$count?$filter=tolower(Id) eq 'v2.pkg'", { token: null })).text()).toBe("2");
    const missing = await call("/nuget/nu/api/v2/Packages(Id='V2.Pkg',Version='9.0.0')", { token: null });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("<m:error");
  });

  it("pages the registration index above 64 versions; page documents hold the leaves", async () => {
    for (let i = 0; i < 65; i++) expect((await pushPackage("Many", `1.0.${i}`)).status).toBe(201);
    const index = await json("/nuget/nu/registration/many/index.json");
    const pages = index.items as Page[];
    expect(pages.map((p) => [p.count, p.lower, p.upper, p.items === undefined])).toEqual([
      [64, "1.0.0", "1.0.63", true],
      [1, "1.0.64", "1.0.64", true],
    ]);
    expect(pages[0]?.["@id"]).toBe(`${ROOT}/registration/many/page/1.0.0/1.0.63.json`);
    const page = await json("/nuget/nu/registration/many/page/1.0.0/1.0.63.json");
    expect(page).toMatchObject({ count: 64, parent: `${ROOT}/registration/many/index.json` });
    expect((page.items as unknown[]).length).toBe(64);
    expect(((await json("/nuget/nu/registration/many/page/1.0.64/1.0.64.json")).items as unknown[]).length).toBe(1);
    expect(((await json("/nuget/nu/v3-flatcontainer/many/index.json")).versions as string[]).length).toBe(65);
  }, 120_000);

  it("rebuilds documents after the management API deletes a version", async () => {
    await pushPackage("Api.Del", "1.0.0");
    await pushPackage("Api.Del", "2.0.0");
    expect((await api("/repositories/nu/packages/api.del/versions/2.0.0", "DELETE")).status).toBeLessThan(300);
    expect(await json("/nuget/nu/v3-flatcontainer/api.del/index.json")).toEqual({ versions: ["1.0.0"] });
    expect((((await json("/nuget/nu/registration/api.del/index.json")).items as Page[])[0]?.items ?? []).map((l) => l.catalogEntry.version)).toEqual(["1.0.0"]);
    expect((await call("/nuget/nu/registration/api.del/2.0.0.json", { token: null })).status).toBe(404);
  });

  it("answers unknown packages and paths with NuGet 404s", async () => {
    expect((await call("/nuget/nu/v3-flatcontainer/nope/index.json", { token: null })).status).toBe(404);
    expect((await call("/nuget/nu/registration/nope/index.json", { token: null })).status).toBe(404);
    const res = await call("/nuget/nu/whatever/else/here", { token: null });
    expect(res.status).toBe(404);
    expect(await res.json()).toHaveProperty("Message");
  });
});
