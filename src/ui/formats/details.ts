/**
 * What a package page shows beyond versions and files, by format: the README (npm, PyPI),
 * a one-line description, and marks per version (dist-tags, deprecated, yanked). Read through
 * the hosted PackageReader only. A format without an entry shows versions and files alone.
 */
import { TAG_PREFIX, tagsFromProperties } from "../../formats/npm/dist-tags";
import { README_PROPERTY } from "../../formats/npm/state";
import { parseCoreMetadata } from "../../formats/pypi/archive-metadata";
import type { PackageFileRow, PackageReader, PackageRow, VersionRow } from "../../repositories/package-source";

export interface Readme {
  /** Markdown is rendered (sanitised); anything else is shown as preformatted text. */
  markdown: boolean;
  text: string;
}

export interface VersionMark {
  label: string;
  /** A warning-style mark (deprecated, yanked). */
  warn?: boolean;
  title?: string;
}

export interface PackageDetails {
  description: string | null;
  readme: Readme | null;
  /** Version string → its marks. */
  marks: Map<string, VersionMark[]>;
}

interface DetailsInput {
  reader: PackageReader;
  pkg: PackageRow;
  versions: readonly VersionRow[];
  files: readonly PackageFileRow[];
}

type DetailsLoader = (input: DetailsInput) => Promise<PackageDetails>;

function metadataOf(version: VersionRow): Record<string, unknown> {
  try {
    const value = JSON.parse(version.metadata) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value : null);

function addMark(marks: Map<string, VersionMark[]>, version: string, mark: VersionMark): void {
  marks.set(version, [...(marks.get(version) ?? []), mark]);
}

async function npmDetails({ reader, pkg, versions }: DetailsInput): Promise<PackageDetails> {
  const [tagRows, readme] = await Promise.all([reader.listPackageProperties(pkg.id, TAG_PREFIX), reader.getPackageProperty(pkg.id, README_PROPERTY)]);
  const marks = new Map<string, VersionMark[]>();
  for (const [tag, version] of Object.entries(tagsFromProperties(tagRows))) addMark(marks, version, { label: tag });
  for (const version of versions) {
    const deprecated = text(metadataOf(version).deprecated);
    if (deprecated) addMark(marks, version.version, { label: "deprecated", warn: true, title: deprecated });
  }
  const latest = tagsFromProperties(tagRows).latest;
  const shown = versions.find((v) => v.version === latest) ?? versions[0];
  return { description: shown ? text(metadataOf(shown).description) : null, readme: readme ? { markdown: true, text: readme } : null, marks };
}

/** A wheel's core metadata (its `.metadata` file, PEP 658): the body after the headers is the long description. */
async function pypiReadme(reader: PackageReader, files: readonly PackageFileRow[], version: VersionRow | undefined): Promise<Readme | null> {
  const metadataFile = files.find((f) => f.version.id === version?.id && f.file.lowerName.endsWith(".whl.metadata"));
  if (!metadataFile || metadataFile.blob.size > 4 * 1024 * 1024) return null;
  const body = await reader.readBlob(metadataFile.blob);
  if (!body) return null;
  const bytes = new Uint8Array(await body.arrayBuffer());
  const all = new TextDecoder().decode(bytes).replace(/\r\n?/g, "\n");
  const split = all.indexOf("\n\n");
  const headers = parseCoreMetadata(bytes);
  const description = split >= 0 ? all.slice(split + 2) : (headers.get("description")?.[0] ?? "");
  if (description.trim() === "") return null;
  const type = headers.get("description-content-type")?.[0] ?? "";
  return { markdown: /^text\/markdown/i.test(type), text: description };
}

async function pypiDetails({ reader, versions, files }: DetailsInput): Promise<PackageDetails> {
  const marks = new Map<string, VersionMark[]>();
  for (const version of versions) {
    const yanked = metadataOf(version).yanked as { reason?: string } | undefined;
    if (yanked) addMark(marks, version.version, { label: "yanked", warn: true, ...(yanked.reason ? { title: yanked.reason } : {}) });
  }
  const shown = versions.find((v) => !metadataOf(v).yanked) ?? versions[0];
  return { description: shown ? text(metadataOf(shown).summary) : null, readme: await pypiReadme(reader, files, shown), marks };
}

/** Format name → its details loader. A new format adds one entry here if it carries more. */
export const packageDetails: Readonly<Record<string, DetailsLoader>> = { npm: npmDetails, pypi: pypiDetails };

export async function loadDetails(format: string, input: DetailsInput): Promise<PackageDetails> {
  return (await packageDetails[format]?.(input)) ?? { description: null, readme: null, marks: new Map() };
}
