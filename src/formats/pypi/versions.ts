/**
 * PEP 440 versions: validation, the normalised form, and ordering. Written after the
 * specification (https://peps.python.org/pep-0440/): epoch, release, pre (a/b/rc and
 * their spellings alpha/beta/c/pre/preview), post (also `-N`, rev, r), dev, and a local
 * label; case-insensitive; separators `-`, `_`, `.` optional where the PEP allows them.
 */

const VERSION_PATTERN = new RegExp(
  "^\\s*v?" +
    "(?:(?<epoch>[0-9]+)!)?" +
    "(?<release>[0-9]+(?:\\.[0-9]+)*)" +
    "(?<pre>[-_.]?(?<preL>alpha|beta|preview|pre|a|b|c|rc)[-_.]?(?<preN>[0-9]+)?)?" +
    "(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?" +
    "(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?" +
    "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?" +
    "\\s*$",
  "i",
);

export interface Pep440Version {
  epoch: number;
  release: number[];
  pre: { label: "a" | "b" | "rc"; number: number } | null;
  post: number | null;
  dev: number | null;
  local: (number | string)[] | null;
}

const preLabels: Record<string, "a" | "b" | "rc"> = { a: "a", alpha: "a", b: "b", beta: "b", c: "rc", rc: "rc", pre: "rc", preview: "rc" };

const MAX_LENGTH = 128;

/** Parses a PEP 440 version, or null when it is not one. */
export function parseVersion(text: string): Pep440Version | null {
  if (text.length > MAX_LENGTH) return null;
  const match = VERSION_PATTERN.exec(text);
  const g = match?.groups;
  if (!g || g["release"] === undefined) return null;
  const num = (value: string | undefined): number => (value === undefined ? 0 : Number.parseInt(value, 10));
  const preLabel = g["preL"]?.toLowerCase();
  return {
    epoch: num(g["epoch"]),
    release: g["release"].split(".").map((part) => Number.parseInt(part, 10)),
    pre: preLabel ? { label: preLabels[preLabel] ?? "rc", number: num(g["preN"]) } : null,
    post: g["post"] !== undefined ? num(g["postN1"] ?? g["postN2"]) : null,
    dev: g["dev"] !== undefined ? num(g["devN"]) : null,
    local: g["local"] !== undefined ? g["local"].toLowerCase().split(/[-_.]/).map((part) => (/^[0-9]+$/.test(part) ? Number.parseInt(part, 10) : part)) : null,
  };
}

export function isValidVersion(text: string): boolean {
  return parseVersion(text) !== null;
}

/** The normalised spelling (`1.0.0-RC1` → `1.0.0rc1`, `1.0-r2` → `1.0.post2`); null when invalid. */
export function normalizeVersion(text: string): string | null {
  const v = parseVersion(text);
  if (!v) return null;
  let out = v.epoch ? `${v.epoch}!` : "";
  out += v.release.join(".");
  if (v.pre) out += `${v.pre.label}${v.pre.number}`;
  if (v.post !== null) out += `.post${v.post}`;
  if (v.dev !== null) out += `.dev${v.dev}`;
  if (v.local) out += `+${v.local.join(".")}`;
  return out;
}

type Key = number[];

// Ordering keys as PEP 440 defines them: a dev release without pre/post sorts before any
// pre-release of the same release; no pre-release sorts after all of them; no post sorts
// before any post; no dev sorts after any dev.
function preKey(v: Pep440Version): Key {
  if (!v.pre && v.post === null && v.dev !== null) return [-1];
  if (!v.pre) return [3];
  return [{ a: 0, b: 1, rc: 2 }[v.pre.label], v.pre.number];
}

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareLocal(a: Pep440Version["local"], b: Pep440Version["local"]): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === "number" && typeof y === "number") {
      if (x !== y) return x < y ? -1 : 1;
    } else if (typeof x === "number") return 1; // numeric segments sort after alphanumeric ones
    else if (typeof y === "number") return -1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function compareParsed(a: Pep440Version, b: Pep440Version): number {
  return (
    compareKeys([a.epoch], [b.epoch]) ||
    compareKeys(a.release, b.release) ||
    compareKeys(preKey(a), preKey(b)) ||
    compareKeys([a.post ?? -1], [b.post ?? -1]) ||
    compareKeys([a.dev ?? Number.MAX_SAFE_INTEGER], [b.dev ?? Number.MAX_SAFE_INTEGER]) ||
    compareLocal(a.local, b.local)
  );
}

/** Orders two version strings by PEP 440; invalid versions sort before valid ones, by text. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (x && y) return compareParsed(x, y);
  if (x || y) return x ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True for pre-releases and dev releases (pip skips them unless asked). */
export function isPrerelease(text: string): boolean {
  const v = parseVersion(text);
  return v !== null && (v.pre !== null || v.dev !== null);
}
