/**
 * Reads twine's upload form (the legacy API: `multipart/form-data` with `:action`,
 * `name`, `version`, `filetype`, digests, core-metadata fields, and the file as `content`).
 * Text fields are collected (repeatable ones such as `classifiers` as lists); the file part
 * is handed to `onFile` as a stream the moment it starts, so it can flow into storage
 * while fields after it (twine sends them before it) are still read afterwards.
 */
import { RegistryError } from "../../errors";
import { multipartBoundary } from "../../http/request-body";
import { MultipartReader } from "./multipart";

const MAX_FIELD_BYTES = 1024 * 1024;
const MAX_FORM_BYTES = 8 * 1024 * 1024;
const MAX_FIELDS = 2000;

export interface UploadForm {
  fields: Map<string, string[]>;
  /** What `onFile` returned; undefined when the form had no `content` file. */
  filename?: string;
}

export function field(form: UploadForm, name: string): string | undefined {
  return form.fields.get(name)?.[0];
}

export async function readUploadForm<T>(
  body: ReadableStream<Uint8Array> | null,
  contentType: string | undefined,
  onFile: (filename: string, stream: ReadableStream<Uint8Array>, fieldsSoFar: Map<string, string[]>) => Promise<T>,
): Promise<{ form: UploadForm; file: T | undefined }> {
  const boundary = multipartBoundary(contentType);
  if (!boundary) throw new RegistryError("bad_request", "Content-Type must be multipart/form-data with a boundary (the legacy upload API)");
  if (!body) throw new RegistryError("bad_request", "Upload payload does not have a file.");
  const reader = new MultipartReader(body, boundary);
  const fields = new Map<string, string[]>();
  let total = 0;
  let count = 0;
  let file: T | undefined;
  let filename: string | undefined;
  for (let part = await reader.nextPart(); part; part = await reader.nextPart()) {
    if (++count > MAX_FIELDS) throw new RegistryError("bad_request", `the form has more than ${MAX_FIELDS} parts`);
    if (part.filename !== undefined) {
      if (part.name !== "content") throw new RegistryError("bad_request", `unexpected file in form field ${part.name}: only "content" carries a file`, { field: part.name });
      if (filename !== undefined) throw new RegistryError("bad_request", "the form has more than one content file", { field: "content" });
      filename = part.filename;
      const stream = reader.partStream();
      file = await onFile(part.filename, stream, fields);
      continue;
    }
    const value = await reader.readText(MAX_FIELD_BYTES, part.name);
    total += value.length;
    if (total > MAX_FORM_BYTES) throw new RegistryError("bad_request", `form fields exceed ${MAX_FORM_BYTES} bytes`);
    const values = fields.get(part.name) ?? [];
    values.push(value);
    fields.set(part.name, values);
  }
  return { form: { fields, ...(filename === undefined ? {} : { filename }) }, file };
}
