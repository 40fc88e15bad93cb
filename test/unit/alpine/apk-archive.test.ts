import { describe, expect, it } from "vitest";
import { inspectApk } from "../../../src/formats/alpine/apk-archive";
import { parseApkFilename, parsePkgInfo } from "../../../src/formats/alpine/pkginfo";

import { buildApk, q1 } from "../../helpers/apk-packages";

function streamOf(bytes: Uint8Array, chunk = 65536): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

describe("apk inspection", () => {
  it("finds .PKGINFO and checksums exactly the control stream's gzip bytes", async () => {
    const apk = buildApk({ name: "hello", version: "1.0-r0", depends: ["so:libc.musl-x86_64.so.1", "busybox"] });
    const inspected = await inspectApk(streamOf(apk.bytes));
    expect(inspected.pkginfo).toBe(apk.pkginfo);
    expect(inspected.checksum).toBe(await q1(apk.control));
    expect(inspected.size).toBe(apk.bytes.length);
  });

  it("skips a signature stream in front, whatever the chunking", async () => {
    const apk = buildApk({ name: "hello", version: "2.0-r1", signature: { keyName: "someone.rsa.pub", bytes: new Uint8Array(256).fill(7) } });
    for (const chunk of [1, 7, 512, 1 << 20]) {
      const inspected = await inspectApk(streamOf(apk.bytes, chunk));
      expect(inspected.checksum).toBe(await q1(apk.control));
    }
  });

  it("refuses a truncated package, a non-gzip body, an empty body and a package without .PKGINFO", async () => {
    const apk = buildApk({ name: "hello", version: "1.0-r0" });
    await expect(inspectApk(streamOf(apk.bytes.slice(0, apk.bytes.length - 20)))).rejects.toThrow(/invalid apk: not a gzip stream or truncated/);
    await expect(inspectApk(streamOf(apk.bytes.slice(0, 30)))).rejects.toThrow(/invalid apk/);
    await expect(inspectApk(streamOf(apk.control))).rejects.toThrow(/no data stream after the control stream/);
    await expect(inspectApk(streamOf(new TextEncoder().encode("just some text, not an apk")))).rejects.toThrow(/invalid apk/);
    await expect(inspectApk(streamOf(new Uint8Array(0)))).rejects.toThrow(/request body is empty/);
    const { gzipSync } = await import("fflate");
    const { tarArchive } = await import("../../../src/archive/tar-write");
    const plain = gzipSync(tarArchive([{ name: "README", data: new Uint8Array(3) }]));
    await expect(inspectApk(streamOf(plain))).rejects.toThrow(/no .PKGINFO/);
  });
});

describe(".PKGINFO", () => {
  it("parses fields and repeated keys", () => {
    const info = parsePkgInfo(buildApk({ name: "py3-foo", version: "1.2.3_rc1-r2", arch: "noarch", depends: ["python3", "py3-bar>=2"], extra: "provides = cmd:foo=1.2.3\ninstall_if = python3 foo\nprovider_priority = 10\n" }).pkginfo);
    expect(info).toMatchObject({ name: "py3-foo", version: "1.2.3_rc1-r2", arch: "noarch", depends: ["python3", "py3-bar>=2"], provides: ["cmd:foo=1.2.3"], installIf: ["python3", "foo"], providerPriority: 10, buildDate: 1700000000, installedSize: 4096, license: "MIT" });
  });

  it("refuses missing or invalid names, versions and arches", () => {
    expect(() => parsePkgInfo("pkgver = 1.0-r0\narch = x86_64\n")).toThrow(/no pkgname/);
    expect(() => parsePkgInfo("pkgname = foo\narch = x86_64\n")).toThrow(/no pkgver/);
    expect(() => parsePkgInfo("pkgname = foo\npkgver = 1.0-r0\n")).toThrow(/no arch/);
    expect(() => parsePkgInfo("pkgname = ../foo\npkgver = 1.0-r0\narch = x86_64\n")).toThrow(/package name/);
    expect(() => parsePkgInfo("pkgname = foo\npkgver = latest\narch = x86_64\n")).toThrow(/not an apk version/);
    expect(() => parsePkgInfo("pkgname = foo\npkgver = 1.0\narch = x86/64\n")).toThrow(/architecture/);
  });

  it("splits file names at the version", () => {
    expect(parseApkFilename("foo-bar-1.0-r0.apk")).toEqual({ name: "foo-bar", version: "1.0-r0" });
    expect(parseApkFilename("py3-foo-2.3_rc1-r5.apk")).toEqual({ name: "py3-foo", version: "2.3_rc1-r5" });
    expect(parseApkFilename("foo.apk")).toBeNull();
    expect(parseApkFilename("foo-1.0.tar.gz")).toBeNull();
  });
});
