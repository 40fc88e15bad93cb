// Merging members' p2 documents: union by normalised version, priority, dist URLs pointed here with provenance, release age, minified output (pure).
import { describe, expect, it } from "vitest";
import { expandVersions } from "../../../src/formats/composer/minify";
import { mergeP2Documents, versionsOf } from "../../../src/formats/composer/p2-merge";
import { renderP2 } from "../../../src/formats/composer/stored";
import type { SourceDocument } from "../../../src/formats/types";

const BASE = "http://registry.test/composer/php-all/";
const NAME = "acme/tools";

function entry(version: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: NAME, version, dist: { type: "zip", url: `https://codeload.example/acme/tools/zip/${version}`, reference: `ref${version.replace(/\W/g, "")}`, shasum: "" }, time: "2020-01-01T00:00:00+00:00", ...extra };
}

function remote(member: string, versions: Record<string, unknown>[], minReleaseAgeHours = 0): SourceDocument {
  return { member, text: renderP2(NAME, versions.map((v) => ({ ...v, version_normalized: undefined }))), contentType: "application/json", baseUrl: "https://repo.example/p2/acme/tools.json", minReleaseAgeHours };
}

async function merged(documents: SourceDocument[], dev = false) {
  const result = await mergeP2Documents(documents, { base: BASE, name: NAME, dev }, Date.UTC(2026, 0, 1));
  if (!result) throw new Error("no document");
  const body = JSON.parse(result.text) as { packages: Record<string, unknown[]>; minified: string };
  return { versions: expandVersions(body.packages[NAME] ?? []), minified: body.minified, provenance: result.provenance ?? {} };
}

describe("mergeP2Documents", () => {
  it("unions versions, the first member wins a version whole, newest first, minified", async () => {
    const first = remote("left", [entry("1.0.0", { description: "left" }), entry("v1.1.0")]);
    const second = remote("right", [entry("1.0.0", { description: "right" }), entry("2.0.0")]);
    const { versions, minified } = await merged([first, second]);
    expect(minified).toBe("composer/2.0");
    expect(versions.map((v) => [v.version, v.version_normalized])).toEqual([
      ["2.0.0", "2.0.0.0"],
      ["v1.1.0", "1.1.0.0"],
      ["1.0.0", "1.0.0.0"],
    ]);
    expect(versions.find((v) => v.version === "1.0.0")?.description).toBe("left");
  });

  it("points remote dists here and records the upstream URL on its own host; shasum and reference relayed", async () => {
    const { versions, provenance } = await merged([remote("packagist", [entry("1.0.0", { dist: { type: "zip", url: "https://api.github.test/repos/acme/tools/zipball/abc123", reference: "abc123", shasum: "f".repeat(40) } })])]);
    expect(versions[0]?.dist).toEqual({ type: "zip", url: `${BASE}dists/acme/tools/1.0.0/abc123.zip`, reference: "abc123", shasum: "f".repeat(40) });
    expect(provenance["1.0.0/abc123"]).toEqual({ member: "packagist", url: "https://api.github.test/repos/acme/tools/zipball/abc123" });
  });

  it("resolves a relative upstream dist URL, and names an unusable reference by the URL's hash", async () => {
    const { versions, provenance } = await merged([remote("up", [entry("1.0.0", { dist: { type: "zip", url: "/files/tools-1.0.0.zip", reference: "weird ref!" } })])]);
    const url = String((versions[0]?.dist as { url: string }).url);
    expect(url).toMatch(new RegExp(`^${BASE}dists/acme/tools/1\\.0\\.0/[0-9a-f]{20}\\.zip$`));
    const key = Object.keys(provenance)[0] ?? "";
    expect(provenance[key]).toEqual({ member: "up", url: "https://repo.example/files/tools-1.0.0.zip" });
  });

  it("points a hosted member's relative dist at the serving repository, with the member only as provenance", async () => {
    const hostedEntry = { name: NAME, version: "1.0.0", version_normalized: "1.0.0.0", dist: { type: "zip", url: "dists/acme/tools/1.0.0/aaa.zip", reference: "aaa", shasum: "aaa" } };
    const hosted: SourceDocument = { member: "php-local", text: renderP2(NAME, [hostedEntry]), contentType: null, baseUrl: "", minReleaseAgeHours: 0 };
    const { versions, provenance } = await merged([hosted]);
    expect((versions[0]?.dist as { url: string }).url).toBe(`${BASE}dists/acme/tools/1.0.0/aaa.zip`);
    expect(provenance["1.0.0/aaa"]).toEqual({ member: "php-local" });
  });

  it("keeps only the document's variant and hides versions younger than the release age", async () => {
    const young = entry("3.0.0", { time: "2025-12-31T23:00:00+00:00" });
    const doc = remote("up", [young, entry("2.0.0"), entry("dev-main")], 24);
    expect((await merged([doc])).versions.map((v) => v.version)).toEqual(["2.0.0"]);
    expect((await merged([doc], true)).versions.map((v) => v.version)).toEqual(["dev-main"]);
  });

  it("answers an empty list when members know the package but have no version of this variant, null when none does", async () => {
    expect((await merged([remote("up", [entry("dev-main")])])).versions).toEqual([]);
    expect(await mergeP2Documents([{ ...remote("up", []), text: "{}" }], { base: BASE, name: NAME, dev: false }, 0)).toBeNull();
  });

  it("reads full (not minified) documents and Composer 1 version maps as they are", () => {
    const full = JSON.stringify({ packages: { [NAME]: [{ version: "2.0.0", extra: { a: 1 } }, { version: "1.0.0" }] } });
    expect(versionsOf(full, NAME)).toEqual([{ version: "2.0.0", extra: { a: 1 } }, { version: "1.0.0" }]);
    const map = JSON.stringify({ packages: { [NAME]: { "1.0.0": { version: "1.0.0" } } } });
    expect(versionsOf(map, NAME)).toEqual([{ version: "1.0.0" }]);
    expect(versionsOf("not json", NAME)).toBeNull();
  });
});
