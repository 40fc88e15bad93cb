/**
 * Go module paths and versions as the module proxy protocol spells them
 * (https://go.dev/ref/mod#goproxy-protocol and golang.org/x/mod/module):
 * - case encoding: every upper-case letter becomes `!` + its lower-case form
 *   (`github.com/Azure/x` → `github.com/!azure/x`), so paths are safe on case-insensitive
 *   file systems; the escaped form is unique and is the package's lookup key here;
 * - `checkModulePath`: module.CheckPath (dot in the first element, allowed characters, no
 *   `.`/`..` elements, no trailing slash, major-version suffix `/vN`, N ≥ 2);
 * - `checkVersion`: canonical semantic versions only (`v1.2.3`, `v1.2.3-pre`,
 *   `v2.0.0+incompatible`), with the path's major-version suffix consistent (module.Check);
 * - `checkFilePath`: module.CheckFilePath for a path inside a module zip.
 * Each check returns an error message (the go command's wording where it has one) or null.
 */

/** `!`-escapes upper-case letters; null when the string already contains `!`. */
export function escapeCase(value: string): string | null {
  if (value.includes("!")) return null;
  return value.replace(/[A-Z]/g, (letter) => `!${letter.toLowerCase()}`);
}

/** Reverses `escapeCase`; null for upper-case letters or a `!` not followed by a lower-case letter. */
export function unescapeCase(value: string): string | null {
  if (/[A-Z]/.test(value)) return null;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const char = value[i] ?? "";
    if (char !== "!") {
      out += char;
      continue;
    }
    const next = value[i + 1] ?? "";
    if (!/[a-z]/.test(next)) return null;
    out += next.toUpperCase();
    i++;
  }
  return out;
}

const SEMVER = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?(\+incompatible)?$/;
const PSEUDO = /^v\d+\.\d+\.\d+-(?:.*\.)?(?:0\.)?\d{14}-[0-9a-f]{12}(?:\+incompatible)?$/;

/** True for a canonical version (the only kind a module zip or a proxy's `@v/list` holds). */
export function isCanonicalVersion(version: string): boolean {
  return version.length <= 128 && SEMVER.test(version);
}

/** True for a pseudo-version (`v0.0.0-20191109021931-daa7c04131f5` and its variants). */
export function isPseudoVersion(version: string): boolean {
  return isCanonicalVersion(version) && PSEUDO.test(version);
}

export function isPrerelease(version: string): boolean {
  return /^v\d+\.\d+\.\d+-/.test(version);
}

/** The `/vN` (or gopkg.in `.vN`) major-version suffix of a module path, or "". */
export function majorSuffix(path: string): string {
  if (path.startsWith("gopkg.in/")) return /\.(v\d+(?:-unstable)?)$/.exec(path)?.[1] ?? "";
  const match = /\/(v\d+)$/.exec(path);
  return match && match[1] !== "v0" && match[1] !== "v1" && !/^v0\d/.test(match[1] ?? "") ? (match[1] ?? "") : "";
}

const MODULE_CHAR = /^[A-Za-z0-9._~-]$/;

function checkElement(element: string, what: string): string | null {
  if (element === "") return `malformed ${what}: empty path element`;
  if (element === "." || element === "..") return `malformed ${what}: invalid path element "${element}"`;
  if (element.endsWith(".")) return `malformed ${what}: trailing dot in path element`;
  return null;
}

/** module.CheckPath; null when the module path is valid. */
export function checkModulePath(path: string): string | null {
  if (path.length === 0) return "malformed module path \"\": empty string";
  if (path.length > 300) return "malformed module path: too long";
  if (path.startsWith("/") || path.endsWith("/")) return `malformed module path "${path}": leading or trailing slash`;
  const elements = path.split("/");
  for (const element of elements) {
    const problem = checkElement(element, `module path "${path}"`);
    if (problem) return problem;
    if (element.startsWith(".")) return `malformed module path "${path}": leading dot in path element`;
    for (const char of element) if (!MODULE_CHAR.test(char)) return `malformed module path "${path}": invalid char '${char}'`;
  }
  const first = elements[0] ?? "";
  if (!first.includes(".")) return `malformed module path "${path}": missing dot in first path element`;
  if (first.startsWith("-")) return `malformed module path "${path}": leading dash in first path element`;
  if (/[A-Z_~]/.test(first)) return `malformed module path "${path}": invalid char in first path element`;
  const last = elements[elements.length - 1] ?? "";
  if (/^v\d+$/.test(last) && elements.length > 1 && (last === "v0" || last === "v1" || /^v0/.test(last))) {
    return `malformed module path "${path}": major version suffix must be v2 or above`;
  }
  return null;
}

/** module.Check: the version is canonical and agrees with the path's major-version suffix. */
export function checkVersion(path: string, version: string): string | null {
  if (!isCanonicalVersion(version)) return `${path}@${version}: invalid version: not a canonical semantic version`;
  const major = /^v(\d+)\./.exec(version)?.[1] ?? "0";
  const suffix = majorSuffix(path);
  const incompatible = version.endsWith("+incompatible");
  if (suffix === "") {
    if (Number(major) >= 2 && !incompatible) return `${path}@${version}: invalid version: should be v0 or v1, not v${major}`;
    return null;
  }
  if (incompatible) return `${path}@${version}: invalid version: +incompatible suffix not allowed: major version suffix ${suffix} in module path`;
  const expected = suffix.replace(/^v/, "").replace(/-unstable$/, "");
  if (major !== expected) return `${path}@${version}: invalid version: should be ${suffix}, not v${major}`;
  return null;
}

const FILE_CHAR = /^[\p{L}0-9!#$%&()+,\-.=@[\]^_{}~ ]$/u;
const WINDOWS_RESERVED = /^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])$/i;

/** module.CheckFilePath for the part of a zip entry after `module@version/`. */
export function checkFilePath(file: string): string | null {
  if (file.startsWith("/") || file.endsWith("/")) return `malformed file path "${file}": leading or trailing slash`;
  for (const element of file.split("/")) {
    const problem = checkElement(element, `file path "${file}"`);
    if (problem) return problem;
    for (const char of element) if (!FILE_CHAR.test(char)) return `malformed file path "${file}": invalid char '${char}'`;
    const short = element.split(".")[0] ?? "";
    if (WINDOWS_RESERVED.test(short)) return `malformed file path "${file}": "${short}" disallowed as path element component on Windows`;
    if (/~\d+$/.test(short)) return `malformed file path "${file}": trailing tilde and digits in path element`;
  }
  return null;
}
