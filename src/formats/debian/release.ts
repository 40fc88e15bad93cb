/**
 * Pure renderers of a Debian repository's index files: `Packages` stanzas (the control text
 * as uploaded, then `Filename`, `Size` and the digests of the stored `.deb`) and the
 * distribution's `Release` (fields, then one `MD5Sum`/`SHA1`/`SHA256`/`SHA512` section
 * listing every index file with its size, path relative to `dists/{dist}/`).
 */

export interface PackageEntry {
  distribution: string;
  component: string;
  architecture: string;
  name: string;
  version: string;
  control: string;
  /** `pool/{dist}/{comp}/{name}_{version}_{arch}.deb` */
  filename: string;
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
  sha512: string;
}

export interface IndexFileDigest {
  /** Relative to `dists/{dist}/`, e.g. `main/binary-amd64/Packages.gz`. */
  path: string;
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
  sha512: string;
}

export function compareEntries(a: PackageEntry, b: PackageEntry): number {
  return a.name.localeCompare(b.name) || a.version.localeCompare(b.version) || a.architecture.localeCompare(b.architecture);
}

export function renderStanza(entry: PackageEntry): string {
  return [
    entry.control,
    `Filename: ${entry.filename}`,
    `Size: ${entry.size}`,
    `MD5sum: ${entry.md5}`,
    `SHA1: ${entry.sha1}`,
    `SHA256: ${entry.sha256}`,
    `SHA512: ${entry.sha512}`,
  ].join("\n");
}

/** A Packages file: stanzas separated by blank lines (empty when there are none). */
export function renderPackages(entries: readonly PackageEntry[]): string {
  return entries.length ? `${[...entries].sort(compareEntries).map(renderStanza).join("\n\n")}\n` : "";
}

/** RFC 2822 date in UTC, as Debian's archive writes it. */
export const releaseDate = (date: Date): string => date.toUTCString().replace(/GMT$/, "UTC");

export interface ReleaseFields {
  origin: string;
  label: string;
  distribution: string;
  components: readonly string[];
  architectures: readonly string[];
  date: Date;
  description: string;
}

export function renderRelease(fields: ReleaseFields, files: readonly IndexFileDigest[]): string {
  const lines = [
    `Origin: ${fields.origin}`,
    `Label: ${fields.label}`,
    `Suite: ${fields.distribution}`,
    `Codename: ${fields.distribution}`,
    `Date: ${releaseDate(fields.date)}`,
    `Architectures: ${[...fields.architectures].sort().join(" ")}`,
    `Components: ${[...fields.components].sort().join(" ")}`,
    `Description: ${fields.description}`,
    "Acquire-By-Hash: yes",
  ];
  const width = Math.max(1, ...files.map((f) => String(f.size).length));
  const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
  for (const [title, key] of [["MD5Sum", "md5"], ["SHA1", "sha1"], ["SHA256", "sha256"], ["SHA512", "sha512"]] as const) {
    lines.push(`${title}:`);
    for (const file of sorted) lines.push(` ${file[key]} ${String(file.size).padStart(width)} ${file.path}`);
  }
  return `${lines.join("\n")}\n`;
}
