/**
 * LZMA2 compression for our `.xz` encoder (./xz-encode.ts): the parser that decides, position
 * by position, between a literal, a match and a rep match, and the LZMA2 framing.
 *
 * Parsing is liblzma's "fast" mode (lzma_encoder_optimum_fast.c, used by `xz -0…-3`): take the
 * longest match unless a rep match is nearly as long, prefer closer matches of one byte less,
 * and look one byte ahead — when the next position has a clearly better match, emit a literal
 * now — plus one rule of ours: short matches far back are not taken (FAR). No short reps
 * (one byte from rep0): without bit prices they cost more than they saved on Packages text.
 * No price-based optimal parsing: several times the code for ~6% (xz -6 on a real Packages).
 *
 * Framing: the first chunk resets the dictionary, the state and sets the properties (lc=3,
 * lp=0, pb=2); later chunks keep the state (control 0x80), so the model keeps learning across
 * chunks. A chunk ends before it could pass 2 MiB of input or 64 KiB of output. A chunk whose
 * LZMA form is not smaller is stored (control 1, or 2 after the first); the encoder's state ran
 * ahead on the discarded bits, so the next LZMA chunk resets it (0xA0, or 0xC0 when the stored
 * chunk was the first: the decoder then also wants the properties again).
 */
import { LZMA_PROPS, LzmaModel, RangeEncoder } from "./lzma-encoder";
import { MATCH_LEN_MAX, MatchFinder } from "./lzma-match-finder";

const NICE_LENGTH = 64;
const CHAIN_DEPTH = 48;
const CHUNK_UNPACKED_MAX = 1 << 21;
const CHUNK_PACKED_MAX = 1 << 16;
/** Room left for one more symbol in a chunk's output (a match takes well under 64 bytes). */
const SYMBOL_ROOM = 256;
const REPS = 4;
/**
 * By match length (3–6), the distance from which a match is not worth taking: tuned on
 * Debian `Packages` text (real and generated), where this saves ~9% over taking them.
 */
const FAR: Record<number, number> = { 3: 0x40, 4: 0x800, 5: 0x4000, 6: 0x40000 };

/** liblzma's test: is the shorter `small` distance worth a byte of match length over `big`? */
const changePair = (small: number, big: number): boolean => big >>> 7 > small;

/** What to encode at one position: a literal (length 1), a match or a rep match. */
interface Choice {
  kind: "literal" | "match" | "rep";
  length: number;
  /** 0-based distance of a match, or index (0–3) of a rep match. */
  value: number;
}

const LITERAL: Choice = { kind: "literal", length: 1, value: 0 };

class Parser {
  private lengths = new Int32Array(MATCH_LEN_MAX + 1);
  private distances = new Int32Array(MATCH_LEN_MAX + 1);
  private aheadLengths = new Int32Array(MATCH_LEN_MAX + 1);
  private aheadDistances = new Int32Array(MATCH_LEN_MAX + 1);
  /** Matches already found for the position after the last literal (the look-ahead). */
  private aheadCount = -1;
  private readonly finder: MatchFinder;

  constructor(
    private readonly data: Uint8Array,
    private readonly model: LzmaModel,
    window: number,
  ) {
    this.finder = new MatchFinder(data, window, CHAIN_DEPTH, NICE_LENGTH);
  }

  /** Length of the match between `pos` and `pos - distance - 1`, up to `limit`. */
  private matchLength(pos: number, distance: number, limit: number): number {
    const data = this.data;
    const back = pos - distance - 1;
    if (back < 0) return 0;
    let length = 0;
    while (length < limit && data[pos + length] === data[back + length]) length++;
    return length;
  }

