/**
 * Splits an npm publish body (libnpmpublish: `{_id, name, description, dist-tags, versions,
 * access, _attachments: {"{name}-{version}.tgz": {content_type, data, length}}}`) into the
 * JSON document without the base64 attachment data, and the byte ranges of that data.
 *
 * The body is read once, as bytes (a JS string of it would double in size as soon as a
 * readme holds one non-Latin-1 character). A structural JSON scan (RFC 8259) finds each
 * `_attachments.{key}.data` string without parsing anything else; the data is later
 * decoded from its range in chunks (base64.ts), and only the small remainder goes through
 * JSON.parse. Peak memory is one copy of the body plus one decoded chunk.
 */
import { RegistryError } from "../../errors";

export interface AttachmentRange {
  /** The attachment's key, e.g. `pkg-1.0.0.tgz` or `@scope/pkg-1.0.0.tgz`. */
  key: string;
  /** Byte offsets of the base64 text inside the quotes. */
  start: number;
  end: number;
}

export interface ScannedBody {
  /** The document with every attachment's `data` emptied (`"data":""`). */
  document: unknown;
  attachments: AttachmentRange[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function malformed(detail: string): RegistryError {
  return new RegistryError("bad_request", `publish body is not valid JSON: ${detail}`);
}

/** Index of the closing quote of the string whose opening quote is at `open`. */
function stringEnd(bytes: Uint8Array, open: number): number {
  let i = open + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, i);
    if (quote < 0) throw malformed("unterminated string");
    let backslashes = 0;
    for (let j = quote - 1; j > open && bytes[j] === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    i = quote + 1;
  }
}

interface Frame {
  object: boolean;
  /** The current member's key (objects at depth ≤ 3 only; deeper keys are not decoded). */
  key: string | null;
  expectKey: boolean;
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function decodeKey(bytes: Uint8Array, open: number, close: number): string {
  const inner = bytes.subarray(open + 1, close);
  if (!inner.includes(BACKSLASH)) return new TextDecoder().decode(inner);
  const text = new TextDecoder().decode(bytes.subarray(open, close + 1));
  try {
    return JSON.parse(text) as string;
  } catch {
    throw malformed("bad string escape");
  }
}

/** Finds every `_attachments.{key}.data` string value in a top-level JSON object. */
export function findAttachmentData(bytes: Uint8Array): AttachmentRange[] {
  const found: AttachmentRange[] = [];
  const stack: Frame[] = [];
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] ?? 0;
    if (isWhitespace(byte) || byte === 0x2c || byte === 0x3a) {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (byte === 0x7b || byte === 0x5b) {
      stack.push({ object: byte === 0x7b, key: null, expectKey: byte === 0x7b });
      i++;
      continue;
    }
    if (byte === 0x7d || byte === 0x5d) {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent?.object) parent.expectKey = true;
      i++;
      continue;
    }
    if (byte === QUOTE) {
      const close = stringEnd(bytes, i);
      if (top?.object && top.expectKey) {
        // Only the path _attachments.{key}.data matters; other keys stay undecoded.
        const needed = stack.length === 1 || (stack.length <= 3 && stack[0]?.key === "_attachments");
        top.key = needed ? decodeKey(bytes, i, close) : null;
        top.expectKey = false;
      } else {
        const [root, entry, leaf] = stack;
        if (stack.length === 3 && root?.key === "_attachments" && entry?.object && entry.key !== null && leaf?.object && leaf.key === "data") {
          found.push({ key: entry.key, start: i + 1, end: close });
        }
        if (top?.object) top.expectKey = true;
      }
      i = close + 1;
      continue;
    }
    // A number, true, false or null: skip to the next delimiter.
    while (i < bytes.length) {
      const b = bytes[i] ?? 0;
      if (b === 0x2c || b === 0x7d || b === 0x5d || isWhitespace(b)) break;
      i++;
    }
    if (top?.object) top.expectKey = true;
  }
  return found;
}

/** Scans the body, then parses the document with the attachment data cut out. */
export function scanPublishBody(bytes: Uint8Array): ScannedBody {
  const attachments = findAttachmentData(bytes);
  const removed = attachments.reduce((sum, a) => sum + (a.end - a.start), 0);
  const rest = new Uint8Array(bytes.length - removed);
  let from = 0;
  let to = 0;
  for (const a of attachments) {
    rest.set(bytes.subarray(from, a.start), to);
    to += a.start - from;
    from = a.end;
  }
  rest.set(bytes.subarray(from), to);
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder().decode(rest));
  } catch (error) {
    throw malformed(error instanceof Error ? error.message : String(error));
  }
  return { document, attachments };
}
