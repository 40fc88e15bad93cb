/** The format registry: adding a format is its folder plus one line here. */
import { alpineFormat } from "./alpine";
import { cargoFormat } from "./cargo";
import { composerFormat } from "./composer";
import { debianFormat } from "./debian";
import { genericFormat } from "./generic";
import { goFormat } from "./go";
import { helmFormat } from "./helm";
import { mavenFormat } from "./maven";
import { npmFormat } from "./npm";
import { nugetFormat } from "./nuget";
import { ociFormat } from "./oci";
import { pypiFormat } from "./pypi";
import { rpmFormat } from "./rpm";
import { rubygemsFormat } from "./rubygems";
import type { FormatModule } from "./types";

export const formats: readonly FormatModule[] = [genericFormat, mavenFormat, npmFormat, pypiFormat, cargoFormat, goFormat, helmFormat, ociFormat, composerFormat, rubygemsFormat, nugetFormat, debianFormat, rpmFormat, alpineFormat];

/** Every format name the management API accepts for repositories, served or not yet. */
export const knownFormats = [
  "generic", "maven", "npm", "pypi", "oci", "cargo", "go", "helm", "nuget", "rubygems", "composer",
  "debian", "rpm", "alpine", "conan", "conda", "cran", "pub", "swift", "chef", "vagrant",
] as const;

export function findFormat(name: string): FormatModule | undefined {
  return formats.find((f) => f.name === name);
}

/** Where a format's routes are mounted (DESIGN §2): `/{name}/:repo` unless the format says otherwise. */
export function mountOf(format: FormatModule): string {
  return format.mount ?? `/${format.name}/:repo`;
}

/** The static prefix of a mount: `/npm/:repo` → `/npm/`, `/v2` → `/v2/`. */
function mountPrefix(format: FormatModule): string {
  const mount = mountOf(format);
  const parameter = mount.indexOf("/:");
  return `${parameter < 0 ? mount : mount.slice(0, parameter)}/`;
}

/** Each served format with its mount's static prefix, worked out once (every request asks). */
const servedPrefixes = formats.map((format) => [mountPrefix(format), format] as const);

/** The format whose mount a request path falls under, if any: its credentials and errors apply. */
export function formatForPath(pathname: string, among: readonly FormatModule[] = formats): FormatModule | undefined {
  if (among === formats) return servedPrefixes.find(([prefix]) => pathname.startsWith(prefix))?.[1];
  return among.find((format) => pathname.startsWith(mountPrefix(format)));
}
