/**
 * Pure renderers of a group's repodata (createrepo_c's layout, which dnf, yum and zypper
 * read): `primary.xml` (packages, dependencies, the files dnf resolves paths against),
 * `filelists.xml` (every file), `other.xml` (changelogs) and `repomd.xml`, which lists the
 * three compressed files with checksums and sizes of both the compressed and the open file.
 */
import type { Dependency, RpmPackage } from "./package";

export interface RepodataEntry {
  pkg: RpmPackage;
  /** sha256 of the whole .rpm: the package id. */
  sha256: string;
  size: number;
  /** Location relative to the group's base URL. */
  href: string;
  /** When the file was stored (s). */
  fileTime: number;
}

export interface RepodataFile {
  type: "primary" | "filelists" | "other";
  /** sha256 and size of the compressed file, then of the XML inside. */
  sha256: string;
  size: number;
  openSha256: string;
  openSize: number;
  href: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
// XML 1.0 forbids most control characters even as references: they are dropped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
export const xml = (text: string): string => text.replace(INVALID_XML, "").replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const attrs = (values: Record<string, string | number | undefined>): string =>
  Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xml(String(v))}"`)
    .join("");

const versionTag = (p: RpmPackage): string => `<version${attrs({ epoch: p.epoch, ver: p.version, rel: p.release })}/>`;

/** createrepo's rule for the files primary.xml carries: /etc, any bin/ directory, sendmail. */
export const isPrimaryFile = (path: string): boolean => path.startsWith("/etc/") || path.includes("bin/") || path === "/usr/lib/sendmail";

function entries(kind: string, deps: readonly Dependency[]): string {
  if (!deps.length) return "";
  const lines = deps.map((d) => `      <rpm:entry${attrs({ name: d.name, flags: d.flags, epoch: d.flags ? d.epoch : undefined, ver: d.flags ? d.ver : undefined, rel: d.flags ? d.rel : undefined, pre: d.pre ? 1 : undefined })}/>`);
  return `    <rpm:${kind}>\n${lines.join("\n")}\n    </rpm:${kind}>\n`;
}

const fileTag = (f: { path: string; type?: string }, indent: string): string => `${indent}<file${attrs({ type: f.type })}>${xml(f.path)}</file>\n`;

const byNevra = (a: RepodataEntry, b: RepodataEntry): number =>
  a.pkg.name.localeCompare(b.pkg.name) || a.pkg.arch.localeCompare(b.pkg.arch) || a.pkg.version.localeCompare(b.pkg.version) || a.pkg.release.localeCompare(b.pkg.release) || a.sha256.localeCompare(b.sha256);

export function renderPrimary(list: readonly RepodataEntry[]): string {
  const out = [`<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${list.length}">\n`];
  for (const e of [...list].sort(byNevra)) {
    const p = e.pkg;
    out.push(
      `<package type="rpm">\n  <name>${xml(p.name)}</name>\n  <arch>${xml(p.arch)}</arch>\n  ${versionTag(p)}\n` +
        `  <checksum type="sha256" pkgid="YES">${e.sha256}</checksum>\n  <summary>${xml(p.summary)}</summary>\n  <description>${xml(p.description)}</description>\n` +
        `  <packager>${xml(p.packager)}</packager>\n  <url>${xml(p.url)}</url>\n  <time${attrs({ file: e.fileTime, build: p.buildTime })}/>\n` +
        `  <size${attrs({ package: e.size, installed: p.installedSize, archive: p.archiveSize })}/>\n  <location${attrs({ href: e.href })}/>\n  <format>\n` +
        `    <rpm:license>${xml(p.license)}</rpm:license>\n    <rpm:vendor>${xml(p.vendor)}</rpm:vendor>\n    <rpm:group>${xml(p.group)}</rpm:group>\n` +
        `    <rpm:buildhost>${xml(p.buildhost)}</rpm:buildhost>\n    <rpm:sourcerpm>${xml(p.sourcerpm)}</rpm:sourcerpm>\n` +
        `    <rpm:header-range${attrs({ start: p.headerStart, end: p.headerEnd })}/>\n` +
        entries("provides", p.provides) + entries("requires", p.requires) + entries("conflicts", p.conflicts) + entries("obsoletes", p.obsoletes) +
        p.files.filter((f) => isPrimaryFile(f.path)).map((f) => fileTag(f, "    ")).join("") +
        `  </format>\n</package>\n`,
    );
  }
  out.push("</metadata>\n");
  return out.join("");
}

const packageOpen = (e: RepodataEntry): string => `<package${attrs({ pkgid: e.sha256, name: e.pkg.name, arch: e.pkg.arch })}>\n  ${versionTag(e.pkg)}\n`;

export function renderFilelists(list: readonly RepodataEntry[]): string {
  const out = [`<?xml version="1.0" encoding="UTF-8"?>\n<filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="${list.length}">\n`];
  for (const e of [...list].sort(byNevra)) out.push(packageOpen(e) + e.pkg.files.map((f) => fileTag(f, "  ")).join("") + "</package>\n");
  out.push("</filelists>\n");
  return out.join("");
}

export function renderOther(list: readonly RepodataEntry[]): string {
  const out = [`<?xml version="1.0" encoding="UTF-8"?>\n<otherdata xmlns="http://linux.duke.edu/metadata/other" packages="${list.length}">\n`];
  for (const e of [...list].sort(byNevra)) {
    const logs = e.pkg.changelogs.map((c) => `  <changelog${attrs({ author: c.author, date: c.date })}>${xml(c.text)}</changelog>\n`).join("");
    out.push(packageOpen(e) + logs + "</package>\n");
  }
  out.push("</otherdata>\n");
  return out.join("");
}

export function renderRepomd(files: readonly RepodataFile[], revision: number, timestamp: number): string {
  const data = files
    .map(
      (f) =>
        `  <data type="${f.type}">\n    <checksum type="sha256">${f.sha256}</checksum>\n    <open-checksum type="sha256">${f.openSha256}</open-checksum>\n` +
        `    <location href="${xml(f.href)}"/>\n    <timestamp>${timestamp}</timestamp>\n    <size>${f.size}</size>\n    <open-size>${f.openSize}</open-size>\n  </data>\n`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n  <revision>${revision}</revision>\n${data}</repomd>\n`;
}
