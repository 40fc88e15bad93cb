/**
 * The LZMA range encoder and symbol coder (literals, matched literals, matches and rep
 * matches) behind our `.xz` encoder (./xz-encode.ts says why it is ours). It is the exact
 * mirror of the decoder in ./xz.ts (Igor Pavlov's LzmaSpec): the same probability layout,
 * state machine and bit trees, with lc=3, lp=0, pb=2 (xz's defaults).
 * Choosing *what* to encode is ./lzma2-encode.ts's job.
 */

const PROB_INIT = 1024;
const LC = 3;
const PB_MASK = 3;
/** Probabilities of one length coder: choice, choice2, low[16][8], mid[16][8], high[256]. */
const LEN_PROBS = 2 + 16 * 8 + 16 * 8 + 256;
/** LZMA2's properties byte for lc=3, lp=0, pb=2: (pb * 5 + lp) * 9 + lc. */
export const LZMA_PROPS = (2 * 5 + 0) * 9 + LC;

/** Writes range-coded bits into a growable buffer; one instance per LZMA2 chunk. */
export class RangeEncoder {
  /** Up to 33 bits: kept in a double, the carry is bit 32. */
  private low = 0;
  private range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;
  private bytes = new Uint8Array(1 << 16);
  private length = 0;

  /** Bytes this chunk takes once flushed (what is written plus what is pending, plus the flush). */
  get pendingSize(): number {
    return this.length + this.cacheSize + 5;
  }

  private write(byte: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }

  private shiftLow(): void {
    const low = this.low;
    if (low < 0xff000000 || low >= 0x100000000) {
      const carry = low >= 0x100000000 ? 1 : 0;
      let byte = this.cache;
      do {
        this.write((byte + carry) & 0xff);
        byte = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = (low >>> 24) & 0xff;
    }
    this.cacheSize++;
    this.low = (low & 0x00ffffff) * 256;
  }

  bit(probs: Uint16Array, index: number, bit: number): void {
    const prob = probs[index] ?? PROB_INIT;
    const bound = (this.range >>> 11) * prob;
    if (bit === 0) {
      this.range = bound;
      probs[index] = prob + ((2048 - prob) >>> 5);
    } else {
      this.low += bound;
      this.range -= bound;
      probs[index] = prob - (prob >>> 5);
    }
    while (this.range < 0x1000000) {
      this.range = (this.range * 256) >>> 0;
      this.shiftLow();
    }
  }

  direct(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.range >>>= 1;
      if ((value >>> i) & 1) this.low += this.range;
      while (this.range < 0x1000000) {
        this.range = (this.range * 256) >>> 0;
        this.shiftLow();
      }
    }
  }

  /** Most significant bit first, tree nodes from index `offset + 1`. */
  tree(probs: Uint16Array, offset: number, bits: number, symbol: number): void {
    let m = 1;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = (symbol >>> i) & 1;
      this.bit(probs, offset + m, bit);
      m = (m << 1) | bit;
    }
  }

  /** Least significant bit first (distance low bits and align bits). */
  reverse(probs: Uint16Array, offset: number, bits: number, symbol: number): void {
    let m = 1;
    for (let i = 0; i < bits; i++) {
      const bit = (symbol >>> i) & 1;
      this.bit(probs, offset + m, bit);
      m = (m << 1) | bit;
    }
  }

  /** Flushes and returns the chunk's bytes. */
  finish(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return this.bytes.subarray(0, this.length);
  }
}

function encodeLength(rc: RangeEncoder, probs: Uint16Array, length: number, posState: number): void {
  const value = length - 2;
  if (value < 8) {
    rc.bit(probs, 0, 0);
    rc.tree(probs, 2 + posState * 8, 3, value);
  } else if (value < 16) {
    rc.bit(probs, 0, 1);
    rc.bit(probs, 1, 0);
    rc.tree(probs, 2 + 128 + posState * 8, 3, value - 8);
  } else {
    rc.bit(probs, 0, 1);
    rc.bit(probs, 1, 1);
    rc.tree(probs, 2 + 256, 8, value - 16);
  }
}

/** The distance slot of a 0-based distance: 0–3 as is, then two slots per power of two. */
function distanceSlot(distance: number): number {
  if (distance < 4) return distance;
  const top = 31 - Math.clz32(distance);
  return (top << 1) | ((distance >>> (top - 1)) & 1);
}

/**
 * The LZMA model (probabilities, state, the four rep distances) and the symbol coders. The
 * data being compressed is the whole input: positions are offsets from its start, where the
 * only dictionary reset happens (so `pos & 3` is LZMA's posState).
 */
