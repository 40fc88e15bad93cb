// Reading METADATA / PKG-INFO out of streamed archives, with the bomb limits (pure: no bindings).
import { Zip, ZipDeflate, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { parseCoreMetadata, readArchiveMetadata } from "../../../src/formats/pypi/archive-metadata";
import { gzip, tar } from "../../integration/pypi-fixtures";

const encoder = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A byte stream cut into small chunks, as a network upload arrives. */
function chunked(bytes: Uint8Array, size = 1000): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** A zip written in streaming fashion: sizes only in data descriptors, none declared up front. */
function streamingZip(entries: Record<string, Uint8Array>): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((error, data, final) => {
      if (error) return reject(error);
      parts.push(data);
      if (final) resolve(new Uint8Array(Buffer.concat(parts)));
    });
    for (const [name, data] of Object.entries(entries)) {
      const file = new ZipDeflate(name, { level: 9 });
      zip.add(file);
      file.push(data, true);
    }
    zip.end();
  });
}

describe("readArchiveMetadata", () => {
  it("finds a wheel's dist-info/METADATA among other entries, in small chunks", async () => {
    const whl = zipSync({ "pkg/__init__.py": encoder.encode("x = 1\n".repeat(5000)), "pkg-1.0.dist-info/METADATA": encoder.encode("Name: pkg\nVersion: 1.0\n"), "pkg-1.0.dist-info/RECORD": new Uint8Array(0) });
    expect(text(await readArchiveMetadata(chunked(whl), "wheel", "zip"))).toBe("Name: pkg\nVersion: 1.0\n");
  });

  it("ignores a METADATA that is not at the top of a dist-info directory", async () => {
    const whl = zipSync({ "vendor/x-1.dist-info/METADATA": encoder.encode("Name: x\n"), "nested/pkg-1.0.dist-info/METADATA/extra": new Uint8Array(1) });
    await expect(readArchiveMetadata(chunked(whl), "wheel", "zip")).rejects.toThrow(/METADATA not found/);
  });

  it("caps decompressed metadata even when the zip declares no sizes (streamed zip bomb)", async () => {
    const bomb = await streamingZip({ "pkg-1.0.dist-info/METADATA": new Uint8Array(32 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(100_000);
    await expect(readArchiveMetadata(chunked(bomb, 4096), "wheel", "zip")).rejects.toThrow(/larger than 4194304 bytes/);
    const fine = await streamingZip({ "pkg-1.0.dist-info/METADATA": encoder.encode("Name: pkg\n") });
    expect(text(await readArchiveMetadata(chunked(fine), "wheel", "zip"))).toBe("Name: pkg\n");
  }, 30_000);

  it("reads an sdist's top-level PKG-INFO from .tar.gz, also behind a pax long name", async () => {
    const root = `${"long".repeat(30)}-1.0`;
    const pax = `path=${root}/PKG-INFO\n`;
    const record = `${pax.length + 3 + String(pax.length).length} ${pax}`;
    const archive = tar({ "x/setup.py": "setup()", "PaxHeader": record, [`${root}/PKG-INFO`.slice(0, 99)]: "Name: long\nVersion: 1.0\n" });
    // Turn the entry named "PaxHeader" into a pax extended header (type 'x') for the next one.
    const headerAt = 1024;
    archive[headerAt + 156] = "x".charCodeAt(0);
    let sum = 0;
    archive.fill(0x20, headerAt + 148, headerAt + 156);
    for (let i = headerAt; i < headerAt + 512; i++) sum += archive[i] ?? 0;
    archive.set(encoder.encode(`${sum.toString(8).padStart(6, "0")}\0 `), headerAt + 148);
    const info = await readArchiveMetadata(chunked(await gzip(archive)), "sdist", "tar.gz");
    expect(text(info)).toBe("Name: long\nVersion: 1.0\n");
  });

  it("stops a gzip bomb before PKG-INFO by the ratio limit", async () => {
    const archive = tar({ "pkg-1.0/zeros.bin": new Uint8Array(64 * 1024 * 1024), "pkg-1.0/PKG-INFO": "Name: pkg\n" });
    const compressed = await gzip(archive);
    await expect(readArchiveMetadata(chunked(compressed, 8192), "sdist", "tar.gz")).rejects.toThrow(/ratio exceeds/);
  }, 30_000);

  it("rejects bytes that are not an archive", async () => {
    await expect(readArchiveMetadata(chunked(encoder.encode("hello")), "sdist", "tar.gz")).rejects.toThrow(/Invalid distribution file/);
    await expect(readArchiveMetadata(chunked(encoder.encode("hello")), "wheel", "zip")).rejects.toThrow(/Invalid distribution file/);
  });
});

describe("parseCoreMetadata", () => {
  it("reads repeated and continued headers and stops at the body", () => {
    const headers = parseCoreMetadata(encoder.encode("Metadata-Version: 2.1\r\nName: a\r\nRequires-Dist: b\r\nRequires-Dist: c>=1\r\nLicense: MIT\r\n  and more\r\n\r\nName: not-a-header\r\n"));
    expect(headers.get("name")).toEqual(["a"]);
    expect(headers.get("requires-dist")).toEqual(["b", "c>=1"]);
    expect(headers.get("license")).toEqual(["MIT\nand more"]);
  });
});
