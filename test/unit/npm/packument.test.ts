// The pure packument builder and abbreviation (shared with the remote/virtual engine),
// including a 4,000-version package built with one parse per version (work counted, not timed).
import { describe, expect, it, vi } from "vitest";
import { abbreviatePackumentText } from "../../../src/formats/npm/virtual/abbreviate";
import { abbreviateVersion, buildPackumentText, sortVersions, tarballUrl, type Packument, type StoredVersion } from "../../../src/formats/npm/packument";

const buildPackument = (...args: Parameters<typeof buildPackumentText>): Packument => JSON.parse(buildPackumentText(...args)) as Packument;
/** The abbreviation served to npm install, applied to a full packument. */
const abbreviate = (full: Packument): Packument => JSON.parse(abbreviatePackumentText(JSON.stringify(full))) as Packument;

const base = "https://r.example/npm/repo/";
const stored = (version: string, extra: Record<string, unknown> = {}, createdAt = 1_700_000_000_000): StoredVersion => ({
  version,
  createdAt,
  metadata: { name: "pkg", version, dist: { integrity: `sha512-${version}`, shasum: "ab" }, ...extra },
});
const options = { name: "pkg", tarballBase: base, created: 1_600_000_000_000, modified: 1_800_000_000_000, rev: "3-abc" };

describe("sortVersions", () => {
  it("orders by SemVer precedence, prereleases before releases, invalid first", () => {
    expect(sortVersions(["1.10.0", "1.2.0", "1.2.0-rc.1", "1.2.0-beta.2", "1.2.0-beta.10", "0.0.1", "junk", "2.0.0+build"])).toEqual([
      "junk", "0.0.1", "1.2.0-beta.2", "1.2.0-beta.10", "1.2.0-rc.1", "1.2.0", "1.10.0", "2.0.0+build",
    ]);
  });
});

describe("buildPackumentText", () => {
  it("builds the full document with tarball URLs, time, tags and top-level fields from latest", () => {
    const doc = buildPackument(
      [stored("2.0.0", { description: "two", license: "MIT", _npmUser: { name: "bob" } }, 1_700_000_002_000), stored("1.0.0", { description: "one", _npmUser: { name: "al" } }, 1_700_000_001_000)],
      { latest: "1.0.0", next: "2.0.0", dangling: "9.9.9" },
      { ...options, readme: "# pkg" },
    );
    expect(doc).toEqual({
      _id: "pkg",
      _rev: "3-abc",
      name: "pkg",
      "dist-tags": { latest: "1.0.0", next: "2.0.0" },
      versions: {
        "1.0.0": { name: "pkg", version: "1.0.0", description: "one", _npmUser: { name: "al" }, dist: { integrity: "sha512-1.0.0", shasum: "ab", tarball: `${base}pkg/-/pkg-1.0.0.tgz` } },
        "2.0.0": { name: "pkg", version: "2.0.0", description: "two", license: "MIT", _npmUser: { name: "bob" }, dist: { integrity: "sha512-2.0.0", shasum: "ab", tarball: `${base}pkg/-/pkg-2.0.0.tgz` } },
      },
      time: { created: "2020-09-13T12:26:40.000Z", modified: "2027-01-15T08:00:00.000Z", "1.0.0": "2023-11-14T22:13:21.000Z", "2.0.0": "2023-11-14T22:13:22.000Z" },
      description: "one",
      maintainers: [{ name: "bob" }, { name: "al" }],
      readme: "# pkg",
    });
    expect(Object.keys(doc.versions)).toEqual(["1.0.0", "2.0.0"]);
  });

  it("scoped tarball URLs drop the scope from the file name", () => {
    expect(tarballUrl(base, "@s/p", "1.0.0")).toBe(`${base}@s/p/-/p-1.0.0.tgz`);
  });

  it("without latest, top-level fields come from the highest version", () => {
    const doc = buildPackument([stored("1.0.0", { description: "old" }), stored("1.5.0", { description: "new" })], {}, options);
    expect(doc.description).toBe("new");
    expect(doc["dist-tags"]).toEqual({});
  });
});

describe("abbreviate", () => {
  it("keeps install fields only, derives hasInstallScript, and the modified time", () => {
    const full = buildPackument(
      [stored("1.0.0", { dependencies: { a: "1" }, scripts: { install: "node-gyp rebuild", test: "x" }, readme: "r", deprecated: "old", engines: { node: ">=18" }, bin: { p: "cli.js" }, _npmUser: { name: "x" }, gitHead: "abc" })],
      { latest: "1.0.0" },
      options,
    );
    expect(abbreviate(full)).toEqual({
      name: "pkg",
      modified: "2027-01-15T08:00:00.000Z",
      "dist-tags": { latest: "1.0.0" },
      versions: {
        "1.0.0": {
          name: "pkg", version: "1.0.0", deprecated: "old", dependencies: { a: "1" }, bin: { p: "cli.js" }, engines: { node: ">=18" }, hasInstallScript: true,
          dist: { integrity: "sha512-1.0.0", shasum: "ab", tarball: `${base}pkg/-/pkg-1.0.0.tgz` },
        },
      },
    });
    expect(abbreviateVersion({ name: "p", scripts: { test: "t" } })).toEqual({ name: "p" });
    expect(abbreviateVersion({ name: "p", hasInstallScript: false, scripts: { postinstall: "t" } })).toEqual({ name: "p", hasInstallScript: false });
  });

  it("builds 4,000 versions with linear work: each stored version parsed exactly once, nothing else re-parsed", () => {
    const versions: StoredVersion[] = [];
    for (let i = 3999; i >= 0; i--) {
      const version = `${Math.floor(i / 400)}.${Math.floor(i / 20) % 20}.${i % 20}`;
      // As the hosted store hands them over: the published version object as text.
      const { metadata, createdAt } = stored(version, { dependencies: { a: "^1", b: "^2" }, description: "d".repeat(200) }, 1_700_000_000_000 + i);
      versions.push({ version, createdAt, metadata: JSON.stringify(metadata) });
    }
    const storedChars = versions.reduce((n, v) => n + (v.metadata as string).length, 0);
    const parse = vi.spyOn(JSON, "parse");
    let text: string;
    let parsed: unknown[][];
    try {
      text = buildPackumentText(versions, { latest: "9.19.19" }, options);
    } finally {
      parsed = [...parse.mock.calls];
      parse.mockRestore();
    }
    // The work the build did: one parse per version, of exactly the stored bytes (quadratic
    // work would re-parse or re-render what was already built).
    expect(parsed).toHaveLength(4000);
    expect(parsed.reduce((n, [input]) => n + String(input).length, 0)).toBe(storedChars);
    const full = JSON.parse(text) as Packument;
    const small = abbreviate(full);
    expect(Object.keys(full.versions).length).toBe(4000);
    expect(Object.keys(full.versions)[0]).toBe("0.0.0");
    expect(Object.keys(small.versions).at(-1)).toBe("9.19.19");
    expect(text.length).toBeGreaterThan(1_000_000);
  });
});
