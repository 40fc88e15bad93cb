/**
 * An RPM's metadata as the repodata needs it (createrepo's primary, filelists and other),
 * read from the parsed headers (./header.ts). Kept as JSON in the version's metadata, so the
 * IndexBuilder renders XML without reading packages again.
 */
import type { RpmHeaders, TagValue } from "./header";
import { invalidRpm } from "./header";

/** Main header tags (rpmtag.h). */
export const Tag = {
  NAME: 1000, VERSION: 1001, RELEASE: 1002, EPOCH: 1003, SUMMARY: 1004, DESCRIPTION: 1005, BUILDTIME: 1006,
  BUILDHOST: 1007, SIZE: 1009, VENDOR: 1011, LICENSE: 1014, PACKAGER: 1015, GROUP: 1016, URL: 1020, ARCH: 1022,
  OLDFILENAMES: 1027, FILEMODES: 1030, FILEFLAGS: 1037, SOURCERPM: 1044, ARCHIVESIZE: 1046,
  PROVIDENAME: 1047, REQUIREFLAGS: 1048, REQUIRENAME: 1049, REQUIREVERSION: 1050,
  CONFLICTFLAGS: 1053, CONFLICTNAME: 1054, CONFLICTVERSION: 1055,
  CHANGELOGTIME: 1080, CHANGELOGNAME: 1081, CHANGELOGTEXT: 1082, OBSOLETENAME: 1090,
  PROVIDEFLAGS: 1112, PROVIDEVERSION: 1113, OBSOLETEFLAGS: 1114, OBSOLETEVERSION: 1115,
  DIRINDEXES: 1116, BASENAMES: 1117, DIRNAMES: 1118, LONGSIZE: 5009, LONGARCHIVESIZE: 271,
} as const;

/** Signature header tags. */
export const SigTag = { SIZE: 1000, PAYLOADSIZE: 1007, LONGSIZE: 270, LONGARCHIVESIZE: 271 } as const;

const SENSE_LESS = 0x02;
const SENSE_GREATER = 0x04;
const SENSE_EQUAL = 0x08;
const SENSE_PREREQ = 0x40 | 0x200 | 0x400 | 0x800 | 0x1000; // PREREQ, SCRIPT_PRE/POST/PREUN/POSTUN
const SENSE_RPMLIB = 0x01000000;
const FILE_GHOST = 0x40;
const MODE_TYPE = 0o170000;
const MODE_DIR = 0o040000;

export interface Dependency {
  name: string;
  /** EQ, LT, LE, GT, GE; absent for an unversioned dependency. */
  flags?: "EQ" | "LT" | "LE" | "GT" | "GE";
  epoch?: string;
  ver?: string;
  rel?: string;
  pre?: boolean;
}

export interface RpmFile {
  path: string;
  type?: "dir" | "ghost";
}

export interface Changelog {
  author: string;
  date: number;
  text: string;
}

export interface RpmPackage {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
  summary: string;
  description: string;
  license: string;
  url: string;
  vendor: string;
  packager: string;
  group: string;
  buildhost: string;
  sourcerpm: string;
  buildTime: number;
  installedSize: number;
  archiveSize: number;
  headerStart: number;
  headerEnd: number;
  provides: Dependency[];
  requires: Dependency[];
  conflicts: Dependency[];
  obsoletes: Dependency[];
  files: RpmFile[];
  changelogs: Changelog[];
}

const str = (value: TagValue | undefined): string => (typeof value === "string" ? value : Array.isArray(value) && typeof value[0] === "string" ? value[0] : "");
const strings = (value: TagValue | undefined): string[] => (Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : typeof value === "string" ? [value] : []);
const numbers = (value: TagValue | undefined): number[] =>
  Array.isArray(value) ? value.map((v) => Number(v)) : value instanceof Uint8Array ? Array.from(value) : [];
const num = (value: TagValue | undefined): number | undefined => numbers(value)[0];

/** `[epoch:]version[-release]` → parts (rpm's parseEVR). */
export function parseEvr(evr: string): { epoch?: string; ver?: string; rel?: string } {
  if (!evr) return {};
  const colon = evr.indexOf(":");
  const epoch = colon > 0 && /^\d+$/.test(evr.slice(0, colon)) ? evr.slice(0, colon) : undefined;
  const rest = epoch === undefined ? evr : evr.slice(colon + 1);
  const dash = rest.lastIndexOf("-");
  return dash >= 0 ? { epoch: epoch ?? "0", ver: rest.slice(0, dash), rel: rest.slice(dash + 1) } : { epoch: epoch ?? "0", ver: rest };
}

function flagName(flags: number): Dependency["flags"] {
  const sense = flags & (SENSE_LESS | SENSE_GREATER | SENSE_EQUAL);
  if (sense === SENSE_EQUAL) return "EQ";
  if (sense === SENSE_LESS) return "LT";
  if (sense === (SENSE_LESS | SENSE_EQUAL)) return "LE";
  if (sense === SENSE_GREATER) return "GT";
  if (sense === (SENSE_GREATER | SENSE_EQUAL)) return "GE";
  return undefined;
}

