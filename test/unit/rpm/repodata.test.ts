// Repodata XML (src/formats/rpm/repodata.ts), paths and groups (paths.ts), dist tags
// (dist-tag.ts) and the .repo file (repo-file.ts).
import { describe, expect, it } from "vitest";
import { checkDistribution, groupDistribution, releaseDistribution } from "../../../src/formats/rpm/dist-tag";
import { readRpmHeadersFrom } from "../../../src/formats/rpm/header";
import { rpmPackageOf } from "../../../src/formats/rpm/package";
import { checkGroup, parseRpmPath, splitFilename } from "../../../src/formats/rpm/paths";
import { renderRepoFile } from "../../../src/formats/rpm/repo-file";
import { type RepodataEntry, renderFilelists, renderOther, renderPrimary, renderRepomd, xml } from "../../../src/formats/rpm/repodata";
import { mergeXml, packageBlocks } from "../../../src/formats/rpm/merge";
import { buildRpm } from "../../helpers/rpm-packages";

async function entry(name: string, files: string[]): Promise<RepodataEntry> {
  const pkg = rpmPackageOf(await readRpmHeadersFrom(buildRpm({ name, version: "1.0", release: "2", epoch: 1, files, summary: "a <b> & c", requires: [["libc.so.6()(64bit)", 0, ""], ["other", 0x08 | 0x04, "2:3.0-1"], ["rpmlib(X)", 0x01000000, "1"]] })));
  return { pkg, sha256: "a".repeat(64), size: 100, href: `package/${name}/${name}-1.0-2.x86_64.rpm`, fileTime: 1_700_000_001 };
}

describe("repodata", () => {
  it("renders primary.xml with escaped text, dependencies and only createrepo's primary files", async () => {
    const text = renderPrimary([await entry("zeta", ["/usr/bin/zeta", "/usr/share/doc/zeta/README", "/etc/zeta.conf"]), await entry("alpha", ["/usr/sbin/alpha"])]);
    expect(text).toContain('<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="2">');
    expect(text.indexOf("<name>alpha</name>")).toBeLessThan(text.indexOf("<name>zeta</name>"));
    expect(text).toContain('<version epoch="1" ver="1.0" rel="2"/>');
    expect(text).toContain('<checksum type="sha256" pkgid="YES">' + "a".repeat(64) + "</checksum>");
    expect(text).toContain("<summary>a &lt;b&gt; &amp; c</summary>");
    expect(text).toContain('<location href="package/zeta/zeta-1.0-2.x86_64.rpm"/>');
    expect(text).toContain('<rpm:entry name="other" flags="GE" epoch="2" ver="3.0" rel="1"/>');
    expect(text).toContain('<rpm:entry name="libc.so.6()(64bit)"/>');
    expect(text).not.toContain("rpmlib(");
    expect(text).toContain("<file>/usr/bin/zeta</file>");
    expect(text).toContain("<file>/etc/zeta.conf</file>");
    expect(text).not.toContain("README");
  });

  it("renders filelists.xml (every file) and other.xml (changelogs)", async () => {
    const e = await entry("zeta", ["/usr/bin/zeta", "/usr/share/doc/zeta/README"]);
    const files = renderFilelists([e]);
    expect(files).toContain('<filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="1">');
    expect(files).toContain(`<package pkgid="${"a".repeat(64)}" name="zeta" arch="x86_64">`);
    expect(files).toContain("<file>/usr/share/doc/zeta/README</file>");
    const other = renderOther([e]);
    expect(other).toContain('<changelog author="Jane Doe &lt;jane@example.org&gt; - 1.0-1" date="1700000000">- initial</changelog>');
  });

  it("renders repomd.xml with both checksums and sizes", () => {
    const text = renderRepomd([{ type: "primary", sha256: "b".repeat(64), size: 10, openSha256: "c".repeat(64), openSize: 20, href: `repodata/${"b".repeat(64)}-primary.xml.gz` }], 7, 1_700_000_000);
    expect(text).toContain('<data type="primary">');
    expect(text).toContain(`<checksum type="sha256">${"b".repeat(64)}</checksum>`);
    expect(text).toContain(`<open-checksum type="sha256">${"c".repeat(64)}</open-checksum>`);
    expect(text).toContain("<size>10</size>");
    expect(text).toContain("<open-size>20</open-size>");
    expect(text).toContain("<revision>7</revision>");
  });

  it("drops characters XML cannot carry", () => {
    expect(xml("a\u0001b\u0000c\td")).toBe("abc\td");
  });
});

