import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRpmHeadersFrom } from "../../../src/formats/rpm/header";
import { parseEvr, rpmFilename, rpmPackageOf } from "../../../src/formats/rpm/package";
import { buildRpm, str } from "../../helpers/rpm-packages";

// Built by rpmbuild 4.18 from ./fixtures/edge-hello.spec (noarch, epoch 2, a %ghost file, a changelog).
const fixture = new Uint8Array(readFileSync(join(process.cwd(), "test/unit/rpm/fixtures/edge-hello-1.2.3-4.noarch.rpm")));

describe("RPM header reader", () => {
  it("reads a package rpmbuild made", async () => {
    const headers = await readRpmHeadersFrom(fixture);
    const pkg = rpmPackageOf(headers);
    expect(pkg).toMatchObject({ name: "edge-hello", epoch: "2", version: "1.2.3", release: "4", arch: "noarch", license: "MIT", url: "https://example.org/hello", summary: "A tiny test package" });
    expect(pkg.description).toBe("Prints a greeting.\nSecond line.");
    expect(pkg.sourcerpm).toBe("edge-hello-1.2.3-4.src.rpm");
    expect(rpmFilename(pkg)).toBe("edge-hello-1.2.3-4.noarch.rpm");
    expect(pkg.provides).toEqual(expect.arrayContaining([{ name: "edge-greeting", flags: "EQ", epoch: "0", ver: "1.2" }, { name: "edge-hello", flags: "EQ", epoch: "2", ver: "1.2.3", rel: "4" }]));
    expect(pkg.requires).toEqual(expect.arrayContaining([{ name: "/bin/sh" }, { name: "coreutils", flags: "GE", epoch: "0", ver: "8.0" }]));
    expect(pkg.requires.some((r) => r.name.startsWith("rpmlib("))).toBe(false);
    expect(pkg.conflicts).toEqual([{ name: "old-hello", flags: "LT", epoch: "0", ver: "1.0" }]);
    expect(pkg.obsoletes).toEqual([{ name: "ancient-hello", flags: "LE", epoch: "0", ver: "0.9" }]);
    expect(pkg.files).toEqual([
      { path: "/usr/bin/edge-hello" },
      { path: "/usr/share/edge-hello", type: "dir" },
      { path: "/usr/share/edge-hello/data.txt" },
      { path: "/var/log/edge-hello.log", type: "ghost" },
    ]);
    expect(pkg.changelogs).toEqual([{ author: "Jane Doe <jane@example.org> - 2:1.2.3-4", date: 1704110400, text: "- First release" }]);
    expect(pkg.installedSize).toBeGreaterThan(0);
    expect(pkg.archiveSize).toBeGreaterThan(0);
    // The main header starts after the 96-byte lead and the 8-aligned signature header.
    expect(headers.headerStart % 8).toBe(0);
    expect(headers.headerStart).toBeGreaterThan(96);
    expect(headers.headerEnd).toBeLessThan(fixture.length);
  });

  it("reads what the test builder writes (the integration tests' fixtures)", async () => {
    const bytes = buildRpm({ name: "tool", version: "1.0", release: "1.el9", epoch: 1, files: ["/usr/bin/tool", "/etc/tool.conf"] });
    const pkg = rpmPackageOf(await readRpmHeadersFrom(bytes));
    expect(pkg).toMatchObject({ name: "tool", version: "1.0", release: "1.el9", epoch: "1", arch: "x86_64" });
    expect(pkg.files.map((f) => f.path)).toEqual(["/usr/bin/tool", "/etc/tool.conf"]);
    expect(pkg.requires).toEqual([]);
  });

  it("refuses what is not an RPM, truncated files and bad headers with a clear message", async () => {
    await expect(readRpmHeadersFrom(new TextEncoder().encode("hello"))).rejects.toThrow(/invalid .rpm package: the file is truncated/);
    await expect(readRpmHeadersFrom(new Uint8Array(200))).rejects.toThrow(/bad lead magic/);
    await expect(readRpmHeadersFrom(fixture.subarray(0, 500))).rejects.toThrow(/truncated/);
    const broken = fixture.slice();
    broken[96] = 0; // signature header magic
    await expect(readRpmHeadersFrom(broken)).rejects.toThrow(/bad signature header magic/);
  });

  it("refuses headers without name, version, release or arch, and malformed ones", async () => {
    const parse = async (override: Parameters<typeof buildRpm>[0]["override"]) => rpmPackageOf(await readRpmHeadersFrom(buildRpm({ name: "x", version: "1", release: "1", override })));
    await expect(parse({ 1000: null })).rejects.toThrow(/has no name/);
    await expect(parse({ 1001: null })).rejects.toThrow(/has no version/);
    await expect(parse({ 1002: null })).rejects.toThrow(/has no release/);
    await expect(parse({ 1022: null })).rejects.toThrow(/has no architecture/);
    await expect(parse({ 1000: str("bad name/") })).rejects.toThrow(/invalid package name/);
    await expect(parse({ 1001: str("1-2") })).rejects.toThrow(/invalid version/);
  });

  it("parses EVR strings as rpm does", () => {
    expect(parseEvr("1:2.0-3")).toEqual({ epoch: "1", ver: "2.0", rel: "3" });
    expect(parseEvr("2.0")).toEqual({ epoch: "0", ver: "2.0" });
    expect(parseEvr("2.0-1.el9")).toEqual({ epoch: "0", ver: "2.0", rel: "1.el9" });
  });
});
