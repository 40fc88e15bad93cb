/**
 * The NuGet v3 protocol spoken over HTTP exactly as NuGet.Client (`dotnet restore`,
 * `dotnet nuget push`, nuget.exe 6) sends it, against the running server — no v3 client
 * installs on these machines. Headers: `X-NuGet-Client-Version`, `X-NuGet-Session-Id`,
 * NuGet's User-Agent; credentials only after a 401 with a Basic challenge (as NuGet's
 * HttpClientHandler does); push as multipart with `X-NuGet-ApiKey` and
 * `X-NuGet-Protocol-Version`. Flow: service index → registration (semver2) → the leaf's
 * packageContent → flat container index.json/.nupkg/.nuspec; a private virtual over the
 * hosted repository and a remote whose upstream is another repository of this server.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nupkg, pushBody } from "../integration/nuget-fixtures";
import { apiOk, startRegistry, type Registry } from "./harness";

const HOSTED = "nuget-v3-local";
const UPSTREAM = "nuget-v3-upstream";
const REMOTE = "nuget-v3-remote";
const VIRTUAL = "nuget-v3-all";
const session = randomUUID();
// zip entries carry their time: build each package once and compare against those bytes.
const core = nupkg("Contoso.Core", "1.0.0");
const upstreamOnly = nupkg("Upstream.Only", "3.1.0");
const NUGET_HEADERS = { "User-Agent": "NuGet .NET Core MSBuild Task/6.8.0.122 (Linux 6.1.0 #1 SMP Debian)", "X-NuGet-Client-Version": "6.8.0", "X-NuGet-Session-Id": session, "Accept-Language": "en-US" };

describe("NuGet v3 protocol as NuGet.Client speaks it", () => {
  let registry: Registry;
  let token: string;
  const basic = () => `Basic ${Buffer.from(`ci:${token}`).toString("base64")}`;

  /** A GET as NuGet.Client does it: anonymous first, credentials after a Basic challenge. */
  async function nugetGet(url: string): Promise<Response> {
    const first = await fetch(url, { headers: NUGET_HEADERS });
    if (first.status !== 401) return first;
    expect(first.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
    await first.arrayBuffer();
    return fetch(url, { headers: { ...NUGET_HEADERS, Authorization: basic() } });
  }

  async function getJson<T>(url: string): Promise<T> {
    const res = await nugetGet(url);
    expect(res.status, url).toBe(200);
    return (await res.json()) as T;
  }

  const resource = (index: { resources: { "@id": string; "@type": string }[] }, type: string) => index.resources.find((r) => r["@type"] === type)?.["@id"] ?? "";

  async function push(source: string, bytes: Uint8Array): Promise<Response> {
    const index = await getJson<{ resources: { "@id": string; "@type": string }[] }>(source);
    const { body, contentType } = pushBody(bytes);
    return fetch(resource(index, "PackagePublish/2.0.0"), { method: "PUT", body, headers: { ...NUGET_HEADERS, "Content-Type": contentType, "X-NuGet-ApiKey": token, "X-NuGet-Protocol-Version": "4.1.0" } });
  }

  beforeAll(async () => {
    registry = await startRegistry({ label: "edge-registry-e2e-nuget-v3" });
    for (const name of [HOSTED, UPSTREAM]) await apiOk(registry, 201, "/repositories", { method: "POST", body: { name, format: "nuget", kind: "hosted", visibility: name === UPSTREAM ? "public" : "private" } });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: REMOTE, format: "nuget", kind: "remote", visibility: "private", remote: { url: `${registry.baseUrl}/nuget/${UPSTREAM}/` } } });
    await apiOk(registry, 201, "/repositories", { method: "POST", body: { name: VIRTUAL, format: "nuget", kind: "virtual", visibility: "private", members: [{ repository: HOSTED, priority: 10 }, { repository: REMOTE, priority: 1 }], settings: { deployMember: HOSTED } } });
    token = (await apiOk<{ token: string }>(registry, 201, "/tokens", { method: "POST", body: { name: "e2e-nuget-v3", scopes: ["read", "write"] } })).token;
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it("dotnet nuget push: service index → PackagePublish, 201; a duplicate is a 409 with a Message", async () => {
    const source = `${registry.baseUrl}/nuget/${HOSTED}/index.json`;
    expect((await push(source, core)).status).toBe(201);
    expect((await push(source, nupkg("Contoso.Core", "2.0.0-beta.1"))).status).toBe(201);
    const duplicate = await push(source, nupkg("Contoso.Core", "1.0.0"));
    expect(duplicate.status).toBe(409);
    expect(((await duplicate.json()) as { Message: string }).Message).toContain("already exists");
    expect((await push(`${registry.baseUrl}/nuget/${UPSTREAM}/index.json`, upstreamOnly)).status).toBe(201);
  });

  it("restore: service index → registration → packageContent, flat container index.json, .nupkg and .nuspec", async () => {
    const index = await getJson<{ resources: { "@id": string; "@type": string }[] }>(`${registry.baseUrl}/nuget/${VIRTUAL}/index.json`);
    const registrations = resource(index, "RegistrationsBaseUrl/3.6.0");
    const flat = resource(index, "PackageBaseAddress/3.0.0");
    expect(registrations).toBe(`${registry.baseUrl}/nuget/${VIRTUAL}/registration-semver2/`);
    const registration = await getJson<{ items: { items: { packageContent: string; catalogEntry: { version: string } }[] }[] }>(`${registrations}contoso.core/index.json`);
    const leaves = registration.items.flatMap((p) => p.items);
    expect(leaves.map((l) => l.catalogEntry.version)).toEqual(["1.0.0", "2.0.0-beta.1"]);
    const download = await nugetGet(leaves[0]?.packageContent ?? "");
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(core);

    expect(await getJson(`${flat}contoso.core/index.json`)).toEqual({ versions: ["1.0.0", "2.0.0-beta.1"] });
    const nuspec = await nugetGet(`${flat}contoso.core/1.0.0/contoso.core.nuspec`);
    expect(await nuspec.text()).toContain("<id>Contoso.Core</id>");
    // The remote member's package, located through the upstream's own service index.
    expect(await getJson(`${flat}upstream.only/index.json`)).toEqual({ versions: ["3.1.0"] });
    const upstreamLeaves = (await getJson<{ items: { items: { packageContent: string }[] }[] }>(`${registrations}upstream.only/index.json`)).items.flatMap((p) => p.items);
    expect(upstreamLeaves[0]?.packageContent).toBe(`${flat}upstream.only/3.1.0/upstream.only.3.1.0.nupkg`);
    const upstreamPackage = await nugetGet(upstreamLeaves[0]?.packageContent ?? "");
    expect(new Uint8Array(await upstreamPackage.arrayBuffer())).toEqual(upstreamOnly);
    expect((await nugetGet(`${flat}missing.pkg/index.json`)).status).toBe(404);
  });

  it("search and autocomplete as the package manager UI asks", async () => {
    const index = await getJson<{ resources: { "@id": string; "@type": string }[] }>(`${registry.baseUrl}/nuget/${HOSTED}/index.json`);
    const search = await getJson<{ totalHits: number; data: { id: string; version: string }[] }>(`${resource(index, "SearchQueryService/3.5.0")}?q=contoso&skip=0&take=26&prerelease=true&semVerLevel=2.0.0`);
    expect(search.data.map((d) => [d.id, d.version])).toEqual([["Contoso.Core", "2.0.0-beta.1"]]);
    const stable = await getJson<{ data: { version: string }[] }>(`${resource(index, "SearchQueryService/3.5.0")}?q=contoso&prerelease=false`);
    expect(stable.data[0]?.version).toBe("1.0.0");
    expect(await getJson(`${resource(index, "SearchAutocompleteService")}?q=cont`)).toEqual({ totalHits: 1, data: ["Contoso.Core"] });
  });

  it("dotnet nuget delete unlists: hidden from search, still restorable", async () => {
    const index = await getJson<{ resources: { "@id": string; "@type": string }[] }>(`${registry.baseUrl}/nuget/${HOSTED}/index.json`);
    const del = await fetch(`${resource(index, "PackagePublish/2.0.0")}Contoso.Core/1.0.0`, { method: "DELETE", headers: { ...NUGET_HEADERS, "X-NuGet-ApiKey": token } });
    expect(del.status).toBe(204);
    const search = await getJson<{ totalHits: number }>(`${resource(index, "SearchQueryService")}?q=contoso`);
    expect(search.totalHits).toBe(0);
    const leaf = await getJson<{ listed: boolean }>(`${resource(index, "RegistrationsBaseUrl")}contoso.core/1.0.0.json`);
    expect(leaf.listed).toBe(false);
    expect((await nugetGet(`${resource(index, "PackageBaseAddress/3.0.0")}contoso.core/1.0.0/contoso.core.1.0.0.nupkg`)).status).toBe(200);
  });
});