describe("paths and groups", () => {
  it("splits a path into group and action", () => {
    expect(parseRpmPath("upload")).toEqual({ kind: "upload", group: "" });
    expect(parseRpmPath("el9/stable/upload")).toEqual({ kind: "upload", group: "el9/stable" });
    expect(parseRpmPath("el9/repodata/repomd.xml")).toEqual({ kind: "repodata", group: "el9", file: "repomd.xml" });
    expect(parseRpmPath("package/hello/hello-1.0-1.x86_64.rpm")).toEqual({ kind: "package", group: "", name: "hello", filename: "hello-1.0-1.x86_64.rpm" });
    expect(parseRpmPath("el9/package/hello/1.0-1/x86_64")).toEqual({ kind: "delete", group: "el9", name: "hello", version: "1.0-1", arch: "x86_64" });
    expect(parseRpmPath("el9/stable.repo")).toEqual({ kind: "repo-file", group: "el9/stable" });
    expect(parseRpmPath("repository.key")).toEqual({ kind: "key" });
    expect(parseRpmPath("a/b/c/d/e/upload")).toBeNull();
    expect(parseRpmPath("../upload")).toBeNull();
    expect(parseRpmPath("el9//upload")).toBeNull();
    expect(() => checkGroup("bad group")).toThrow(/invalid group/);
  });

  it("splits file names by the package name", () => {
    expect(splitFilename("my-tool", "my-tool-1.0-2.el9.x86_64.rpm")).toEqual({ version: "1.0-2.el9", arch: "x86_64" });
    expect(splitFilename("my-tool", "other-1.0-2.x86_64.rpm")).toBeNull();
  });

  it("refuses a package built for another group's distribution", () => {
    expect(groupDistribution("el9")).toBe("el9");
    expect(groupDistribution("centos/el8/updates")).toBe("el8");
    expect(groupDistribution("stable")).toBeNull();
    expect(releaseDistribution("1.el9_2")).toBe("el9");
    expect(releaseDistribution("3.fc40")).toBe("fc40");
    expect(releaseDistribution("1")).toBeNull();
    expect(() => checkDistribution("el9", "1.fc40", "x-1-1.fc40.x86_64.rpm")).toThrow(/built for fc40.*not for group el9/);
    expect(() => checkDistribution("el9", "1.el9", "x")).not.toThrow();
    expect(() => checkDistribution("stable", "1.fc40", "x")).not.toThrow();
    expect(() => checkDistribution("el9", "1", "x")).not.toThrow();
  });
});

describe(".repo file", () => {
  it("points dnf at the group with repo_gpgcheck and the key URL", () => {
    expect(renderRepoFile({ origin: "https://r.example", repository: "rpms", kind: "hosted", group: "el9/stable" })).toBe(
      "[rpms-el9-stable]\nname=rpms el9/stable (Edge Registry)\nbaseurl=https://r.example/rpm/rpms/el9/stable\nenabled=1\ngpgcheck=0\nrepo_gpgcheck=1\ngpgkey=https://r.example/rpm/rpms/repository.key\nmetadata_expire=60\n",
    );
    expect(renderRepoFile({ origin: "https://r.example", repository: "fedora", kind: "remote", group: "" })).toContain("repo_gpgcheck=0");
  });
});

describe("virtual merge (src/formats/rpm/merge.ts)", () => {
  it("cuts package blocks and merges them with a fresh count, keeping what `keep` allows", async () => {
    const a = { ...(await entry("alpha", ["/usr/bin/alpha"])), sha256: "1".repeat(64) };
    const b = { ...(await entry("beta", ["/usr/bin/beta"])), sha256: "2".repeat(64) };
    const first = renderPrimary([a]);
    const second = renderPrimary([b]);
    expect(packageBlocks(first)).toHaveLength(1);
    const merged = mergeXml("primary", [first, second, first], () => true);
    expect(merged).toContain('packages="2"');
    expect(merged.indexOf("<name>alpha</name>")).toBeLessThan(merged.indexOf("<name>beta</name>"));
    expect(merged.endsWith("</metadata>\n")).toBe(true);
    const onlyB = mergeXml("filelists", [renderFilelists([a]), renderFilelists([b])], (id) => id === b.sha256);
    expect(onlyB).toContain('packages="1"');
    expect(onlyB).toContain("<file>/usr/bin/beta</file>");
    expect(onlyB).not.toContain("alpha");
    expect(mergeXml("other", [renderOther([a])], () => true)).toContain('<otherdata xmlns="http://linux.duke.edu/metadata/other" packages="1">');
  });
});
