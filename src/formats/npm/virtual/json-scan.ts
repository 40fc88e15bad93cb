/**
 * A minimal JSON scanner that finds the members of an object without building them.
 * Huge packuments (20 MB, thousands of versions) are merged and filtered by moving each
 * version's raw JSON text around instead of parsing it into objects, so a merge costs
 * about two copies of the text in memory rather than the many-times-larger object graph
 * JSON.parse would build (https://www.rfc-editor.org/rfc/rfc8259).
 */

export class JsonScanError extends Error {
  override name = "JsonScanError";
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** Index just past the string starting at `i` (which must be a quote). */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  throw new JsonScanError("unterminated string");
}

/** Index just past the JSON value starting at `i`. */
export function skipValue(text: string, i: number): number {
  i = skipWhitespace(text, i);
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    while (i < text.length) {
      const d = text[i];
      if (d === '"') {
        i = skipString(text, i);
        continue;
      }
      if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new JsonScanError("unterminated object or array");
  }
  const match = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
  if (!match) throw new JsonScanError(`unexpected character at ${i}`);
  return i + match[0].length;
}

/**
 * The members of the JSON object in `text` (which must be exactly one object), as
 * [key, raw value text] pairs in document order.
 */
export function objectMembers(text: string): [string, string][] {
  let i = skipWhitespace(text, 0);
  if (text[i] !== "{") throw new JsonScanError("not a JSON object");
  i++;
  const members: [string, string][] = [];
  for (;;) {
    i = skipWhitespace(text, i);
    if (text[i] === "}") break;
    if (text[i] !== '"') throw new JsonScanError(`expected a key at ${i}`);
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ":") throw new JsonScanError(`expected ':' at ${i}`);
    const valueStart = skipWhitespace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    members.push([key, text.slice(valueStart, valueEnd)]);
    i = skipWhitespace(text, valueEnd);
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new JsonScanError(`expected ',' or '}' at ${i}`);
  }
  if (skipWhitespace(text, i + 1) !== text.length) throw new JsonScanError("trailing characters after the object");
  return members;
}

/** Serialises [key, raw value] pairs back into an object's text. */
export function joinMembers(members: Iterable<readonly [string, string]>): string {
  const parts: string[] = [];
  for (const [key, raw] of members) parts.push(`${JSON.stringify(key)}:${raw}`);
  return `{${parts.join(",")}}`;
}
