/**
 * PyPI fixtures built in memory (workerd and Node alike): wheels (zip via fflate), sdists
 * (a hand-written ustar + gzip via CompressionStream), and twine's multipart upload body.
 */
import { zipSync } from "fflate";

const encoder = new TextEncoder();

export function coreMetadata(name: string, version: string, extra: Record<string, string> = {}): string {
  const lines = ["Metadata-Version: 2.1", `Name: ${name}`, `Version: ${version}`, ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join("\n")}\n\nA long description.\n`;
}

/** A minimal wheel; `metadata` overrides the METADATA bytes (e.g. a bomb). */
export function wheel(name: string, version: string, options: { metadata?: Uint8Array | string; extra?: Record<string, string> } = {}): Uint8Array {
  const dist = `${name.replace(/[-_.]+/g, "_")}-${version}.dist-info`;
  const metadata = options.metadata ?? coreMetadata(name, version, options.extra);
  return zipSync({
    [`${name.replace(/[-_.]+/g, "_")}/__init__.py`]: encoder.encode("VALUE = 1\n"),
    [`${dist}/METADATA`]: [typeof metadata === "string" ? encoder.encode(metadata) : metadata, { level: 9 }],
    [`${dist}/WHEEL`]: encoder.encode("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    [`${dist}/RECORD`]: encoder.encode(""),
  });
}

function tarHeader(name: string, size: number): Uint8Array {
  const header = new Uint8Array(512);
  header.set(encoder.encode(name).subarray(0, 100), 0);
  const octal = (value: number, length: number) => encoder.encode(`${value.toString(8).padStart(length - 1, "0")}\0`);
  header.set(octal(0o644, 8), 100);
  header.set(octal(0, 8), 108);
  header.set(octal(0, 8), 116);
  header.set(octal(size, 12), 124);
  header.set(octal(0, 12), 136);
  header.set(encoder.encode("        "), 148);
  header[156] = "0".charCodeAt(0);
  header.set(encoder.encode("ustar\0"), 257);
  header.set(encoder.encode("00"), 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.set(encoder.encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
  return header;
}

export function tar(entries: Record<string, Uint8Array | string>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, content] of Object.entries(entries)) {
    const data = typeof content === "string" ? encoder.encode(content) : content;
    parts.push(tarHeader(name, data.length), data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return concatBytes(parts);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function sdist(name: string, version: string, options: { pkgInfo?: string } = {}): Promise<Uint8Array> {
  const root = `${name.replace(/[-_.]+/g, "_")}-${version}`;
  return gzip(tar({ [`${root}/setup.py`]: "from setuptools import setup\nsetup()\n", [`${root}/PKG-INFO`]: options.pkgInfo ?? coreMetadata(name, version) }));
}

export async function hexDigest(algorithm: "SHA-256" | "MD5", data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest(algorithm, data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export interface UploadFields {
  [field: string]: string | string[] | undefined;
}

/** twine's form: fields first, then `content`; returns the body and its Content-Type. */
export function uploadBody(fields: UploadFields, file: { filename: string; content: Uint8Array } | null, boundary = "----pypi-test-boundary-7f3a"): { body: Uint8Array; contentType: string } {
  const parts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(fields)) {
    for (const v of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
      parts.push(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`));
    }
  }
  if (file) {
    parts.push(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${file.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`), file.content, encoder.encode("\r\n"));
  }
  parts.push(encoder.encode(`--${boundary}--\r\n`));
  return { body: concatBytes(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The fields twine sends for a file (digests computed), merged with overrides. */
export async function twineFields(name: string, version: string, filename: string, content: Uint8Array, overrides: UploadFields = {}): Promise<UploadFields> {
  return {
    ":action": "file_upload",
    protocol_version: "1",
    metadata_version: "2.1",
    name,
    version,
    filetype: filename.endsWith(".whl") ? "bdist_wheel" : "sdist",
    pyversion: filename.endsWith(".whl") ? "py3" : "source",
    md5_digest: await hexDigest("MD5", content),
    sha256_digest: await hexDigest("SHA-256", content),
    ...overrides,
  };
}
