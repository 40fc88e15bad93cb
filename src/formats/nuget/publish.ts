/**
 * `dotnet nuget push` / `nuget push`: `PUT /nuget/{repo}/` (or `…/api/v2/package`), the
 * `.nupkg` as the first file part of a `multipart/form-data` body (NuGet.Client) or as the raw
 * body (curl). The package is read whole (at most MAX_NUPKG_BYTES), checked to be a zip, its
 * root-level `{id}.nuspec` parsed (./nuspec.ts), and only then stored: a corrupt archive, a
 * missing nuspec, a nuspec whose file name or a `{id}.{version}.nupkg` upload file name that
 * disagrees with the nuspec's id/version, or a symbol package is a 400 that stores nothing;
 * an existing version is a 409 (NuGet.org's rule; versions are immutable). Stored files:
 * `{id}.{version}.nupkg` (lead) and `{id}.nuspec` (the manifest bytes), both lower case.
 */
import { readZipEntry } from "../../archive/zip";
import { RegistryError } from "../../errors";
import type { PackageWriter } from "../../repositories/package-source";
import { readBodyBytes } from "../../http/request-body";
import { multipartBoundary } from "../../http/request-body";
import { parseNuspec, type Nuspec } from "./nuspec";
import { nupkgFilename, nuspecFilename, type NuGetVersionMetadata } from "./stored";
import { lowerNuGetVersion, normalizeNuGetVersion } from "./versions";

export const MAX_NUPKG_BYTES = 64 * 1024 * 1024;
const LABEL = "invalid .nupkg";

/** The uploaded package's bytes and the file name the client gave it (multipart), if any. */
async function uploadedPackage(request: Request): Promise<{ bytes: Uint8Array; filename: string | null }> {
  const boundary = multipartBoundary(request.headers.get("Content-Type") ?? undefined);
  const body = await readBodyBytes(request.body, MAX_NUPKG_BYTES + 64 * 1024);
  return boundary ? firstFilePart(body, boundary) : { bytes: body, filename: null };
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The first file part of a buffered `multipart/form-data` body. Lenient about line ends, as
 * clients differ: nuget.exe 2.x on mono ends the file with `\n--boundary--` (no CR).
 */
export function firstFilePart(body: Uint8Array, boundary: string): { bytes: Uint8Array; filename: string | null } {
  const encoder = new TextEncoder();
  const delimiter = encoder.encode(`--${boundary}`);
  const bad = (message: string) => new RegistryError("bad_request", `malformed multipart body: ${message}`);
  let at = indexOf(body, delimiter, 0);
  while (at >= 0) {
    // `--boundary--`: the closing delimiter, no more parts.
    if (body[at + delimiter.length] === 0x2d && body[at + delimiter.length + 1] === 0x2d) break;
    const headersEnd = indexOf(body, encoder.encode("\r\n\r\n"), at);
    if (headersEnd < 0) throw bad("a part has no end of headers");
    const headers = new TextDecoder().decode(body.subarray(at + delimiter.length, headersEnd));
    const start = headersEnd + 4;
    let next = indexOf(body, delimiter, start);
    if (next < 0) throw bad("no closing boundary");
    const filename = /filename\*?=\s*(?:"([^"]*)"|([^;\r\n]*))/i.exec(headers);
    if (filename) {
      let end = next;
      if (body[end - 1] === 0x0a) end -= body[end - 2] === 0x0d ? 2 : 1;
      if (body.length > MAX_NUPKG_BYTES && end - start > MAX_NUPKG_BYTES) throw new RegistryError("too_large", `the package exceeds ${MAX_NUPKG_BYTES} bytes`);
      return { bytes: body.subarray(start, end), filename: (filename[1] ?? filename[2] ?? "").trim() };
    }
    at = next;
    next = -1;
  }
  throw new RegistryError("bad_request", "the multipart body has no package file part");
}

