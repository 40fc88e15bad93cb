// Reading `control` out of .deb files (src/formats/debian/deb-archive.ts): real packages built
// by dpkg-deb with xz (its default), zstd, gzip and no compression, in-memory fixtures, and
// broken archives refused with a clear 400.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDebControl } from "../../../src/formats/debian/deb-archive";
import { RegistryError } from "../../../src/errors";
import { arOf, debPackage, tarOf } from "../../helpers/debian-packages";

const streamOf = (bytes: Uint8Array): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
      controller.close();
    },
  });

function dpkgDeb(compression: string): Uint8Array {
  const root = mkdtempSync(join(tmpdir(), "deb-unit-"));
  const pkg = join(root, "pkg");
  mkdirSync(join(pkg, "DEBIAN"), { recursive: true });
  mkdirSync(join(pkg, "usr/share/doc/hello-unit"), { recursive: true });
  writeFileSync(join(pkg, "DEBIAN/control"), `Package: hello-unit\nVersion: 1:2.0-1\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: unit test\n long text\n`);
  writeFileSync(join(pkg, "usr/share/doc/hello-unit/README"), "hello\n".repeat(1000));
  execFileSync("dpkg-deb", ["--root-owner-group", `-Z${compression}`, "--build", pkg, join(root, "out.deb")], { stdio: "pipe" });
  return new Uint8Array(readFileSync(join(root, "out.deb")));
}

describe("readDebControl", () => {
  for (const compression of ["xz", "zstd", "gzip", "none"]) {
    it(`reads control from a dpkg-deb package (-Z${compression})`, async () => {
      const text = await readDebControl(streamOf(dpkgDeb(compression)));
      expect(text).toContain("Package: hello-unit\nVersion: 1:2.0-1\nArchitecture: all");
      expect(text).toContain(" long text");
    });
  }

  it("reads in-memory fixtures (gz and plain control.tar)", async () => {
    expect(await readDebControl(streamOf(debPackage({ name: "a", version: "1" })))).toContain("Package: a\n");
    expect(await readDebControl(streamOf(debPackage({ name: "b", version: "2", compression: "none" })))).toContain("Version: 2\n");
  });

  const refuses = async (bytes: Uint8Array, message: RegExp) => {
    const error = await readDebControl(streamOf(bytes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(400);
    expect((error as RegistryError).message).toMatch(message);
  };

  it("refuses broken archives with a 400 saying why", async () => {
    const good = debPackage({ name: "a", version: "1" });
    await refuses(new TextEncoder().encode("hello world, not a package"), /not an ar archive/);
    await refuses(good.subarray(0, 100), /truncated/);
    await refuses(arOf([["data.tar.gz", new Uint8Array(4)]]), /first member is not debian-binary/);
    await refuses(arOf([["debian-binary", new TextEncoder().encode("2.0\n")], ["control.tar.bz2", new Uint8Array(4)]]), /unsupported compression/);
    await refuses(arOf([["debian-binary", new TextEncoder().encode("2.0\n")], ["control.tar.gz", new Uint8Array(40)]]), /does not decompress/);
    await refuses(arOf([["debian-binary", new TextEncoder().encode("2.0\n")], ["control.tar", tarOf({ "./postinst": "#!/bin/sh\n" })]]), /control file is missing/);
    await refuses(arOf([["debian-binary", new TextEncoder().encode("2.0\n")]]), /no control.tar member/);
  });
});
