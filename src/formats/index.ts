/** The format registry: adding a format is its folder plus one line here. */
import { genericFormat } from "./generic";
import { mavenFormat } from "./maven";
import { npmFormat } from "./npm";
import { pypiFormat } from "./pypi";
import type { FormatModule } from "./types";

export const formats: readonly FormatModule[] = [genericFormat, mavenFormat, npmFormat, pypiFormat];

/** Every format name the management API accepts for repositories, served or not yet. */
export const knownFormats = [
  "generic", "maven", "npm", "pypi", "oci", "cargo", "go", "helm", "nuget", "rubygems", "composer",
  "debian", "rpm", "alpine", "conan", "conda", "cran", "pub", "swift", "chef", "vagrant",
] as const;

export function findFormat(name: string): FormatModule | undefined {
  return formats.find((f) => f.name === name);
}