export class LzmaModel {
  state = 0;
  reps = [0, 0, 0, 0];
  private readonly literal = new Uint16Array(0x300 << LC);
  private readonly isMatch = new Uint16Array(192);
  private readonly isRep = new Uint16Array(12);
  private readonly isRepG0 = new Uint16Array(12);
  private readonly isRepG1 = new Uint16Array(12);
  private readonly isRepG2 = new Uint16Array(12);
  private readonly isRep0Long = new Uint16Array(192);
  private readonly posSlot = new Uint16Array(4 * 64);
  private readonly posCoders = new Uint16Array(1 + 114);
  private readonly align = new Uint16Array(16);
  private readonly len = new Uint16Array(LEN_PROBS);
  private readonly repLen = new Uint16Array(LEN_PROBS);

  constructor(private readonly data: Uint8Array) {
    this.reset();
  }

  /** LZMA's state reset (an LZMA2 chunk with control ≥ 0xA0 does the same on the decoder side). */
  reset(): void {
    this.state = 0;
    this.reps = [0, 0, 0, 0];
    for (const probs of [this.literal, this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2, this.isRep0Long, this.posSlot, this.posCoders, this.align, this.len, this.repLen]) {
      probs.fill(PROB_INIT);
    }
  }

  literalAt(rc: RangeEncoder, pos: number): void {
    const data = this.data;
    rc.bit(this.isMatch, (this.state << 4) + (pos & PB_MASK), 0);
    const prev = pos > 0 ? (data[pos - 1] ?? 0) : 0;
    const base = 0x300 * (prev >>> (8 - LC));
    const byte = data[pos] ?? 0;
    let symbol = 1;
    let i = 7;
    if (this.state >= 7) {
      // After a match the byte at rep0 predicts this one: code bits against it until they differ.
      let match = data[pos - (this.reps[0] ?? 0) - 1] ?? 0;
      do {
        const matchBit = (match >>> 7) & 1;
        match <<= 1;
        const bit = (byte >>> i--) & 1;
        rc.bit(this.literal, base + ((1 + matchBit) << 8) + symbol, bit);
        symbol = (symbol << 1) | bit;
        if (matchBit !== bit) break;
      } while (symbol < 0x100);
    }
    while (symbol < 0x100) {
      const bit = (byte >>> i--) & 1;
      rc.bit(this.literal, base + symbol, bit);
      symbol = (symbol << 1) | bit;
    }
    this.state = this.state < 4 ? 0 : this.state < 10 ? this.state - 3 : this.state - 6;
  }

  /** A new match: `distance` is 0-based (1 byte back = 0), `length` 2–273. */
  matchAt(rc: RangeEncoder, pos: number, distance: number, length: number): void {
    const posState = pos & PB_MASK;
    rc.bit(this.isMatch, (this.state << 4) + posState, 1);
    rc.bit(this.isRep, this.state, 0);
    encodeLength(rc, this.len, length, posState);
    this.state = this.state < 7 ? 7 : 10;
    const slot = distanceSlot(distance);
    rc.tree(this.posSlot, Math.min(length - 2, 3) * 64, 6, slot);
    if (slot >= 4) {
      const directBits = (slot >>> 1) - 1;
      const base = ((2 | (slot & 1)) << directBits) >>> 0;
      const reduced = distance - base;
      if (slot < 14) rc.reverse(this.posCoders, base - slot, directBits, reduced);
      else {
        rc.direct(reduced >>> 4, directBits - 4);
        rc.reverse(this.align, 0, 4, reduced & 15);
      }
    }
    this.reps = [distance, this.reps[0] ?? 0, this.reps[1] ?? 0, this.reps[2] ?? 0];
  }

  /** A match at one of the four rep distances (`index` 0–3), `length` 2–273. */
  repMatchAt(rc: RangeEncoder, pos: number, index: number, length: number): void {
    const posState = pos & PB_MASK;
    const state = this.state;
    rc.bit(this.isMatch, (state << 4) + posState, 1);
    rc.bit(this.isRep, state, 1);
    if (index === 0) {
      rc.bit(this.isRepG0, state, 0);
      rc.bit(this.isRep0Long, (state << 4) + posState, 1);
    } else {
      rc.bit(this.isRepG0, state, 1);
      const reps = this.reps;
      const distance = reps[index] ?? 0;
      if (index === 1) rc.bit(this.isRepG1, state, 0);
      else {
        rc.bit(this.isRepG1, state, 1);
        rc.bit(this.isRepG2, state, index - 2);
        if (index === 3) reps[3] = reps[2] ?? 0;
        reps[2] = reps[1] ?? 0;
      }
      reps[1] = reps[0] ?? 0;
      reps[0] = distance;
    }
    encodeLength(rc, this.repLen, length, posState);
    this.state = state < 7 ? 8 : 11;
  }
}
