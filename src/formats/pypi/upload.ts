/**
 * `twine upload` (the legacy upload API, as Warehouse's `file_upload`): the file streams
 * into the blob store while the same bytes, in lockstep (./lockstep-tee.ts), are read for
 * the core metadata; then the form, the
 * filename, the archive's METADATA/PKG-INFO and the digests must all agree before any
 * package, version or file row is written. A rejected upload leaves at most an
 * unreferenced blob, which blob GC collects.
 *
 * When the fields come before the file (twine sends them so), the form and the filename are
 * checked before a byte is stored.
 *
 * Checked (400 with the reason twine prints): `:action` and `protocol_version`, `name`,
 * `version` (PEP 440), `filetype` vs the file's kind, the filename (wheel or sdist, PEP
 * 427/625), name and version of the filename = form = archive metadata (PEP 503
 * normalisation, PEP 440 normalisation), at least one of `md5_digest`/`sha256_digest`
 * and each one sent matching (`blake2_256_digest` is not checked: WebCrypto has no
 * BLAKE2), the metadata size/ratio limits, a file that exists ("File already exists").
 */
import { RegistryError } from "../../errors";
import type { HostedSource } from "../../repositories/hosted-source";
import { parseCoreMetadata, readArchiveMetadata } from "./archive-metadata";
import { lockstepTee } from "../../storage/lockstep-tee";
import { filenameMatches, isValidProjectName, normalizeName, normalizeVersion, parseDistributionFilename, type DistributionFilename } from "./names";
import { metadataFilename, type PypiVersionMetadata, type StoredBlob } from "./stored";
import { field, readUploadForm, type UploadForm } from "./upload-form";

const bad = (message: string, fieldName?: string) => new RegistryError("bad_request", message, fieldName ? { field: fieldName } : {});

export const fileExistsMessage = (filename: string, sha256: string) =>
  `File already exists ('${filename}', with sha256 hash '${sha256}'). See https://pypi.org/help/#file-name-reuse for more information.`;

interface StoredUpload {
  parsed: DistributionFilename;
  blob: StoredBlob;
  metadata: Uint8Array;
}

function parseFilenameOrFail(filename: string): DistributionFilename {
  const parsed = parseDistributionFilename(filename);
  if (!parsed) {
    throw bad(`Invalid distribution file name '${filename.slice(0, 200)}': use a wheel (.whl, PEP 427) or an sdist (.tar.gz or .zip, PEP 625) named {name}-{version}…`, "content");
  }
  return parsed;
}

async function storeAndInspect(source: HostedSource, filename: string, stream: ReadableStream<Uint8Array>, fields: Map<string, string[]>): Promise<StoredUpload> {
  const parsed = parseFilenameOrFail(filename);
  // twine sends every field before the file: check what can be checked before storing anything.
  if (fields.has(":action") && fields.has("name") && fields.has("version") && fields.has("filetype")) {
    const early: UploadForm = { fields, filename };
    checkForm(early);
    checkFilename(early, parsed, filename);
  }
  const existing = await source.findFile(normalizeName(parsed.name), normalizeVersion(parsed.version) ?? parsed.version, filename.toLowerCase());
  if (existing) {
    await stream.cancel().catch(() => {});
    throw new RegistryError("exists", fileExistsMessage(filename, existing.blob.sha256));
  }
  const sha256 = fields.get("sha256_digest")?.[0]?.toLowerCase();
  const { main, side, abortSide } = lockstepTee(stream);
  const storing = source.storeBlob(main, sha256 && /^[0-9a-f]{64}$/.test(sha256) ? { expectedSha256: sha256 } : {}).catch((error: unknown) => {
    abortSide(error);
    throw error;
  });
  const [stored, inspected] = await Promise.allSettled([storing, readArchiveMetadata(side, parsed.kind, parsed.archive)]);
  if (stored.status === "rejected") {
    const error = stored.reason;
    if (error instanceof RegistryError && error.code === "digest_mismatch") throw bad("The digest supplied does not match a digest calculated from the uploaded file.", "sha256_digest");
    throw error;
  }
  if (inspected.status === "rejected") throw inspected.reason;
  return { parsed, blob: stored.value, metadata: inspected.value };
}

function checkForm(form: UploadForm): void {
  const action = field(form, ":action");
  if (action !== "file_upload") throw bad(action === undefined ? "Missing :action field: this endpoint takes `:action=file_upload` (twine upload)." : `Invalid value for :action: '${action.slice(0, 50)}'.`, ":action");
  const protocol = field(form, "protocol_version");
  if (protocol !== undefined && protocol !== "1") throw bad("Unknown protocol version.", "protocol_version");
  const name = field(form, "name") ?? "";
  if (!isValidProjectName(name)) throw bad(`'${name.slice(0, 100)}' is an invalid value for Name. Error: must start and end with a letter or digit and contain only ASCII letters, digits, '.', '_' and '-'.`, "name");
  const version = field(form, "version") ?? "";
  if (!normalizeVersion(version)) throw bad(`'${version.slice(0, 100)}' is an invalid value for Version. Error: must be a valid PEP 440 version.`, "version");
  if (form.filename === undefined) throw bad("Upload payload does not have a file.", "content");
  const filetype = field(form, "filetype");
  if (filetype !== "bdist_wheel" && filetype !== "sdist") throw bad(`Unknown type of file: '${(filetype ?? "").slice(0, 50)}' (expected bdist_wheel or sdist).`, "filetype");
  if (!field(form, "md5_digest") && !field(form, "sha256_digest")) throw bad("Include at least one message digest.", "sha256_digest");
}

