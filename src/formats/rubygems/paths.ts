/**
 * The read paths under `/rubygems/{repo}/`, parsed (still percent-encoded on the way in):
 * compact index (`versions`, `names`, `info/{name}`), downloads (`gems/{full name}.gem`),
 * quick specifications (`quick/Marshal.4.8/{full name}.gemspec.rz`) and the legacy indexes.
 */
import { LEGACY_FILES, type LegacyIndex } from "./legacy-specs";
import { type FullName, gemNameProblem, splitFullName } from "./names";

export type RubygemsPath =
  | { kind: "versions" }
  | { kind: "names" }
  | { kind: "info"; name: string }
  | { kind: "gem"; file: FullName; filename: string }
  | { kind: "quick-spec"; file: FullName; filename: string }
  | { kind: "legacy"; index: LegacyIndex; filename: string };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function parseRubygemsPath(path: string): RubygemsPath | null {
  if (path === "versions") return { kind: "versions" };
  if (path === "names") return { kind: "names" };
  const legacy = LEGACY_FILES[path];
  if (legacy) return { kind: "legacy", index: legacy, filename: path };
  const info = /^info\/([^/]+)$/.exec(path);
  if (info) {
    const name = decode(info[1] ?? "");
    return name !== null && gemNameProblem(name) === null ? { kind: "info", name } : null;
  }
  const gem = /^gems\/([^/]+)\.gem$/.exec(path);
  const quick = /^quick\/Marshal\.4\.8\/([^/]+)\.gemspec\.rz$/.exec(path);
  const match = gem ?? quick;
  const full = match ? decode(match[1] ?? "") : null;
  const file = full ? splitFullName(full) : null;
  if (!file || !full) return null;
  return gem ? { kind: "gem", file, filename: `${full}.gem` } : { kind: "quick-spec", file, filename: `${full}.gemspec.rz` };
}
