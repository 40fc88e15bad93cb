/**
 * `.PKGINFO`, the control file of an `.apk` (abuild writes it): `key = value` lines, `#`
 * comments, repeatable keys (`depend`, `provides`, `replaces`, `install_if`, `triggers`).
 * Parsed into what an APKINDEX stanza needs. Names and versions are checked with apk-tools'
 * rules: a name of letters, digits and `+-_.`; a version of apk's grammar
 * (`1.2.3`, `1.2.3a`, `1.0_rc2_p1`, `2.0-r3`).
 */
import { RegistryError } from "../../errors";

export const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+_.-]*$/;
export const PACKAGE_VERSION = /^[0-9]+(\.[0-9]+)*[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*(~[0-9a-f]+)?(-r[0-9]+)?$/;
export const ARCHITECTURE = /^[A-Za-z0-9_]{1,32}$/;

/** What an APKINDEX stanza says of one package file, besides its checksum and size. */
export interface PkgInfo {
  name: string;
  version: string;
  arch: string;
  description: string;
  url: string;
  license: string;
  origin: string;
  maintainer: string;
  /** Seconds since the epoch, as abuild writes it. */
  buildDate: number | null;
  installedSize: number | null;
  commit: string;
  depends: string[];
  provides: string[];
  replaces: string[];
  installIf: string[];
  providerPriority: number | null;
}

const bad = (message: string) => new RegistryError("bad_request", `invalid apk: ${message}`);

const integer = (value: string | undefined): number | null => (value !== undefined && /^[0-9]{1,15}$/.test(value) ? Number(value) : null);

export function parsePkgInfo(text: string): PkgInfo {
  const single = new Map<string, string>();
  const multi = new Map<string, string[]>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line === "" || line.startsWith("#")) continue;
    const at = line.indexOf(" = ");
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 3).trim();
    if (/[\u0000-\u001f]/.test(value)) throw bad(`.PKGINFO field ${key.slice(0, 40)} contains control characters`);
    single.set(key, value);
    multi.set(key, [...(multi.get(key) ?? []), ...(value ? value.split(/\s+/) : [])]);
  }
  const name = single.get("pkgname") ?? "";
  const version = single.get("pkgver") ?? "";
  const arch = single.get("arch") ?? "";
  if (!name) throw bad(".PKGINFO has no pkgname");
  if (name.length > 128 || !PACKAGE_NAME.test(name)) throw bad(`package name "${name.slice(0, 100)}" is invalid`);
  if (!version) throw bad(".PKGINFO has no pkgver");
  if (version.length > 128 || !PACKAGE_VERSION.test(version)) throw bad(`package version "${version.slice(0, 100)}" is not an apk version`);
  if (!arch) throw bad(".PKGINFO has no arch");
  if (!ARCHITECTURE.test(arch)) throw bad(`architecture "${arch.slice(0, 40)}" is invalid`);
  return {
    name,
    version,
    arch,
    description: single.get("pkgdesc") ?? "",
    url: single.get("url") ?? "",
    license: single.get("license") ?? "",
    origin: single.get("origin") ?? name,
    maintainer: single.get("maintainer") ?? "",
    buildDate: integer(single.get("builddate")),
    installedSize: integer(single.get("size")),
    commit: single.get("commit") ?? "",
    depends: multi.get("depend") ?? [],
    provides: multi.get("provides") ?? [],
    replaces: multi.get("replaces") ?? [],
    installIf: multi.get("install_if") ?? [],
    providerPriority: integer(single.get("provider_priority")),
  };
}

/** `{name}-{version}.apk`: the file name apk downloads (`{arch}/{name}-{version}.apk`). */
export const apkFilename = (name: string, version: string): string => `${name}-${version}.apk`;

/** Splits `{name}-{version}.apk` at the first `-` that starts an apk version. */
export function parseApkFilename(filename: string): { name: string; version: string } | null {
  if (!filename.endsWith(".apk")) return null;
  const stem = filename.slice(0, -".apk".length);
  for (let at = stem.indexOf("-"); at > 0; at = stem.indexOf("-", at + 1)) {
    const name = stem.slice(0, at);
    const version = stem.slice(at + 1);
    if (PACKAGE_NAME.test(name) && PACKAGE_VERSION.test(version)) return { name, version };
  }
  return null;
}
