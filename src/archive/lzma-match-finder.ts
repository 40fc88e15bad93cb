/**
 * A hash-chain match finder for our LZMA encoder (./lzma2-encode.ts): every position is
 * hashed by its next three bytes; a chain links positions with the same hash, newest first,
 * and is walked at most `depth` links back within the dictionary. `find` reports the matches
 * it saw with strictly increasing lengths (the last is the longest), like liblzma's finders,
 * which the parser's heuristics expect.
 */

const HASH_BITS = 17;
export const MATCH_LEN_MAX = 273;
const MIN_MATCH = 3;

export class MatchFinder {
  private readonly head = new Int32Array(1 << HASH_BITS).fill(-1);
  /** Previous position with the same hash, by `position & mask` (a ring of `window` slots). */
  private readonly chain: Int32Array;
  private readonly mask: number;

  /**
   * @param window a power of two: matches reach at most `window - 1` bytes back, which the
   *   caller's dictionary size must allow.
   */
  constructor(
    private readonly data: Uint8Array,
    private readonly window: number,
    private readonly depth: number,
    private readonly niceLength: number,
  ) {
    // Short data needs no more slots than it has positions (a power of two, like the window).
    let size = 1;
    while (size < window && size < data.length) size *= 2;
    this.chain = new Int32Array(size);
    this.mask = size - 1;
  }

  private hash(pos: number): number {
    const d = this.data;
    const value = ((d[pos] ?? 0) << 16) | ((d[pos + 1] ?? 0) << 8) | (d[pos + 2] ?? 0);
    return Math.imul(value, 0x9e3779b1) >>> (32 - HASH_BITS);
  }

  /** Adds `pos` to its chain; returns the previous position with its hash (or -1). */
  private insert(pos: number): number {
    if (pos + MIN_MATCH > this.data.length) return -1;
    const h = this.hash(pos);
    const previous = this.head[h] ?? -1;
    this.head[h] = pos;
    this.chain[pos & this.mask] = previous;
    return previous;
  }

  /** Inserts `count` positions from `pos` on without searching (the inside of a chosen match). */
  skip(pos: number, count: number): void {
    for (let i = 0; i < count; i++) this.insert(pos + i);
  }

  /**
   * Matches at `pos` (which is inserted), longest last, into `lengths` and `distances`
   * (0-based: one byte back is 0); returns how many.
   */
  find(pos: number, lengths: Int32Array, distances: Int32Array): number {
    const data = this.data;
    const avail = Math.min(data.length - pos, MATCH_LEN_MAX);
    let candidate = this.insert(pos);
    if (avail < MIN_MATCH) return 0;
    let count = 0;
    let best = MIN_MATCH - 1;
    for (let links = this.depth; candidate >= 0 && links > 0; links--) {
      const distance = pos - candidate;
      if (distance >= this.window) break;
      if (data[candidate + best] === data[pos + best] && data[candidate] === data[pos]) {
        let length = 1;
        while (length < avail && data[candidate + length] === data[pos + length]) length++;
        if (length > best) {
          best = length;
          lengths[count] = length;
          distances[count] = distance - 1;
          count++;
          if (length >= this.niceLength || length === avail) break;
        }
      }
      const next = this.chain[candidate & this.mask] ?? -1;
      if (next >= candidate) break; // the slot was reused by a newer position: the chain ends
      candidate = next;
    }
    return count;
  }
}
