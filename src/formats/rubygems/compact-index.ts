/**
 * The compact index documents (https://guides.rubygems.org/rubygems-org-compact-index-api/),
 * rendered as rubygems.org's `compact_index` writes them:
 * - `/names`: `---\n` and one gem name a line;
 * - `/info/{name}`: `---\n` and one line per version, in publish order:
 *   `NUMBER[-PLATFORM] DEP:REQ&REQ,DEP2:REQ|checksum:SHA256[,ruby:REQ][,rubygems:REQ]`
 *   (runtime dependencies only; each requirement list sorted and joined with `&`; the ruby
 *   and rubygems requirements only when not `>= 0`);
 * - `/versions`: `created_at: …\n---\n` and `NAME V1,V2 INFO_MD5` lines. Bundler reads the
 *   lines in order: a later line for a gem adds versions, `-V` removes one, and its MD5 (of
 *   the gem's `/info` body) replaces the earlier one. That is what makes the file append-only
 *   (./versions-file.ts).
 */
import { createHash } from "node:crypto";
import { type GemSpec, isDefaultRequirement, type Requirement, requirementStrings } from "./gemspec";
import { fullVersion } from "./names";

export const md5Hex = (text: string): string => createHash("md5").update(text, "utf8").digest("hex");

const joined = (requirement: Requirement): string => requirementStrings(requirement).sort().join("&");

/** One `/info` line for a version whose `.gem` has this sha256. */
export function renderInfoLine(spec: GemSpec, sha256: string): string {
  const deps = spec.dependencies
    .filter((d) => d.type === "runtime")
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => `${d.name}:${joined(d.requirement)}`)
    .join(",");
  let line = `${fullVersion(spec.number, spec.platform)} ${deps}|checksum:${sha256}`;
  if (!isDefaultRequirement(spec.requiredRubyVersion)) line += `,ruby:${joined(spec.requiredRubyVersion)}`;
  if (!isDefaultRequirement(spec.requiredRubygemsVersion)) line += `,rubygems:${joined(spec.requiredRubygemsVersion)}`;
  return line;
}

export const renderInfo = (lines: readonly string[]): string => `---\n${lines.map((l) => `${l}\n`).join("")}`;

export const renderNames = (names: readonly string[]): string => `---\n${names.map((n) => `${n}\n`).join("")}`;

/** The lines of a compact index document after its `---` header. */
export function bodyLines(text: string): string[] {
  const lines = text.split("\n");
  const header = lines.indexOf("---");
  return (header === -1 ? lines : lines.slice(header + 1)).filter((l) => l.length > 0);
}

/** An `/info` line's full version (`number[-platform]`): what a line is keyed by. */
export const infoLineVersion = (line: string): string => line.split(" ", 1)[0] ?? "";

export interface InfoLine {
  version: string;
  line: string;
}

export const parseInfo = (text: string): InfoLine[] => bodyLines(text).map((line) => ({ version: infoLineVersion(line), line }));

/** A gem's state in `/versions`: its versions (publish order) and the MD5 of its `/info`. */
export interface GemVersions {
  versions: string[];
  md5: string;
}

export interface VersionsDocument {
  createdAt: string | null;
  /** By gem name, in order of first appearance. */
  gems: Map<string, GemVersions>;
}

/** Reads `/versions` as Bundler does: lines in order, `-V` removes, the last MD5 wins. */
export function parseVersions(text: string): VersionsDocument {
  const createdAt = /^created_at: (.*)$/m.exec(text.slice(0, text.indexOf("---") === -1 ? 0 : text.indexOf("---")))?.[1] ?? null;
  const gems = new Map<string, GemVersions>();
  for (const line of bodyLines(text)) {
    const [name, list, md5] = line.split(" ");
    if (!name || list === undefined) continue;
    const gem = gems.get(name) ?? { versions: [], md5: "" };
    gems.set(name, gem);
    for (const version of list.split(",")) {
      if (version.startsWith("-")) gem.versions = gem.versions.filter((v) => v !== version.slice(1));
      else if (version && !gem.versions.includes(version)) gem.versions.push(version);
    }
    gem.md5 = md5 ?? "";
  }
  return { createdAt, gems };
}

/** A whole `/versions` document: the header and one line per gem with versions, by name. */
export function renderVersions(createdAt: string, gems: ReadonlyMap<string, GemVersions>): string {
  const names = [...gems.keys()].filter((n) => (gems.get(n)?.versions.length ?? 0) > 0).sort();
  return `created_at: ${createdAt}\n---\n${names.map((n) => versionsLine(n, gems.get(n)?.versions ?? [], gems.get(n)?.md5 ?? "")).join("")}`;
}

export const versionsLine = (name: string, versions: readonly string[], md5: string): string => `${name} ${versions.join(",")} ${md5}\n`;

/** `/names` of a `/versions` document: the gems with versions left, sorted. */
export function namesOfVersions(versions: string): string {
  const gems = parseVersions(versions).gems;
  return renderNames([...gems.keys()].filter((name) => (gems.get(name)?.versions.length ?? 0) > 0).sort());
}
