// Registration rendering (inlined/paged, hives), merges of members' copies, the service
// index both ways, and v2 helpers (pure).
import { describe, expect, it } from "vitest";
import { dependencyString, odataString } from "../../../src/formats/nuget/odata";
import { BASE, renderFlatIndex, renderLeaf, renderRegistration, withBaseUrls } from "../../../src/formats/nuget/registration";
import { firstRewritten, mergeFlatIndexes, mergeRegistrationIndexes } from "../../../src/formats/nuget/registration-merge";
import { resourceBase, serviceIndex } from "../../../src/formats/nuget/service-index";
import { parseNuspec } from "../../../src/formats/nuget/nuspec";
import type { StoredPackage, StoredVersion } from "../../../src/formats/nuget/stored";
import type { SourceDocument } from "../../../src/formats/types";
import { nuspec } from "../../integration/nuget-fixtures";

function version(v: string, listed = true): StoredVersion {
  return { meta: { ...parseNuspec(nuspec("Demo", v)), listed }, published: Date.UTC(2024, 0, 1), size: 10, sha512: "ab".repeat(64), downloads: 3 };
}
const pkg = (versions: string[]): StoredPackage => ({ id: "Demo", lowerId: "demo", versions: versions.map((v) => version(v)) });
const doc = (member: string, value: unknown, minReleaseAgeHours = 0): SourceDocument => ({ member, text: JSON.stringify(value), contentType: "application/json", baseUrl: "", minReleaseAgeHours });

type Page = { "@id": string; count: number; lower: string; upper: string; items?: { catalogEntry: { version: string; published?: string }; packageContent: string; "@id": string }[] };

describe("registration documents", () => {
  it("inlines pages up to 64 versions, with leaves pointing at the flat container", () => {
    const docs = renderRegistration(pkg(["1.0.0", "2.0.0-beta.1", "1.1.0"].sort()), "registration-semver2");
    const index = JSON.parse(withBaseUrls(docs?.index ?? "", "https://h/nuget/r/")) as { items: Page[]; "@id": string };
    expect(index["@id"]).toBe("https://h/nuget/r/registration-semver2/demo/index.json");
    expect(index.items[0]?.items?.[0]?.packageContent).toBe("https://h/nuget/r/v3-flatcontainer/demo/1.0.0/demo.1.0.0.nupkg");
    expect(docs?.pages.size).toBe(0);
    expect(renderRegistration(pkg(["2.0.0-beta.1"]), "registration")).toBeNull();
  });

  it("pages above 64 versions: the index lists pages, each page is a document", () => {
    const versions = Array.from({ length: 130 }, (_, i) => `1.0.${i}`);
    const docs = renderRegistration(pkg(versions), "registration");
    const index = JSON.parse(docs?.index ?? "") as { items: Page[]; count: number };
    expect(index.count).toBe(3);
    expect(index.items.map((p) => [p.count, p.lower, p.upper, p.items])).toEqual([
      [64, "1.0.0", "1.0.63", undefined],
      [64, "1.0.64", "1.0.127", undefined],
      [2, "1.0.128", "1.0.129", undefined],
    ]);
    expect(index.items[1]?.["@id"]).toBe(`${BASE}/registration/demo/page/1.0.64/1.0.127.json`);
    expect([...(docs?.pages.keys() ?? [])]).toEqual(["1.0.0/1.0.63", "1.0.64/1.0.127", "1.0.128/1.0.129"]);
  });

  it("renders leaves and the flat index (all versions, lower case)", () => {
    const p: StoredPackage = { id: "Demo", lowerId: "demo", versions: [version("1.0.0-RC", false)] };
    expect(JSON.parse(renderLeaf(p, "registration", p.versions[0] as StoredVersion))).toMatchObject({ listed: false, published: "2024-01-01T00:00:00.000Z" });
    expect(JSON.parse(renderFlatIndex(p))).toEqual({ versions: ["1.0.0-rc"] });
  });
});

