// The push body's first file part (NuGet.Client's CRLF, mono nuget.exe's bare LF) and the
// nuspec entry name read from the zip's central directory (pure).
import { describe, expect, it } from "vitest";
import { firstFilePart, nuspecEntryName, readNupkgManifest } from "../../../src/formats/nuget/publish";
import { nupkg } from "../../integration/nuget-fixtures";
import { concatBytes } from "../../integration/pypi-fixtures";

const encoder = new TextEncoder();
const join = (...parts: (string | Uint8Array)[]) => concatBytes(parts.map((p) => (typeof p === "string" ? encoder.encode(p) : p)));

describe("push bodies", () => {
  const file = new Uint8Array([0x50, 0x4b, 1, 2, 0x0d, 0x0a, 3]);
  it("takes the first file part, CRLF or bare LF before the closing boundary", () => {
    const crlf = join("--b\r\nContent-Disposition: form-data; name=apikey\r\n\r\nkey\r\n--b\r\nContent-Disposition: form-data; name=package; filename=package.nupkg\r\n\r\n", file, "\r\n--b--\r\n");
    expect(firstFilePart(crlf, "b")).toEqual({ bytes: file, filename: "package.nupkg" });
    const lf = join('--b\r\nContent-Disposition: form-data; name="package"; filename="package"\r\n\r\n', file, "\n--b--");
    expect(firstFilePart(lf, "b")).toEqual({ bytes: file, filename: "package" });
  });

  it("refuses bodies without a file part or a closing boundary", () => {
    expect(() => firstFilePart(join("--b\r\nContent-Disposition: form-data; name=x\r\n\r\nv\r\n--b--"), "b")).toThrow("no package file part");
    expect(() => firstFilePart(join("--b\r\nContent-Disposition: form-data; name=p; filename=a\r\n\r\n", file), "b")).toThrow("no closing boundary");
  });
});

describe("nupkg manifest", () => {
  it("names the root nuspec from the central directory and parses it", async () => {
    const bytes = nupkg("Demo.Pkg", "1.0.0");
    expect(nuspecEntryName(bytes)).toBe("Demo.Pkg.nuspec");
    expect((await readNupkgManifest(bytes)).nuspec).toMatchObject({ id: "Demo.Pkg", version: "1.0.0" });
    await expect(readNupkgManifest(nupkg("Demo.Pkg", "1.0.0", { nuspecName: "lib/Demo.Pkg.nuspec" }))).rejects.toThrow("no .nuspec manifest at its root");
  });
});
