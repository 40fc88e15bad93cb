/**
 * GOPROXY protocol paths, relative to `/go/{repo}/` and still escaped as the go command sends
 * them (https://go.dev/ref/mod#goproxy-protocol):
 *   `{module}/@v/list`, `{module}/@v/{version}.info|.mod|.zip`, `{module}/@latest`.
 * Module paths and versions are case-encoded (`!a` for `A`); the escaped module path is the
 * package's lookup key.
 */
import { checkModulePath, isCanonicalVersion, unescapeCase } from "./module-path";

export type GoPath =
  | { kind: "list"; module: string; key: string }
  | { kind: "latest"; module: string; key: string }
  | { kind: "info" | "mod" | "zip"; module: string; key: string; version: string; canonical: boolean };

function decode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** The module of an escaped path, and its key (the escaped form); null when invalid. */
function parseModule(escaped: string): { module: string; key: string } | null {
  const decoded = decode(escaped);
  const module = decoded === null ? null : unescapeCase(decoded);
  if (!module || decoded === null || checkModulePath(module)) return null;
  return { module, key: decoded };
}

export function parseGoPath(path: string): GoPath | null {
  if (path.endsWith("/@latest")) {
    const found = parseModule(path.slice(0, -"/@latest".length));
    return found && { kind: "latest", ...found };
  }
  const at = path.lastIndexOf("/@v/");
  if (at <= 0) return null;
  const found = parseModule(path.slice(0, at));
  if (!found) return null;
  const file = path.slice(at + "/@v/".length);
  if (file === "list") return { kind: "list", ...found };
  const match = /^(.+)\.(info|mod|zip)$/.exec(file);
  const version = match ? unescapeCase(decode(match[1] ?? "") ?? "") : null;
  if (!match || !version || version.includes("/") || version.length > 256) return null;
  const kind = match[2] as "info" | "mod" | "zip";
  const canonical = isCanonicalVersion(version);
  // Only `.info` accepts a query (`master.info`); `.mod` and `.zip` name a canonical version.
  if (!canonical && kind !== "info") return null;
  return { kind, ...found, version, canonical };
}
