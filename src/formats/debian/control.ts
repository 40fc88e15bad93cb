/**
 * A binary package's `control` file (deb-control(5)): one stanza of `Field: value` lines,
 * continuation lines starting with a space or tab. The whole text is kept verbatim (trimmed)
 * and re-emitted in `Packages`; name, version and architecture are validated as dpkg does
 * (Gitea's rules: policy §5.6.1 name, §5.6.12 version).
 */
import { RegistryError } from "../../errors";

export interface ControlFile {
  name: string;
  version: string;
  architecture: string;
  /** The control text, trimmed, without a trailing newline; fields in their original order. */
  text: string;
  fields: Map<string, string>;
}

const NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const VERSION = /^(?:(?:0|[1-9][0-9]*):)?[a-zA-Z0-9.+~]+(?:-[a-zA-Z0-9.+~-]+)?$/;
const ARCHITECTURE = /^[a-z0-9][a-z0-9-]*$/;
/** Fields a Packages stanza gets from us; an uploaded control file must not carry them. */
const GENERATED = new Set(["filename", "size", "md5sum", "sha1", "sha256", "sha512"]);

export const isPackageName = (name: string): boolean => NAME.test(name) && name.length <= 128;
export const isPackageVersion = (version: string): boolean => VERSION.test(version) && version.length <= 128;
export const isArchitecture = (arch: string): boolean => ARCHITECTURE.test(arch) && arch.length <= 64;

const invalid = (message: string) => new RegistryError("bad_request", `invalid control file: ${message}`);

/** Parses and validates a control file; a 400 naming the field at fault otherwise. */
export function parseControl(raw: string): ControlFile {
  const text = raw.replace(/\r\n/g, "\n").trim();
  if (!text) throw invalid("it is empty");
  const fields = new Map<string, string>();
  let current: string | null = null;
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || /^\s*$/.test(line)) throw invalid("more than one stanza (blank line)");
    if (/^[ \t]/.test(line)) {
      if (!current) throw invalid("continuation line before the first field");
      fields.set(current, `${fields.get(current) ?? ""}\n${line}`);
      lines.push(line);
      continue;
    }
    const match = /^([!-9;-~][!-9;-~]*):(.*)$/.exec(line);
    if (!match) throw invalid(`not a field: ${line.slice(0, 80)}`);
    const name = (match[1] ?? "").toLowerCase();
    if (fields.has(name)) throw invalid(`field ${match[1]} appears twice`);
    if (GENERATED.has(name)) continue; // the Packages index adds these for the stored file
    current = name;
    fields.set(name, (match[2] ?? "").trim());
    lines.push(line);
  }
  const name = fields.get("package") ?? "";
  const version = fields.get("version") ?? "";
  const architecture = fields.get("architecture") ?? "";
  if (!name) throw invalid("Package field is missing");
  if (!isPackageName(name)) throw invalid(`Package "${name.slice(0, 80)}" is not a valid package name`);
  if (!version) throw invalid("Version field is missing");
  if (!isPackageVersion(version)) throw invalid(`Version "${version.slice(0, 80)}" is not a valid version`);
  if (!architecture) throw invalid("Architecture field is missing");
  if (!isArchitecture(architecture)) throw invalid(`Architecture "${architecture.slice(0, 80)}" is not a valid architecture`);
  return { name, version, architecture, text: lines.join("\n"), fields };
}

/** Version metadata shown by the API and UI: the control file's descriptive fields. */
export function controlMetadata(control: ControlFile): Record<string, unknown> {
  const description = control.fields.get("description");
  const depends = control.fields.get("depends");
  return {
    ...(description ? { description: description.split("\n")[0], longDescription: description } : {}),
    ...(control.fields.get("maintainer") ? { maintainer: control.fields.get("maintainer") } : {}),
    ...(control.fields.get("homepage") ? { homepage: control.fields.get("homepage") } : {}),
    ...(depends ? { dependencies: depends.split(",").map((d) => d.replace(/\s+/g, " ").trim()).filter(Boolean) } : {}),
  };
}
