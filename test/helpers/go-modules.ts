/**
 * Go module zips for tests (integration in workerd, unit in Node, e2e fixtures): files under
 * `{module}@{version}/`, stored or deflated with fflate, as `go mod download` expects them.
 */
import { zipSync, type Zippable } from "fflate";

const encoder = new TextEncoder();

/** A module zip of `files` (path → text, relative to the module root); go.mod is added unless `goMod` is null. */
export function moduleZip(module: string, version: string, files: Record<string, string> = {}, goMod: string | null = `module ${module}\n\ngo 1.22\n`): Uint8Array {
  const entries: Zippable = {};
  const all = goMod === null ? files : { "go.mod": goMod, ...files };
  for (const [path, text] of Object.entries(all)) entries[`${module}@${version}/${path}`] = [encoder.encode(text), { level: 6 }];
  return zipSync(entries);
}

/** The package of a module with one exported function `Name() string` returning `value`. */
export function goPackage(packageName: string, value: string): string {
  return `package ${packageName}\n\n// Name says where this module came from.\nfunc Name() string { return ${JSON.stringify(value)} }\n`;
}
