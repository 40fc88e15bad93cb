/**
 * The legacy (pre-compact-index) indexes RubyGems still reads — `gem sources --add` checks
 * `specs.4.8.gz`, `gem search --remote` and old clients use them:
 * - `specs.4.8.gz`: gzip(Marshal `[[name, Gem::Version, platform], …]`) of every release;
 * - `latest_specs.4.8.gz`: the highest release per gem and platform;
 * - `prerelease_specs.4.8.gz`: every prerelease.
 * They are derived from the repository's `/versions` document (hosted: the stored index;
 * virtual: the merged one), which lists exactly the versions the compact index serves.
 * `quick/Marshal.4.8/{full name}.gemspec.rz` is zlib(Marshal `Gem::Specification`).
 */
import { gzipSync, zlibSync } from "fflate";
import { marshalSpecification, marshalSpecTuples, type SpecTuple } from "./gem-marshal";
import type { GemSpec } from "./gemspec";
import { parseVersions } from "./compact-index";
import { compareGemVersions, isPrerelease, splitFullVersion } from "./names";

export type LegacyIndex = "specs" | "latest_specs" | "prerelease_specs";

export const LEGACY_FILES: Record<string, LegacyIndex> = {
  "specs.4.8.gz": "specs",
  "latest_specs.4.8.gz": "latest_specs",
  "prerelease_specs.4.8.gz": "prerelease_specs",
};

const byNameVersionPlatform = (a: SpecTuple, b: SpecTuple): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : compareGemVersions(a.number, b.number) || (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : 0);

/** The tuples of one legacy index, from a `/versions` document. */
export function legacyTuples(versions: string, index: LegacyIndex): SpecTuple[] {
  const all: SpecTuple[] = [];
  for (const [name, gem] of parseVersions(versions).gems) {
    for (const version of gem.versions) {
      const split = splitFullVersion(version);
      if (split) all.push({ name, ...split });
    }
  }
  if (index === "prerelease_specs") return all.filter((t) => isPrerelease(t.number)).sort(byNameVersionPlatform);
  const releases = all.filter((t) => !isPrerelease(t.number)).sort(byNameVersionPlatform);
  if (index === "specs") return releases;
  const latest = new Map<string, SpecTuple>();
  for (const tuple of releases) latest.set(`${tuple.name}\u0000${tuple.platform}`, tuple); // sorted: the last is the highest
  return [...latest.values()].sort(byNameVersionPlatform);
}

export const legacyIndexBytes = (versions: string, index: LegacyIndex): Uint8Array => gzipSync(marshalSpecTuples(legacyTuples(versions, index)), { mtime: 0 });

/** `quick/Marshal.4.8/{full name}.gemspec.rz`: the specification, Marshal-dumped and zlib-deflated. */
export const quickSpecBytes = (spec: GemSpec): Uint8Array => zlibSync(marshalSpecification(spec));
