/**
 * `n`/`last` pagination of tag lists and the catalog (distribution-spec "Listing Tags"):
 * entries in lexical order after `last`, at most `n`, and a `Link: <…>; rel="next"` header
 * when more follow. Pure.
 */
import { OciError } from "./errors";

/** Longest page served, whatever `n` asks for. */
export const MAX_PAGE = 1000;

export interface Page {
  entries: string[];
  /** The `Link` header value, when more entries follow. */
  link: string | null;
}

export function paginate(sorted: readonly string[], query: { n?: string | undefined; last?: string | undefined }, path: string): Page {
  let n = MAX_PAGE;
  if (query.n !== undefined) {
    if (!/^\d{1,9}$/.test(query.n)) throw new OciError("UNSUPPORTED", `n must be a non-negative integer, not ${JSON.stringify(query.n.slice(0, 20))}`, { status: "bad_request" });
    n = Math.min(Number(query.n), MAX_PAGE);
  }
  const after = query.last === undefined ? sorted : sorted.filter((t) => t > (query.last ?? ""));
  const entries = after.slice(0, n);
  const more = after.length > entries.length && entries.length > 0;
  const last = entries.at(-1) ?? "";
  return { entries, link: more ? `<${path}?n=${n}&last=${encodeURIComponent(last)}>; rel="next"` : null };
}

/** Lexical (code point) order, as docker-distribution sorts. */
export const lexical = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
