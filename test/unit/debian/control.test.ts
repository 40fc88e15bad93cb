// Control files (src/formats/debian/control.ts), Packages stanzas and Release files
// (release.ts), and pool paths (paths.ts).
import { describe, expect, it } from "vitest";
import { controlMetadata, parseControl } from "../../../src/formats/debian/control";
import { parsePoolPath, storedName } from "../../../src/formats/debian/paths";
import { renderPackages, renderRelease } from "../../../src/formats/debian/release";

const control = "Package: hello\nVersion: 1:2.10-3\nArchitecture: amd64\nMaintainer: A <a@example.com>\nDepends: libc6 (>= 2.34),\n libfoo\nDescription: greets\n Longer text.\n .\n More.\n";

describe("parseControl", () => {
  it("keeps the text verbatim and reads the fields", () => {
    const parsed = parseControl(control);
    expect(parsed).toMatchObject({ name: "hello", version: "1:2.10-3", architecture: "amd64" });
    expect(parsed.text).toBe(control.trim());
    expect(controlMetadata(parsed)).toEqual({
      description: "greets",
      longDescription: "greets\n Longer text.\n .\n More.",
      maintainer: "A <a@example.com>",
      dependencies: ["libc6 (>= 2.34)", "libfoo"],
    });
  });

  it("drops fields the index generates and accepts CRLF", () => {
    const parsed = parseControl(`${control}SHA256: abc\nSize: 3\n`.replace(/\n/g, "\r\n"));
    expect(parsed.text).not.toContain("SHA256");
    expect(parsed.text).not.toContain("\r");
  });

  it.each([
    ["", /empty/],
    ["Version: 1\nArchitecture: all", /Package field is missing/],
    ["Package: Hello\nVersion: 1\nArchitecture: all", /not a valid package name/],
    ["Package: hello\nArchitecture: all", /Version field is missing/],
    ["Package: hello\nVersion: 1 2\nArchitecture: all", /not a valid version/],
    ["Package: hello\nVersion: 1", /Architecture field is missing/],
    ["Package: hello\nVersion: 1\nArchitecture: all\n\nPackage: two", /more than one stanza/],
    ["Package: hello\nPackage: again\nVersion: 1\nArchitecture: all", /appears twice/],
    [" continuation\nPackage: a", /not a field: continuation/],
    ["Package hello", /not a field/],
  ])("refuses %j", (text, message) => {
    expect(() => parseControl(text)).toThrow(message);
  });
});

describe("pool paths", () => {
  it("parses pool file names and keeps the epoch", () => {
    expect(parsePoolPath("pool/stable/main/hello_1%3a2.10-3_amd64.deb")).toEqual({ distribution: "stable", component: "main", name: "hello", version: "1:2.10-3", architecture: "amd64" });
    expect(parsePoolPath("pool/stable/main/hello_1:2.10-3_amd64.deb")?.version).toBe("1:2.10-3");
    expect(storedName("stable", "main", "hello", "1:2.10-3", "amd64")).toBe("stable/main/hello_1:2.10-3_amd64.deb");
    for (const bad of ["pool/stable/hello_1_amd64.deb", "pool/../main/hello_1_amd64.deb", "pool/stable/main/hello_1_amd64.rpm", "pool/stable/main/Hello_1_amd64.deb", "pool/s/m/a_b_c_d.deb"]) {
      expect(parsePoolPath(bad)).toBeNull();
    }
  });
});

describe("Packages and Release", () => {
  const entry = { distribution: "stable", component: "main", architecture: "amd64", name: "hello", version: "1.0", control: "Package: hello\nVersion: 1.0\nArchitecture: amd64", filename: "pool/stable/main/hello_1.0_amd64.deb", size: 42, md5: "m", sha1: "s1", sha256: "s256", sha512: "s512" };

  it("renders stanzas sorted by name, version, architecture", () => {
    const text = renderPackages([{ ...entry, name: "zeta" }, entry]);
    expect(text).toBe(`${entry.control}\nFilename: pool/stable/main/hello_1.0_amd64.deb\nSize: 42\nMD5sum: m\nSHA1: s1\nSHA256: s256\nSHA512: s512\n\n${entry.control}\nFilename: pool/stable/main/hello_1.0_amd64.deb\nSize: 42\nMD5sum: m\nSHA1: s1\nSHA256: s256\nSHA512: s512\n`);
    expect(renderPackages([])).toBe("");
  });

  it("renders a Release with every index file under each digest", () => {
    const release = renderRelease(
      { origin: "O", label: "L", distribution: "stable", components: ["main", "contrib"], architectures: ["arm64", "amd64"], date: new Date(Date.UTC(2026, 11, 2, 1, 2, 3)), description: "D" },
      [{ path: "main/binary-amd64/Packages", size: 5, md5: "a", sha1: "b", sha256: "c", sha512: "d" }, { path: "main/binary-amd64/Packages.gz", size: 12345, md5: "e", sha1: "f", sha256: "g", sha512: "h" }],
    );
    expect(release).toContain("Suite: stable\nCodename: stable\nDate: Wed, 02 Dec 2026 01:02:03 UTC\nArchitectures: amd64 arm64\nComponents: contrib main\n");
    expect(release).toContain("Acquire-By-Hash: yes\nMD5Sum:\n a     5 main/binary-amd64/Packages\n e 12345 main/binary-amd64/Packages.gz\nSHA1:");
    expect(release).toContain("SHA256:\n c     5 main/binary-amd64/Packages\n g 12345 main/binary-amd64/Packages.gz\nSHA512:\n d     5");
  });
});