  /** The choice at `pos`; the finder has inserted every position the choice covers. */
  choose(pos: number): Choice {
    const { data, finder } = this;
    let count: number;
    if (this.aheadCount >= 0) {
      count = this.aheadCount;
      [this.lengths, this.aheadLengths] = [this.aheadLengths, this.lengths];
      [this.distances, this.aheadDistances] = [this.aheadDistances, this.distances];
      this.aheadCount = -1;
    } else count = finder.find(pos, this.lengths, this.distances);
    const avail = Math.min(data.length - pos, MATCH_LEN_MAX);
    if (avail < 2) return LITERAL;

    let repLength = 0;
    let repIndex = 0;
    for (let i = 0; i < REPS; i++) {
      const length = this.matchLength(pos, this.model.reps[i] ?? 0, avail);
      if (length < 2) continue;
      if (length >= NICE_LENGTH) {
        finder.skip(pos + 1, length - 1);
        return { kind: "rep", length, value: i };
      }
      if (length > repLength) {
        repLength = length;
        repIndex = i;
      }
    }

    let mainLength = count ? (this.lengths[count - 1] ?? 0) : 0;
    let mainDistance = count ? (this.distances[count - 1] ?? 0) : 0;
    if (mainLength >= NICE_LENGTH) {
      finder.skip(pos + 1, mainLength - 1);
      return { kind: "match", length: mainLength, value: mainDistance };
    }
    while (count > 1 && mainLength === (this.lengths[count - 2] ?? 0) + 1 && changePair(this.distances[count - 2] ?? 0, mainDistance)) {
      count--;
      mainLength = this.lengths[count - 1] ?? 0;
      mainDistance = this.distances[count - 1] ?? 0;
    }
    // Short matches far back cost more than the literals they replace.
    const far = (length: number, distance: number): boolean => (length === 3 && distance >= 0x80) || (length === 4 && distance >= 0x2000) || (length === 5 && distance >= 0x20000) || (length === 6 && distance >= 0x100000);
    while (count > 0 && far(mainLength, mainDistance)) {
      count--;
      mainLength = count ? (this.lengths[count - 1] ?? 0) : 0;
      mainDistance = count ? (this.distances[count - 1] ?? 0) : 0;
    }
    // A short match far back costs more than the literals it replaces (its distance alone
    // takes more bits): fall back to a shorter, closer one, or to a literal.
    while (count > 0 && mainDistance >= (FAR[mainLength] ?? Infinity)) {
      count--;
      mainLength = count ? (this.lengths[count - 1] ?? 0) : 0;
      mainDistance = count ? (this.distances[count - 1] ?? 0) : 0;
    }
    if (repLength >= 2 && (repLength + 1 >= mainLength || (repLength + 2 >= mainLength && mainDistance > 1 << 9) || (repLength + 3 >= mainLength && mainDistance > 1 << 15))) {
      finder.skip(pos + 1, repLength - 1);
      return { kind: "rep", length: repLength, value: repIndex };
    }
    if (mainLength < 2 || avail <= 2) return LITERAL;

    // Look one byte ahead: a clearly better match there makes this byte a literal.
    const ahead = finder.find(pos + 1, this.aheadLengths, this.aheadDistances);
    this.aheadCount = ahead;
    if (ahead > 0) {
      const nextLength = this.aheadLengths[ahead - 1] ?? 0;
      const nextDistance = this.aheadDistances[ahead - 1] ?? 0;
      if ((nextLength >= mainLength && nextDistance < mainDistance)
        || (nextLength === mainLength + 1 && !changePair(mainDistance, nextDistance))
        || nextLength > mainLength + 1
        || (nextLength + 1 >= mainLength && mainLength >= 3 && changePair(nextDistance, mainDistance))) {
        return LITERAL;
      }
    }
    const limit = Math.max(2, mainLength - 1);
    for (let i = 0; i < REPS; i++) {
      if (this.matchLength(pos + 1, this.model.reps[i] ?? 0, limit) === limit) return LITERAL;
    }
    this.aheadCount = -1;
    finder.skip(pos + 2, mainLength - 2);
    return { kind: "match", length: mainLength, value: mainDistance };
  }
}

/**
 * LZMA2 data (chunks and the end marker) for `data`, matches reaching at most `window - 1`
 * bytes back (`window`: a power of two no larger than the dictionary size the caller declares).
 */
export function lzma2Compress(data: Uint8Array, window: number): Uint8Array {
  const model = new LzmaModel(data);
  const parser = new Parser(data, model, window);
  const parts: Uint8Array[] = [];
  let first = true;
  let needProps = true;
  let needStateReset = true;
  let pos = 0;
  while (pos < data.length) {
    const start = pos;
    if (needStateReset) model.reset();
    const rc = new RangeEncoder();
    while (pos < data.length && pos - start <= CHUNK_UNPACKED_MAX - MATCH_LEN_MAX && rc.pendingSize <= CHUNK_PACKED_MAX - SYMBOL_ROOM) {
      const choice = parser.choose(pos);
      if (choice.kind === "literal") model.literalAt(rc, pos);
      else if (choice.kind === "match") model.matchAt(rc, pos, choice.value, choice.length);
      else model.repMatchAt(rc, pos, choice.value, choice.length);
      pos += choice.length;
    }
    const packed = rc.finish();
    const unpacked = pos - start;
    if (packed.length + 3 >= unpacked) {
      // Stored: at most 64 KiB, since the LZMA form (no larger than that) was not smaller.
      parts.push(Uint8Array.of(first ? 1 : 2, (unpacked - 1) >>> 8, (unpacked - 1) & 0xff), data.subarray(start, pos));
      if (first) needProps = true;
      needStateReset = true;
    } else {
      const reset = first ? 0xe0 : needProps ? 0xc0 : needStateReset ? 0xa0 : 0x80;
      const header = [reset | ((unpacked - 1) >>> 16), ((unpacked - 1) >>> 8) & 0xff, (unpacked - 1) & 0xff, (packed.length - 1) >>> 8, (packed.length - 1) & 0xff];
      if (reset >= 0xc0) header.push(LZMA_PROPS);
      parts.push(Uint8Array.from(header), packed);
      needProps = false;
      needStateReset = false;
    }
    first = false;
  }
  parts.push(Uint8Array.of(0));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