/** The filename against the form's name, version and filetype. */
function checkFilename(form: UploadForm, parsed: DistributionFilename, filename: string): void {
  const name = field(form, "name") ?? "";
  const version = field(form, "version") ?? "";
  const expectedType = parsed.kind === "wheel" ? "bdist_wheel" : "sdist";
  if (field(form, "filetype") !== expectedType) throw bad(`Invalid distribution file: filetype is ${field(form, "filetype")} but ${filename} is a ${parsed.kind}.`, "filetype");
  if (normalizeName(parsed.name) !== normalizeName(name)) throw bad(`Start filename for '${name}' with '${name.replace(/[-_.]+/g, "_").toLowerCase()}'.`, "content");
  if (normalizeVersion(parsed.version) !== normalizeVersion(version)) throw bad(`Version in filename should be '${version}' not '${parsed.version}'.`, "content");
}

function checkAgreement(form: UploadForm, upload: StoredUpload, headers: Map<string, string[]>): { name: string; version: string } {
  const { parsed, blob } = upload;
  checkFilename(form, parsed, form.filename ?? "");
  const metaName = headers.get("name")?.[0];
  const metaVersion = headers.get("version")?.[0];
  const file = upload.parsed.kind === "wheel" ? "METADATA" : "PKG-INFO";
  if (!metaName || !metaVersion) throw bad(`Invalid distribution file: ${file} has no Name or Version.`, "content");
  if (!filenameMatches(parsed, metaName, metaVersion)) {
    throw bad(`Invalid distribution file: ${file} says ${metaName} ${metaVersion}, the filename ${parsed.name} ${parsed.version}.`, "content");
  }
  const md5 = field(form, "md5_digest");
  const sha256 = field(form, "sha256_digest");
  if ((md5 && md5.toLowerCase() !== blob.md5) || (sha256 && sha256.toLowerCase() !== blob.sha256)) {
    throw bad("The digest supplied does not match a digest calculated from the uploaded file.", md5 && md5.toLowerCase() !== blob.md5 ? "md5_digest" : "sha256_digest");
  }
  return { name: metaName, version: metaVersion };
}

function versionMetadata(form: UploadForm, headers: Map<string, string[]>): PypiVersionMetadata {
  const first = (header: string, formField: string) => headers.get(header)?.[0] || field(form, formField) || undefined;
  const all = (header: string, formField: string) => {
    const values = headers.get(header) ?? form.fields.get(formField) ?? [];
    return values.filter(Boolean);
  };
  const metadata: PypiVersionMetadata = {
    metadataVersion: first("metadata-version", "metadata_version"),
    summary: first("summary", "summary"),
    requiresPython: first("requires-python", "requires_python"),
    author: first("author", "author"),
    authorEmail: first("author-email", "author_email"),
    license: first("license-expression", "license_expression") ?? first("license", "license"),
    homePage: first("home-page", "home_page"),
    keywords: first("keywords", "keywords"),
    descriptionContentType: first("description-content-type", "description_content_type"),
    classifiers: all("classifier", "classifiers"),
    requiresDist: all("requires-dist", "requires_dist"),
    projectUrls: all("project-url", "project_urls"),
  };
  return Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as PypiVersionMetadata;
}

/** Handles one upload from start to finish; resolves when the file is listed. */
export async function handleUpload(source: HostedSource, body: ReadableStream<Uint8Array> | null, contentType: string | undefined): Promise<{ filename: string }> {
  const { form, file } = await readUploadForm(body, contentType, (filename, stream, fields) => storeAndInspect(source, filename, stream, fields));
  checkForm(form);
  if (!file || form.filename === undefined) throw bad("Upload payload does not have a file.", "content");
  const headers = parseCoreMetadata(file.metadata);
  const { name, version } = checkAgreement(form, file, headers);
  const lowerName = normalizeName(name);
  const lowerVersion = normalizeVersion(version) ?? version;
  const base = { packageName: name, lowerName, version, lowerVersion, metadata: versionMetadata(form, headers) };
  const filename = form.filename;
  try {
    await source.addFile("create-or-add", { ...base, file: { name: filename, lowerName: filename.toLowerCase(), isLead: true } }, file.blob);
  } catch (error) {
    if (error instanceof RegistryError && error.code === "exists") throw new RegistryError("exists", fileExistsMessage(filename, file.blob.sha256));
    throw error;
  }
  if (file.parsed.kind === "wheel") {
    // PEP 658: the wheel's METADATA, served at `{file}.metadata`, stored beside it.
    const metaName = metadataFilename(filename);
    const metaBlob = await source.storeBlob(new Blob([file.metadata]).stream(), { declaredSize: file.metadata.length });
    try {
      await source.addFile("add-to-version", { ...base, file: { name: metaName, lowerName: metaName.toLowerCase(), isLead: false } }, metaBlob);
    } catch (error) {
      await source.deleteFile(lowerName, lowerVersion, filename.toLowerCase(), `${name}/${version}/${filename}`).catch(() => {});
      throw error;
    }
  }
  return { filename };
}
