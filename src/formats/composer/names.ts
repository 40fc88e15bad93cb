/**
 * Composer package names and the paths derived from them. A name is `vendor/project`, lower
 * case, as Composer's own validation requires
 * (https://getcomposer.org/doc/04-schema.md#name): both parts start and end with a letter or
 * digit, separated inside by `_`, `.`, `-` (the project part also allows `--`). Names are
 * stored as given (already lower case), so the hosted key is the name itself.
 */

const NAME = /^[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](([_.]?|-{0,2})[a-z0-9]+)*$/;

/** Why a name is not a valid Composer package name, or null when it is. */
export function packageNameProblem(name: string): string | null {
  if (name.length === 0) return "the package name is empty";
  if (name.length > 214) return "the package name is longer than 214 characters";
  if (name !== name.toLowerCase()) return `"${name}" has upper case letters: Composer package names are lower case`;
  if (!NAME.test(name)) return `"${name}" is not a valid package name: it must be vendor/project of lower-case letters, digits and single _ . - separators`;
  return null;
}

export const isValidPackageName = (name: string): boolean => packageNameProblem(name) === null;

/** The stored archive's file name: `{vendor}-{project}.{version}.zip` (Gitea's naming). */
export function archiveFilename(name: string, version: string): string {
  return `${name.replace("/", "-")}.${version}.zip`;
}

/**
 * The repository-relative dist path every p2 document points at (hosted, remote and
 * virtual alike): `dists/{vendor}/{project}/{version}/{reference}.{type}`. The version is
 * percent-encoded (dev branches may hold `/`); the reference makes the URL change when the
 * bytes do (Composer's download cache is keyed by the URL).
 */
export function distPath(name: string, version: string, reference: string, type: string): string {
  return `dists/${name}/${encodeURIComponent(version)}/${encodeURIComponent(reference)}.${type}`;
}

export interface DistPath {
  name: string;
  version: string;
  reference: string;
  type: string;
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Parses a (still percent-encoded) dist path; null when it is none. */
export function parseDistPath(path: string): DistPath | null {
  const match = /^dists\/([^/]+\/[^/]+)\/([^/]+)\/([^/]+)\.([a-z0-9]{1,10})$/.exec(path);
  if (!match) return null;
  const [, name = "", rawVersion = "", rawReference = "", type = ""] = match;
  const version = decode(rawVersion);
  const reference = decode(rawReference);
  if (!isValidPackageName(name) || !version || !reference || !/^[A-Za-z0-9._-]{1,128}$/.test(reference)) return null;
  return { name, version, reference, type };
}

/** The provenance entry of a dist (one per version and reference in a p2 document). */
export const distEntry = (version: string, reference: string): string => `${version.toLowerCase()}/${reference}`;

/** `p2/{vendor}/{project}.json` or `…~dev.json` → the package and variant; null when it is none. */
export function parseMetadataPath(path: string): { name: string; dev: boolean } | null {
  const match = /^p2\/([^/]+\/[^/]+?)(~dev)?\.json$/.exec(path);
  if (!match?.[1]) return null;
  const name = decode(match[1]);
  return name && isValidPackageName(name) ? { name, dev: match[2] !== undefined } : null;
}
