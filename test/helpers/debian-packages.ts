/**
 * `.deb` fixtures built in memory (workerd has no dpkg-deb): an `ar` archive of
 * `debian-binary`, `control.tar.gz` (or plain `control.tar`) and `data.tar.gz`, as deb(5)
 * describes. The e2e and unit tests build real ones with dpkg-deb.
 */
import { gzipSync } from "fflate";

const encoder = new TextEncoder();

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** A ustar archive of regular files. */
export function tarOf(files: Record<string, string | Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, content] of Object.entries(files)) {
    const body = typeof content === "string" ? encoder.encode(content) : content;
    const header = new Uint8Array(512);
    header.set(encoder.encode(name).subarray(0, 100), 0);
    header.set(encoder.encode(octal(0o644, 8)), 100);
    header.set(encoder.encode(octal(0, 8)), 108);
    header.set(encoder.encode(octal(0, 8)), 116);
    header.set(encoder.encode(octal(body.length, 12)), 124);
    header.set(encoder.encode(octal(1_700_000_000, 12)), 136);
    header.set(encoder.encode("        "), 148);
    header[156] = "0".charCodeAt(0);
    header.set(encoder.encode("ustar\u000000"), 257);
    let sum = 0;
    for (const b of header) sum += b;
    header.set(encoder.encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    parts.push(header, body, new Uint8Array((512 - (body.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return concat(parts);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** An `ar` archive of the given members, in order. */
export function arOf(members: [string, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [encoder.encode("!<arch>\n")];
  for (const [name, body] of members) {
    const header = `${`${name}/`.padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${"100644".padEnd(8)}${String(body.length).padEnd(10)}\`\n`;
    parts.push(encoder.encode(header), body);
    if (body.length % 2) parts.push(encoder.encode("\n"));
  }
  return concat(parts);
}

export interface DebSpec {
  name: string;
  version: string;
  architecture?: string;
  /** Extra control lines (e.g. "Depends: libc6"). */
  extra?: string;
  /** Replaces the whole control text. */
  control?: string;
  /** Control archive compression; default gz. */
  compression?: "gz" | "none";
}

export function controlText(spec: DebSpec): string {
  return (
    spec.control ??
    [
      `Package: ${spec.name}`,
      `Version: ${spec.version}`,
      `Architecture: ${spec.architecture ?? "amd64"}`,
      "Maintainer: Edge Tests <tests@example.com>",
      "Installed-Size: 1",
      ...(spec.extra ? [spec.extra] : []),
      `Description: test package ${spec.name}`,
      " A package built by the Debian tests.",
      "",
    ].join("\n")
  );
}

export function debPackage(spec: DebSpec): Uint8Array {
  const controlTar = tarOf({ "./control": controlText(spec) });
  const control: [string, Uint8Array] = spec.compression === "none" ? ["control.tar", controlTar] : ["control.tar.gz", gzipSync(controlTar, { mtime: 0 })];
  const data = gzipSync(tarOf({ [`./usr/share/doc/${spec.name}/README`]: `${spec.name} ${spec.version}\n` }), { mtime: 0 });
  return arOf([["debian-binary", encoder.encode("2.0\n")], control, ["data.tar.gz", data]]);
}