describe("merges", () => {
  const params = { base: "https://us/nuget/v", hive: "registration" as const, id: "Demo" };
  const upstreamIndex = (versions: string[], published = "2020-01-01T00:00:00Z") => ({
    items: [{ items: versions.map((v) => ({ "@id": `https://up/reg/demo/${v}.json`, packageContent: `https://flat/demo/${v}.nupkg`, registration: "https://up/reg/demo/index.json", catalogEntry: { version: v, published, packageContent: `https://flat/demo/${v}.nupkg` } })) }],
  });

  it("unions registration leaves, first member wins, rewrites URLs to the serving repository", () => {
    const merged = mergeRegistrationIndexes([doc("a", upstreamIndex(["2.0.0"], "2024-05-05T00:00:00Z")), doc("b", upstreamIndex(["1.0.0", "2.0.0"]))], params, Date.now());
    const index = JSON.parse(merged?.text ?? "") as { items: Page[] };
    const leaves = index.items[0]?.items ?? [];
    expect(leaves.map((l) => [l.catalogEntry.version, l.catalogEntry.published])).toEqual([["1.0.0", "2020-01-01T00:00:00Z"], ["2.0.0", "2024-05-05T00:00:00Z"]]);
    expect(leaves[0]?.packageContent).toBe("https://us/nuget/v/v3-flatcontainer/demo/1.0.0/demo.1.0.0.nupkg");
    expect(leaves[0]?.["@id"]).toBe("https://us/nuget/v/registration/demo/1.0.0.json");
    expect(merged?.text).not.toContain("https://flat/");
  });

  it("hides leaves younger than a member's release age", () => {
    const fresh = new Date().toISOString();
    const merged = mergeRegistrationIndexes([doc("r", upstreamIndex(["1.0.0"], fresh), 24)], params, Date.now());
    expect(merged).toBeNull();
  });

  it("keeps non-inlined upstream pages as references on the serving repository", () => {
    const merged = mergeRegistrationIndexes([doc("r", { items: [{ "@id": "https://up/reg/demo/page/1.0.0/3.0.0.json", count: 300, lower: "1.0.0", upper: "3.0.0" }] })], params, 0);
    expect((JSON.parse(merged?.text ?? "") as { items: Page[] }).items[0]?.["@id"]).toBe("https://us/nuget/v/registration/demo/page/1.0.0/3.0.0.json");
  });

  it("rewrites a leaf document and unions flat container lists", () => {
    const leaf = firstRewritten([doc("r", { "@id": "https://up/reg/demo/1.0.0.json", catalogEntry: "https://up/catalog/x.json", packageContent: "https://flat/x" })], params, "leaf");
    expect(JSON.parse(leaf?.text ?? "")).toMatchObject({ "@id": "https://us/nuget/v/registration/demo/1.0.0.json", catalogEntry: "https://up/catalog/x.json", packageContent: "https://us/nuget/v/v3-flatcontainer/demo/1.0.0/demo.1.0.0.nupkg" });
    expect(JSON.parse(mergeFlatIndexes([doc("a", { versions: ["2.0.0", "1.0.0-RC"] }), doc("b", { versions: ["1.0.0"] })])?.text ?? "")).toEqual({ versions: ["1.0.0-rc", "1.0.0", "2.0.0"] });
  });
});

describe("service index", () => {
  it("names every resource under the repository's base", () => {
    const index = serviceIndex("https://h/nuget/r") as { resources: { "@id": string; "@type": string }[] };
    expect(index.resources.find((r) => r["@type"] === "PackageBaseAddress/3.0.0")?.["@id"]).toBe("https://h/nuget/r/v3-flatcontainer/");
    expect(resourceBase(JSON.stringify(index), "registration-semver2")).toBe("https://h/nuget/r/registration-semver2/");
  });

  it("finds an upstream's resources by type preference, only absolute URLs", () => {
    const text = JSON.stringify({ resources: [{ "@id": "https://api/reg", "@type": "RegistrationsBaseUrl" }, { "@id": "https://api/reg-gz-semver2/", "@type": "RegistrationsBaseUrl/3.6.0" }, { "@id": "relative/", "@type": "PackageBaseAddress/3.0.0" }] });
    expect(resourceBase(text, "registration")).toBe("https://api/reg/");
    expect(resourceBase(text, "registration-semver2")).toBe("https://api/reg-gz-semver2/");
    expect(resourceBase(text, "flat")).toBeNull();
    expect(resourceBase("not json", "flat")).toBeNull();
  });
});

describe("v2 helpers", () => {
  it("reads OData string literals and writes NuGet.Core's dependency string", () => {
    expect(odataString("'it''s'")).toBe("it's");
    expect(odataString("plain")).toBe("plain");
    const meta = { ...parseNuspec(nuspec("P", "1.0.0", { dependencies: '<dependencies><group targetFramework="net8.0"><dependency id="A" version="1.0" /></group><group targetFramework="net48" /></dependencies>' })), listed: true };
    expect(dependencyString(meta)).toBe("A:1.0:net8.0|::net48");
  });
});