/** Reads and checks the nuspec of a nupkg held in memory. */
export async function readNupkgManifest(bytes: Uint8Array): Promise<{ nuspec: Nuspec; raw: Uint8Array; entry: string }> {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new RegistryError("bad_request", `${LABEL}: it is not a zip archive`);
  const raw = await readZipEntry(new Blob([bytes]).stream(), /^[^/]+\.nuspec$/i, {
    label: LABEL,
    entry: ".nuspec",
    maxEntryBytes: 3 * 1024 * 1024,
    maxRatio: 1000,
    maxScanBytes: MAX_NUPKG_BYTES * 4,
  }).catch((error: unknown) => {
    if (error instanceof RegistryError) throw error;
    throw new RegistryError("bad_request", `${LABEL}: the zip archive is corrupt (${error instanceof Error ? error.message : String(error)})`);
  });
  if (!raw) throw new RegistryError("bad_request", `${LABEL}: it has no .nuspec manifest at its root`);
  const nuspec = parseNuspec(new TextDecoder().decode(raw));
  const entry = nuspecEntryName(bytes);
  if (entry && entry.toLowerCase() !== `${nuspec.id}.nuspec`.toLowerCase()) {
    throw new RegistryError("bad_request", `${LABEL}: the manifest ${entry} does not match the package id '${nuspec.id}' (expected ${nuspec.id}.nuspec)`);
  }
  if (nuspec.packageTypes.some((t) => t.toLowerCase() === "symbolspackage")) {
    throw new RegistryError("bad_request", "symbol packages (.snupkg) are not supported by this registry: push the .nupkg only");
  }
  return { nuspec, raw, entry };
}

/** The name of the root-level nuspec entry, from the zip's central directory ("" when unreadable). */
export function nuspecEntryName(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return "";
  const count = view.getUint16(end + 10, true);
  const decoder = new TextDecoder();
  for (let i = 0, at = view.getUint32(end + 16, true); i < count && at + 46 <= bytes.length; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) return "";
    const nameLength = view.getUint16(at + 28, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (/^[^/]+\.nuspec$/i.test(name)) return name;
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return "";
}

/** A `{id}.{version}.nupkg` upload file name must name the package inside. */
function checkFilename(filename: string | null, nuspec: Nuspec): void {
  if (!filename) return;
  const base = filename.replace(/^.*[\\/]/, "");
  if (!/\.nupkg$/i.test(base) || base.toLowerCase() === "package.nupkg") return;
  const expected = `${nuspec.id}.${nuspec.version}.nupkg`.toLowerCase();
  const stem = base.slice(0, -".nupkg".length);
  const idPrefix = `${nuspec.id}.`.toLowerCase();
  const version = stem.toLowerCase().startsWith(idPrefix) ? normalizeNuGetVersion(stem.slice(idPrefix.length)) : null;
  if (base.toLowerCase() !== expected && version?.toLowerCase() !== nuspec.version.toLowerCase()) {
    throw new RegistryError("bad_request", `${LABEL}: the upload is named ${base} but its .nuspec says ${nuspec.id} ${nuspec.version}`);
  }
}

export function versionMetadata(nuspec: Nuspec): NuGetVersionMetadata {
  return { ...nuspec, listed: true };
}

/** Handles one push; resolves with the stored id and version. */
export async function handlePush(source: PackageWriter, request: Request): Promise<Nuspec> {
  const { bytes, filename } = await uploadedPackage(request);
  const { nuspec, raw } = await readNupkgManifest(bytes);
  checkFilename(filename, nuspec);
  const lowerName = nuspec.id.toLowerCase();
  const lowerVersion = lowerNuGetVersion(nuspec.version);
  return source.withPackageLock(lowerName, async () => {
    const existing = await source.findPackageRow(lowerName);
    const existingVersion = existing ? await source.findVersionRow(existing.id, lowerVersion) : null;
    if (existingVersion) throw new RegistryError("exists", `package ${existing?.name ?? nuspec.id} ${existingVersion.version} already exists (versions are immutable; push a new version)`);
    const packageName = existing?.name ?? nuspec.id;
    const coordinates = { packageName, lowerName, version: nuspec.version, lowerVersion };
    const [nupkg, manifest] = await Promise.all([
      source.storeBlob(new Blob([bytes]).stream(), { declaredSize: bytes.length }),
      source.storeBlob(new Blob([raw]).stream(), { declaredSize: raw.length }),
    ]);
    // The manifest first: the version's documents are built once, when its .nupkg (the lead file) arrives.
    const nuspecName = nuspecFilename(nuspec.id);
    await source.addFile("create-version", { ...coordinates, metadata: versionMetadata(nuspec), file: { name: nuspecName, lowerName: nuspecName.toLowerCase() } }, manifest);
    const nupkgName = nupkgFilename(nuspec.id, nuspec.version);
    try {
      await source.addFile("add-to-version", { ...coordinates, file: { name: nupkgName, lowerName: nupkgName.toLowerCase(), isLead: true } }, nupkg);
    } catch (error) {
      // Leave no version without its package behind.
      const pkg = await source.findPackageRow(lowerName);
      const row = pkg ? await source.findVersionRow(pkg.id, lowerVersion) : null;
      if (pkg && row) await source.removeVersions(pkg, [row]);
      throw error;
    }
    return nuspec;
  });
}