function dependencies(tags: Map<number, TagValue>, nameTag: number, flagsTag: number, versionTag: number, requires = false): Dependency[] {
  const names = strings(tags.get(nameTag));
  const flags = numbers(tags.get(flagsTag));
  const versions = strings(tags.get(versionTag));
  const out: Dependency[] = [];
  const seen = new Set<string>();
  names.forEach((name, i) => {
    const flag = flags[i] ?? 0;
    // createrepo leaves rpmlib() requirements out of the repodata (rpm checks them itself).
    if (requires && (flag & SENSE_RPMLIB || name.startsWith("rpmlib("))) return;
    const sense = flagName(flag);
    const dep: Dependency = { name, ...(sense && versions[i] ? { flags: sense, ...parseEvr(versions[i] ?? "") } : {}) };
    if (requires && flag & SENSE_PREREQ) dep.pre = true;
    const key = JSON.stringify(dep);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(dep);
  });
  return out;
}

function fileList(tags: Map<number, TagValue>): RpmFile[] {
  const basenames = strings(tags.get(Tag.BASENAMES));
  const dirnames = strings(tags.get(Tag.DIRNAMES));
  const indexes = numbers(tags.get(Tag.DIRINDEXES));
  const paths = basenames.length
    ? basenames.map((base, i) => {
        const dir = dirnames[indexes[i] ?? -1];
        if (dir === undefined) throw invalidRpm("a file's directory index is out of range");
        return `${dir}${base}`;
      })
    : strings(tags.get(Tag.OLDFILENAMES));
  const modes = numbers(tags.get(Tag.FILEMODES));
  const flags = numbers(tags.get(Tag.FILEFLAGS));
  return paths.map((path, i) => {
    if ((flags[i] ?? 0) & FILE_GHOST) return { path, type: "ghost" as const };
    if (((modes[i] ?? 0) & MODE_TYPE) === MODE_DIR) return { path, type: "dir" as const };
    return { path };
  });
}

function changelogs(tags: Map<number, TagValue>): Changelog[] {
  const times = numbers(tags.get(Tag.CHANGELOGTIME));
  const names = strings(tags.get(Tag.CHANGELOGNAME));
  const texts = strings(tags.get(Tag.CHANGELOGTEXT));
  return times.map((date, i) => ({ date, author: names[i] ?? "", text: texts[i] ?? "" }));
}

const NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]{0,199}$/;
const VERSION = /^[A-Za-z0-9._+~^]{1,128}$/;
const ARCH = /^[A-Za-z0-9_]{1,32}$/;

/** The package's metadata; a missing or malformed name, version, release or arch is refused (400). */
export function rpmPackageOf(headers: RpmHeaders): RpmPackage {
  const { tags } = headers.main;
  const sig = headers.signature.tags;
  const name = str(tags.get(Tag.NAME));
  const version = str(tags.get(Tag.VERSION));
  const release = str(tags.get(Tag.RELEASE));
  const isSource = !tags.has(Tag.SOURCERPM);
  const arch = isSource ? "src" : str(tags.get(Tag.ARCH));
  if (!name) throw invalidRpm("the header has no name");
  if (!NAME.test(name)) throw invalidRpm(`invalid package name "${name.slice(0, 80)}"`);
  if (!version || !VERSION.test(version)) throw invalidRpm(version ? `invalid version "${version.slice(0, 80)}"` : "the header has no version");
  if (!release || !VERSION.test(release)) throw invalidRpm(release ? `invalid release "${release.slice(0, 80)}"` : "the header has no release");
  if (!arch || !ARCH.test(arch)) throw invalidRpm(arch ? `invalid architecture "${arch.slice(0, 40)}"` : "the header has no architecture");
  const epoch = num(tags.get(Tag.EPOCH));
  return {
    name, version, release, arch,
    epoch: String(epoch ?? 0),
    summary: str(tags.get(Tag.SUMMARY)),
    description: str(tags.get(Tag.DESCRIPTION)),
    license: str(tags.get(Tag.LICENSE)),
    url: str(tags.get(Tag.URL)),
    vendor: str(tags.get(Tag.VENDOR)),
    packager: str(tags.get(Tag.PACKAGER)),
    group: str(tags.get(Tag.GROUP)),
    buildhost: str(tags.get(Tag.BUILDHOST)),
    sourcerpm: str(tags.get(Tag.SOURCERPM)),
    buildTime: num(tags.get(Tag.BUILDTIME)) ?? 0,
    installedSize: num(tags.get(Tag.LONGSIZE)) ?? num(tags.get(Tag.SIZE)) ?? 0,
    archiveSize: num(sig.get(SigTag.LONGARCHIVESIZE)) ?? num(sig.get(SigTag.PAYLOADSIZE)) ?? num(tags.get(Tag.LONGARCHIVESIZE)) ?? num(tags.get(Tag.ARCHIVESIZE)) ?? 0,
    headerStart: headers.headerStart,
    headerEnd: headers.headerEnd,
    provides: dependencies(tags, Tag.PROVIDENAME, Tag.PROVIDEFLAGS, Tag.PROVIDEVERSION),
    requires: dependencies(tags, Tag.REQUIRENAME, Tag.REQUIREFLAGS, Tag.REQUIREVERSION, true),
    conflicts: dependencies(tags, Tag.CONFLICTNAME, Tag.CONFLICTFLAGS, Tag.CONFLICTVERSION),
    obsoletes: dependencies(tags, Tag.OBSOLETENAME, Tag.OBSOLETEFLAGS, Tag.OBSOLETEVERSION),
    files: fileList(tags),
    changelogs: changelogs(tags),
  };
}

/** `{name}-{version}-{release}.{arch}.rpm`: the usual file name (no epoch). */
export const rpmFilename = (p: Pick<RpmPackage, "name" | "version" | "release" | "arch">): string => `${p.name}-${p.version}-${p.release}.${p.arch}.rpm`;
