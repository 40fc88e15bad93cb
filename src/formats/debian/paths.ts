/**
 * Debian repository paths (docs/formats/debian.md), relative to `/debian/{repo}/`:
 * distributions and components are single path segments (`stable`, `main`), pool files are
 * `pool/{distribution}/{component}/{name}_{version}_{arch}.deb` (the version as uploaded,
 * epoch included, as Gitea names them), stored as file `{distribution}/{component}/{filename}`
 * of package `{name}`, version `{version}`.
 */
import { RegistryError } from "../../errors";
import { isArchitecture, isPackageName, isPackageVersion } from "./control";

const SEGMENT = /^[a-zA-Z0-9][a-zA-Z0-9._+~-]{0,63}$/;

export const isDistribution = (value: string): boolean => SEGMENT.test(value) && !value.includes("..");
export const isComponent = (value: string): boolean => SEGMENT.test(value) && !value.includes("..");

export function checkDistributionComponent(distribution: string, component: string): void {
  if (!isDistribution(distribution)) throw new RegistryError("bad_request", `invalid distribution "${distribution.slice(0, 80)}"`, { field: "distribution" });
  if (!isComponent(component)) throw new RegistryError("bad_request", `invalid component "${component.slice(0, 80)}"`, { field: "component" });
}

export const debFilename = (name: string, version: string, architecture: string): string => `${name}_${version}_${architecture}.deb`;

/** The stored file name: unique per version across distributions and components. */
export const storedName = (distribution: string, component: string, name: string, version: string, architecture: string): string =>
  `${distribution}/${component}/${debFilename(name, version, architecture)}`;

export interface PoolPath {
  distribution: string;
  component: string;
  name: string;
  version: string;
  architecture: string;
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** `pool/{dist}/{comp}/{name}_{version}_{arch}.deb` (percent-decoded), or null. */
export function parsePoolPath(path: string): PoolPath | null {
  const parts = path.split("/");
  if (parts.length !== 4 || parts[0] !== "pool") return null;
  const [distribution, component, file] = [decode(parts[1] ?? ""), decode(parts[2] ?? ""), decode(parts[3] ?? "")];
  if (!distribution || !component || !file || !isDistribution(distribution) || !isComponent(component)) return null;
  const match = /^([^_]+)_([^_]+)_([^_]+)\.deb$/.exec(file);
  if (!match) return null;
  const [, name = "", version = "", architecture = ""] = match;
  if (!isPackageName(name) || !isPackageVersion(version) || !isArchitecture(architecture)) return null;
  return { distribution, component, name, version, architecture };
}
