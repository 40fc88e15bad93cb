/**
 * A streaming `multipart/form-data` reader (RFC 7578) for twine's upload: text fields are
 * read into memory (each capped), while a file part is handed out as a ReadableStream so
 * the upload flows into the blob store without being buffered whole. Only the bytes that
 * may still be the start of the next boundary are held back between chunks.
 *
 * Workers' own `request.formData()` (and Hono's parseBody on top of it) buffers every file
 * in memory, which is why this exists.
 */
import { RegistryError } from "../../errors";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_HEADER_BYTES = 16 * 1024;

export interface PartHeaders {
  name: string;
  filename?: string;
  contentType?: string;
}

function malformed(message: string): RegistryError {
  return new RegistryError("bad_request", `malformed multipart body: ${message}`);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first ?? 0, from); i !== -1 && i <= last; i = haystack.indexOf(first ?? 0, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function parseDisposition(value: string): { name?: string; filename?: string } {
  if (!/^\s*form-data\s*(;|$)/i.test(value)) return {};
  const out: { name?: string; filename?: string } = {};
  for (const match of value.matchAll(/;\s*(name|filename)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/gi)) {
    const key = (match[1] ?? "").toLowerCase() as "name" | "filename";
    out[key] = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : (match[3] ?? "");
  }
  return out;
}

export class MultipartReader {
  private buffer: Uint8Array = new Uint8Array(0);
  private ended = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly delimiter: Uint8Array;
  private finished = false;
  private started = false;

  constructor(body: ReadableStream<Uint8Array>, boundary: string) {
    this.reader = body.getReader();
    this.delimiter = encoder.encode(`\r\n--${boundary}`);
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const { done, value } = await this.reader.read();
    if (done) {
      this.ended = true;
      return false;
    }
    this.buffer = concat(this.buffer, value);
    return true;
  }

  /** Moves to the next part and returns its headers; null after the closing boundary. */
  async nextPart(): Promise<PartHeaders | null> {
    if (this.finished) return null;
    if (!this.started) {
      // The first boundary has no leading CRLF; pretend it has one.
      this.buffer = concat(encoder.encode("\r\n"), this.buffer);
      this.started = true;
      let at = indexOf(this.buffer, this.delimiter, 0);
      while (at === -1) {
        if (this.buffer.length > MAX_HEADER_BYTES) throw malformed("no boundary found");
        if (!(await this.fill())) throw malformed("no boundary found");
        at = indexOf(this.buffer, this.delimiter, 0);
      }
      this.buffer = this.buffer.subarray(at + this.delimiter.length);
    }
    // After a delimiter: "--" ends the body, otherwise optional whitespace then CRLF.
    while (this.buffer.length < 2) if (!(await this.fill())) throw malformed("body ends inside a boundary");
    if (this.buffer[0] === 0x2d && this.buffer[1] === 0x2d) {
      this.finished = true;
      await this.reader.cancel().catch(() => {});
      return null;
    }
    const headerEnd = await this.find(encoder.encode("\r\n\r\n"), MAX_HEADER_BYTES, "part headers");
    const lines = decoder.decode(this.buffer.subarray(0, headerEnd)).split("\r\n");
    this.buffer = this.buffer.subarray(headerEnd + 4);
    const first = lines.shift()?.trim();
    if (first !== "") throw malformed("unexpected bytes after a boundary");
    const headers: PartHeaders = { name: "" };
    let hasDisposition = false;
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw malformed("a part header has no name");
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === "content-disposition") {
        const disposition = parseDisposition(value);
        if (disposition.name === undefined) throw malformed("a part has no form-data name");
        hasDisposition = true;
        headers.name = disposition.name;
        if (disposition.filename !== undefined) headers.filename = disposition.filename;
      } else if (key === "content-type") headers.contentType = value;
    }
    if (!hasDisposition) throw malformed("a part has no Content-Disposition");
    return headers;
  }

  /** Index of `needle` in the buffer, reading more as needed, at most `limit` bytes ahead. */
  private async find(needle: Uint8Array, limit: number, what: string): Promise<number> {
    let at = indexOf(this.buffer, needle, 0);
    while (at === -1) {
      if (this.buffer.length > limit + needle.length) throw malformed(`${what} too long`);
      if (!(await this.fill())) throw malformed(`body ends inside ${what}`);
      at = indexOf(this.buffer, needle, 0);
    }
    return at;
  }

  /** Reads the current part's body as UTF-8 text, at most `limit` bytes. */
  async readText(limit: number, field: string): Promise<string> {
    let at = indexOf(this.buffer, this.delimiter, 0);
    while (at === -1) {
      if (this.buffer.length > limit + this.delimiter.length) throw new RegistryError("bad_request", `field ${field} is longer than ${limit} bytes`, { field });
      if (!(await this.fill())) throw malformed(`body ends inside field ${field}`);
      at = indexOf(this.buffer, this.delimiter, 0);
    }
    if (at > limit) throw new RegistryError("bad_request", `field ${field} is longer than ${limit} bytes`, { field });
    const text = decoder.decode(this.buffer.subarray(0, at));
    this.buffer = this.buffer.subarray(at + this.delimiter.length);
    return text;
  }

  /**
   * The current part's body as a stream. It ends at the next boundary; the reader may be
   * used again (nextPart) only after the stream has been read to its end.
   */
  partStream(): ReadableStream<Uint8Array> {
    const keep = this.delimiter.length - 1;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        for (;;) {
          const at = indexOf(this.buffer, this.delimiter, 0);
          if (at !== -1) {
            if (at > 0) controller.enqueue(this.buffer.slice(0, at));
            this.buffer = this.buffer.subarray(at + this.delimiter.length);
            controller.close();
            return;
          }
          // Everything but a possible boundary prefix at the end can go out now.
          if (this.buffer.length > keep) {
            controller.enqueue(this.buffer.slice(0, this.buffer.length - keep));
            this.buffer = this.buffer.slice(this.buffer.length - keep);
            return;
          }
          if (!(await this.fill())) {
            controller.error(malformed("body ends inside the file part"));
            return;
          }
        }
      },
      cancel: async () => {
        await this.reader.cancel().catch(() => {});
      },
    });
  }
}
