// The module zip checks (golang.org/x/mod/zip CheckZip rules) on zips made by fflate, read
// as a stream in odd-sized chunks.
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { checkEntries, goModModule, inspectModuleZip, readCentralDirectory } from "../../../src/formats/go/module-zip";
import { moduleZip } from "../../helpers/go-modules";

function chunked(bytes: Uint8Array, size = 7): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

describe("inspectModuleZip", () => {
  it("returns module, version and go.mod", async () => {
    const zip = moduleZip("example.com/m", "v1.2.3", { "m.go": "package m\n", "sub/x.go": "package sub\n" });
    expect(await inspectModuleZip(chunked(zip))).toEqual({ module: "example.com/m", version: "v1.2.3", goMod: "module example.com/m\n\ngo 1.22\n" });
  });
  it("synthesizes go.mod when the zip has none", async () => {
    const zip = moduleZip("example.com/m", "v1.0.0", { "m.go": "package m\n" }, null);
    expect((await inspectModuleZip(chunked(zip, 1000))).goMod).toBe("module example.com/m\n");
  });
  it("refuses symlinks (Unix mode in the central directory)", async () => {
    const zip = zipSync({ "example.com/m@v1.0.0/link": [new TextEncoder().encode("target"), { os: 3, attrs: 0o120777 << 16 }] });
    await expect(inspectModuleZip(chunked(zip))).rejects.toThrow("not a regular file");
  });
  it("refuses a go.mod of another module", async () => {
    await expect(inspectModuleZip(chunked(moduleZip("example.com/m", "v1.0.0", {}, "module example.com/n\n")))).rejects.toThrow('non-example.com/m module path "example.com/n"');
  });
  it("refuses garbage and truncated archives", async () => {
    await expect(inspectModuleZip(chunked(new TextEncoder().encode("garbage")))).rejects.toThrow("not a valid zip file");
    const zip = moduleZip("example.com/m", "v1.0.0");
    await expect(inspectModuleZip(chunked(zip.subarray(0, zip.length - 10)))).rejects.toThrow("invalid module zip");
  });
});

describe("central directory and entry rules", () => {
  it("lists entries with sizes", () => {
    const zip = moduleZip("example.com/m", "v1.0.0", { "a.go": "package a\n" });
    const entries = readCentralDirectory(zip, zip.length);
    expect(entries.map((e) => [e.name, e.size])).toEqual([["example.com/m@v1.0.0/go.mod", 30], ["example.com/m@v1.0.0/a.go", 10]]);
  });
  it("ignores directory entries and checks sizes", () => {
    const entry = (name: string, size = 1) => ({ name, compressedSize: size, size, unixType: null });
    expect(checkEntries([entry("example.com/m@v1.0.0/"), entry("example.com/m@v1.0.0/a.go")])).toEqual({ module: "example.com/m", version: "v1.0.0", hasGoMod: false });
    expect(() => checkEntries([entry("example.com/m@v1.0.0/go.mod", 17 * 1024 * 1024)])).toThrow("go.mod file too large");
    expect(() => checkEntries([entry("example.com/m@v1.0.0/LICENSE", 17 * 1024 * 1024)])).toThrow("LICENSE file too large");
    expect(() => checkEntries([entry("example.com/m@v1.0.0/a", 300 * 1024 * 1024), entry("example.com/m@v1.0.0/b", 300 * 1024 * 1024)])).toThrow("total uncompressed size");
    expect(() => checkEntries([entry("example.com/m@v1.0.0/GO.MOD")])).toThrow("go.mod file not in module root directory");
  });
  it("reads the module directive", () => {
    expect(goModModule('// comment\nmodule "example.com/q" // trailing\n')).toBe("example.com/q");
    expect(goModModule("go 1.22\n")).toBeNull();
  });
});
